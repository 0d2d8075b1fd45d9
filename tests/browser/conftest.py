"""Fixtures for the browser test: the built book over local HTTP, offline MathJax, headless Chromium.

The test never touches the internet. The built pages are served from ``_build/html`` by a local HTTP
server (search needs http, not file://). Every request to another host goes through a Playwright route:
requests for the MathJax CDN are answered from the MathJax 3 copy that ``django-static-mathjax``
installs (pinned in requirements.txt), and every other external request is aborted *and recorded*, so
a page that starts depending on the network fails the test instead of passing by luck.
"""

from __future__ import annotations

import functools
import http.server
import importlib.metadata
import os
import shutil
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Response,
    Route,
    sync_playwright,
)

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "_build" / "html"

# Where Sphinx points the pages for MathJax (its default ``mathjax_path`` for MathJax 3). Everything
# under this prefix (the loader, then the fonts and any extra components it fetches relative to its own
# URL) is answered from the local copy.
MATHJAX_CDN_PREFIX = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/"
MATHJAX_DIST = "django-static-mathjax"  # MathJax 3.2.2, the last 3.x release, the same as mathjax@3
MATHJAX_ES5 = "mathjax/static/mathjax/es5"  # where that distribution puts MathJax's es5/ directory

# Flags for headless Chromium on a machine with no network. --no-sandbox: Chromium refuses to run as
# root with its sandbox. The rest stop Chromium's own background connections (updates, sync, field
# trials, QUIC probes), which the closed network would refuse and which only add noise.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000  # per Playwright action (expect() keeps its 5 s); a page loads here in 1-3 s


# ---------------------------------------------------------------------------------------------------
# Chromium and the site


def find_chromium() -> str | None:
    """$CHROMIUM if set (CI points it at Google Chrome), else ``chromium`` / ``chromium-browser``."""
    if os.environ.get("CHROMIUM"):
        path = os.environ["CHROMIUM"]
        found = shutil.which(path)
        if found is None:
            pytest.fail(f"CHROMIUM={path!r} is not an executable browser", pytrace=False)
        return found
    for name in ("chromium", "chromium-browser"):
        if found := shutil.which(name):
            return found
    return None


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no Chromium found; .ci/run installs Debian's chromium", pytrace=False)
        pytest.skip(
            "no Chromium found: install Debian's (`sudo apt-get install chromium`) "
            "or set CHROMIUM=/path/to/chrome"
        )
    return path


@pytest.fixture(scope="session")
def mathjax_dir() -> Path:
    try:
        es5 = Path(importlib.metadata.distribution(MATHJAX_DIST).locate_file(MATHJAX_ES5))
    except importlib.metadata.PackageNotFoundError:
        pytest.fail(
            f"{MATHJAX_DIST} is not installed: run `make setup` (it is in requirements.txt)", pytrace=False
        )
    if not (es5 / "tex-mml-chtml.js").is_file():
        pytest.fail(f"no MathJax 3 found at {es5}; {MATHJAX_DIST} changed its layout", pytrace=False)
    return es5.resolve()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site_url() -> Iterator[str]:
    """The built HTML book served over http://127.0.0.1:<free port>/."""
    if not (SITE / "index.html").is_file():
        pytest.fail(f"{SITE / 'index.html'} does not exist: run `make build` first", pytrace=False)
    handler = functools.partial(_QuietHandler, directory=str(SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# ---------------------------------------------------------------------------------------------------
# Opening a page and recording what went wrong


@dataclass
class PageReport:
    """What a page did while it loaded."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_external: list[str] = field(default_factory=list)
    mathjax_served: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"uncaught error: {m}" for m in self.page_errors]
            + [f"failed request: {m}" for m in self.failed_requests]
            + [f"external request (blocked; the book must work offline): {u}" for u in self.blocked_external]
        )


def _route_offline(report: PageReport, mathjax_dir: Path) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        url = route.request.url
        if url.startswith(MATHJAX_CDN_PREFIX):
            relative = urlsplit(url).path.removeprefix(urlsplit(MATHJAX_CDN_PREFIX).path)
            local = (mathjax_dir / relative).resolve()
            if local.is_relative_to(mathjax_dir) and local.is_file():
                report.mathjax_served.append(relative)
                route.fulfill(path=local)
            else:  # recorded as a failed request by the response listener
                route.fulfill(status=404, body=f"not in the local MathJax: {relative}")
        else:
            report.blocked_external.append(url)
            route.abort("blockedbyclient")

    return handle


@dataclass
class Visit:
    page: Page
    report: PageReport


@pytest.fixture
def visit(browser: Browser, site_url: str, mathjax_dir: Path) -> Iterator[Callable[[str], Visit]]:
    """``visit("book/index.html")`` opens a page in a fresh context (empty storage, like a first visit)
    and returns once it has loaded, MathJax has finished and the network is idle."""
    contexts: list[BrowserContext] = []

    def open_page(path: str) -> Visit:
        context = browser.new_context()
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        report = PageReport()
        context.route(lambda url: not url.startswith(site_url), _route_offline(report, mathjax_dir))
        page = context.new_page()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                report.console_errors.append(f"{message.text} (at {message.location.get('url', '?')})")

        def on_request_failed(request: Request) -> None:
            if request.url.startswith(site_url):  # external ones are reported as blocked
                report.failed_requests.append(f"{request.url}: {request.failure}")

        def on_response(response: Response) -> None:
            if response.status >= 400:
                report.failed_requests.append(f"{response.url}: HTTP {response.status}")

        page.on("console", on_console)
        page.on("pageerror", lambda error: report.page_errors.append(str(error)))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        page.goto(site_url + path, wait_until="load")
        # MathJax is loaded with `defer`, so at "load" it has started; wait until it has typeset.
        page.evaluate(
            "() => window.MathJax?.startup?.promise ? MathJax.startup.promise.then(() => true) : true"
        )
        page.wait_for_load_state("networkidle")  # fonts MathJax asked for, images, searchindex.js
        return Visit(page, report)

    yield open_page
    for context in contexts:
        context.close()
