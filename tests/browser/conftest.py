"""Fixtures for the browser test: the built book over local HTTP, headless Chromium, no network.

The test never touches the internet. The built pages are served from ``_build/html`` by a local HTTP
server (search needs http, not file://). The book serves its own MathJax (``_static/mathjax``, copied
there by ``_ext/lossbook_offline_mathjax.py``), so it reads offline; every request to another host is
aborted *and recorded*, so a page that starts depending on the network fails the test instead of
passing by luck.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
from playwright.sync_api import Error as PlaywrightError

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "_build" / "html"

# Where the built book serves MathJax from (``mathjax_path`` in _config.yml, under _static).
MATHJAX_PREFIX = "_static/mathjax/"

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
QUIET_S = 0.5  # the network is idle once no request of the page has been in flight for this long


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


def _route_offline(report: PageReport) -> Callable[[Route], None]:
    """Abort and record every request to another host."""

    def handle(route: Route) -> None:
        report.blocked_external.append(route.request.url)
        route.abort("blockedbyclient")

    return handle


@dataclass
class Visit:
    """One load of one page: the live page, what it did while loading, and what was measured on it."""

    path: str
    page: Page
    report: PageReport
    # Measurements taken on the freshly loaded page, before any test looked at it or clicked on it (see
    # ``Visit.measure``); a measurement that raised keeps its error, for the test that reads it.
    record: dict[str, Any] = field(default_factory=dict)

    # The page's requests not yet finished or failed, and when the last one started or ended.
    in_flight: set[Request] = field(default_factory=set)
    last_activity: float = field(default_factory=time.monotonic)

    def wait_until_loaded(self) -> None:
        """Return once the page has loaded, MathJax has finished and the network is idle."""
        self.page.wait_for_load_state("load")
        # MathJax is loaded with `defer`, so at "load" it has started; wait until it has typeset.
        self.page.evaluate(
            "() => window.MathJax?.startup?.promise ? MathJax.startup.promise.then(() => true) : true"
        )
        self.wait_until_network_idle()  # fonts MathJax asked for, images, searchindex.js

    def wait_until_network_idle(self) -> None:
        """Playwright's own wait_for_load_state("networkidle"), but counted from the page's request
        events: with another page loading at the same time, Playwright's now and then never fired even
        though every request had finished."""
        deadline = time.monotonic() + TIMEOUT_MS / 1000
        while (quiet := time.monotonic() - self.last_activity) < QUIET_S or self.in_flight:
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{self.path}: the network was not idle within {TIMEOUT_MS / 1000:g} s; still in "
                    f"flight: {sorted(request.url for request in self.in_flight)}",
                    pytrace=False,
                )
            # Playwright delivers the page's events to Python while it waits.
            self.page.wait_for_timeout(100 if self.in_flight else (QUIET_S - quiet) * 1000 + 10)

    def measure(self, name: str, how: Callable[[Page], Any]) -> None:
        try:
            self.record[name] = how(self.page)
        except PlaywrightError as error:
            self.record[name] = error

    def measured(self, name: str) -> Any:
        value = self.record[name]
        if isinstance(value, PlaywrightError):
            pytest.fail(f"{self.path}: measuring {name} at load time failed: {value}", pytrace=False)
        return value


@pytest.fixture(scope="module")
def start_loading(browser: Browser, site_url: str) -> Iterator[Callable[..., Visit]]:
    """``start_loading("book/index.html")`` opens a page in a fresh context (empty storage, like a first
    visit) and returns as soon as the server has answered, while the page goes on loading; then
    ``visit.wait_until_loaded()``. So the next page can load while a test looks at this one. Every call is
    a new load; the pages stay open until the end of the module (the test module loads each page once)."""
    contexts: list[BrowserContext] = []

    def start_loading(path: str, *, color_mode: str | None = None) -> Visit:
        context = browser.new_context()
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        if color_mode is not None:  # pydata-sphinx-theme reads the reader's choice from localStorage
            context.add_init_script(f"localStorage.setItem('mode', '{color_mode}')")
        report = PageReport()
        context.route(lambda url: not url.startswith(site_url), _route_offline(report))
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

        visit = Visit(path, page, report)

        def on_request(request: Request) -> None:
            visit.in_flight.add(request)
            visit.last_activity = time.monotonic()
            if request.url.startswith(site_url + MATHJAX_PREFIX):
                report.mathjax_served.append(request.url.removeprefix(site_url + MATHJAX_PREFIX))

        def on_request_done(request: Request) -> None:
            visit.in_flight.discard(request)
            visit.last_activity = time.monotonic()

        page.on("console", on_console)
        page.on("pageerror", lambda error: report.page_errors.append(str(error)))
        page.on("requestfailed", on_request_failed)
        page.on("response", on_response)
        page.on("request", on_request)
        page.on("requestfinished", on_request_done)
        page.on("requestfailed", on_request_done)
        page.goto(site_url + path, wait_until="commit")
        return visit

    yield start_loading
    for context in contexts:
        context.close()
