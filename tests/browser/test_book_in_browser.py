"""The built book, opened in headless Chromium, behaves for a reader the way it should.

Run after `jupyter-book build . -W -n --keep-going` (``make build``), with ``make browser``. The book is
served from ``_build/html`` on 127.0.0.1 and never reaches the internet: MathJax is served by the built
book itself (``_static/mathjax``), and any request to another host fails the page (see conftest.py).
One chapter is also opened in the theme's dark mode.

Each page is loaded once (the ``opened`` fixture; the next page loads while the tests check this one).
Right after that load, everything the checks need is measured into the page's record
(``take_measurements``); each check is still its own test, per page, reading that record, so a failure
names its page and its check. The one test that interacts with a page (the solution dropdowns are
clicked) uses the live page, and cannot disturb the other checks of that page, which were measured
before any test ran on it.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOC = ROOT / "_toc.yml"

BCE_CHAPTER = "book/02-classification/06-binary-cross-entropy.html"
FRONT_PAGE = "book/index.html"
SEARCH_PAGE = "search.html?q=cross-entropy"
DARK_MODE_PAGE = "book/01-foundations/05-reductions-and-weights.html"  # three figures, a quick load
SEARCH_TIMEOUT_MS = 5_000  # for the search to finish after the page has loaded (expect()'s default)
IN_FLIGHT = 2  # pages loading at once: on 2 cores, the next page loads while the tests check this one

# Runs in the page: the state of the math in the article after MathJax has finished.
MATH_STATE_JS = r"""
() => {
  const article = document.querySelector("article.bd-article");
  const math = [...article.querySelectorAll(".math")];
  // The prose as a reader sees it, without typeset math and code (which may show TeX on purpose).
  const prose = article.cloneNode(true);
  prose.querySelectorAll("mjx-container, pre, code, script").forEach((el) => el.remove());
  const text = prose.textContent;
  return {
    mathElements: math.length,
    containers: article.querySelectorAll("mjx-container").length,
    notTypeset: math.filter((el) => !el.querySelector("mjx-container"))
                    .map((el) => el.textContent.trim().slice(0, 80)),
    // TeX errors are typeset as <mjx-merror>; an undefined macro (MathJax's noundefined package) as its
    // name in red, which the assistive MathML shows as <mtext mathcolor="red">\macro</mtext>.
    texErrors: [
      ...[...article.querySelectorAll("mjx-merror")]
         .map((el) => el.getAttribute("data-mjx-error") || el.textContent),
      ...[...article.querySelectorAll('mjx-assistive-mml mtext[mathcolor="red"]')]
         .map((el) => el.textContent).filter((t) => t.startsWith("\\"))
         .map((t) => `undefined macro ${t}`),
    ],
    rawDelimiters: ["$$", "\\(", "\\)", "\\[", "\\]", "\\begin{"].filter((d) => text.includes(d)),
  };
}
"""

# Runs in the page: load every image (even lazy ones) and list those that did not decode.
BROKEN_IMAGES_JS = """
async () => {
  const images = [...document.images];
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  return images.filter((img) => !(img.complete && img.naturalWidth > 0))
               .map((img) => img.currentSrc || img.src);
}
"""


# The tables a chapter's outputs render to (lossbook.display.show_table prints Markdown).
RENDERED_TABLES = "article.bd-article .output table, article.bd-article .cell_output table"

# Runs in the page: the search page's results once Sphinx's search has finished, or null before.
SEARCH_RESULTS_JS = """
() => {
  const title = document.querySelector("#search-results > h2");
  if (title?.textContent.trim() !== "Search Results") return null;
  return [...document.querySelectorAll("#search-results ul.search a")].map((a) => new URL(a.href).pathname);
}
"""


def toc_pages() -> list[str]:
    """Every page of ``_toc.yml`` as a path relative to the site root, e.g. ``book/index.html``."""
    toc = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries:
            if "file" in entry:
                files.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key, []))

    walk([{key: toc.get(key, []) for key in ("parts", "chapters", "sections")}])
    return [re.sub(r"\.(md|ipynb|rst)$", "", f) + ".html" for f in files]


def chapter_pages() -> list[str]:
    """The numbered chapters (``book/NN-part/NN-slug``), as opposed to the front and back matter."""
    return [p for p in toc_pages() if re.fullmatch(r"book/\d\d-[^/]+/\d\d-[^/]+\.html", p)]


# ---------------------------------------------------------------------------------------------------
# One load per page, measured once


def search_results(page: Page) -> dict[str, Any]:
    """The search title and result links, once the search has finished (or as they are at the timeout)."""
    try:
        links = page.wait_for_function(SEARCH_RESULTS_JS, timeout=SEARCH_TIMEOUT_MS).json_value()
    except PlaywrightError:  # the search has not finished; the search test reports what the page shows
        links = None
    title = page.locator("#search-results > h2")
    return {"title": title.first.text_content() if title.count() else None, "links": links}


def take_measurements(visit: Any) -> None:
    """Everything the checks read, measured on the page as it has just loaded, before any test runs."""
    if visit.path == SEARCH_PAGE:
        visit.measure("search", search_results)
    else:
        visit.measure("math", lambda page: page.evaluate(MATH_STATE_JS))
        visit.measure("figures", lambda page: page.locator("article.bd-article img").count())
        visit.measure("broken images", lambda page: page.evaluate(BROKEN_IMAGES_JS))
        visit.measure("rendered tables", lambda page: page.locator(RENDERED_TABLES).count())
        visit.measure("raw Markdown tables", lambda page: page.evaluate(RAW_MARKDOWN_TABLE_JS))
    # Last, so that they include whatever the measurements made the page do (e.g. load an image).
    visit.record["mathjax served"] = list(visit.report.mathjax_served)
    visit.record["problems"] = visit.report.problems()


def pages_in_test_order(items: list[pytest.Item]) -> list[str]:
    """The pages that the selected tests of this module check, page by page, in the order they run."""
    pages: list[str] = []
    for item in items:
        if getattr(item, "module", None) is not sys.modules[__name__] or "opened" not in item.fixturenames:
            continue
        path = getattr(item, "callspec", None) and item.callspec.params.get("path")
        if path and path not in pages:
            pages.append(path)
    return pages


@pytest.fixture(scope="module")
def opened(request: pytest.FixtureRequest, start_loading: Callable[[str], Any]) -> Callable[[str], Any]:
    """``opened(path)`` loads and measures the page the first time, and returns that same visit (live
    page, report, record) every time after. While a page is checked, the next page the tests will ask
    for is already loading (IN_FLIGHT pages at once); still, every page is loaded once."""
    coming = pages_in_test_order(request.session.items)
    loading: dict[str, Any] = {}  # started, not yet waited for
    visits: dict[str, Any] = {}  # loaded and measured
    failures: dict[str, str] = {}

    def start(path: str) -> None:
        try:
            loading[path] = start_loading(path)
        except PlaywrightError as error:
            failures[path] = str(error)

    def opened_(path: str) -> Any:
        if path not in visits:
            if path not in loading and path not in failures:
                start(path)
            for later in coming:
                if len(loading) >= IN_FLIGHT:
                    break
                if later not in loading and later not in visits and later not in failures:
                    start(later)
            if path in failures:
                pytest.fail(f"{path} did not load: {failures[path]}", pytrace=False)
            visit = loading.pop(path)
            try:
                visit.wait_until_loaded()
            except (PlaywrightError, pytest.fail.Exception) as error:
                failures[path] = str(error)
                raise
            take_measurements(visit)
            visits[path] = visit
        return visits[path]

    return opened_


# ---------------------------------------------------------------------------------------------------
# The checks


def test_the_pages_these_tests_name_are_in_the_table_of_contents():
    pages = toc_pages()
    for page in (FRONT_PAGE, BCE_CHAPTER, DARK_MODE_PAGE):
        assert page in pages, f"{page} is not in _toc.yml; update the browser test"
    assert chapter_pages(), "_toc.yml lists no numbered chapter (book/NN-part/NN-slug)"


@pytest.mark.parametrize("path", [*toc_pages(), SEARCH_PAGE])
def test_page_loads_without_console_errors_or_failed_requests(opened, path):
    problems = opened(path).record["problems"]
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", [FRONT_PAGE, *chapter_pages()])
def test_math_is_typeset_by_the_local_mathjax(opened, path):
    visit = opened(path)
    served = visit.record["mathjax served"]
    assert "tex-mml-chtml.js" in served, "MathJax was not loaded from the book's own _static/mathjax"
    state = visit.measured("math")
    assert state["mathElements"] > 0, f"{path} is expected to contain math but has no .math element"
    assert state["containers"] > 0, f"MathJax produced no output on {path}"
    assert not state["notTypeset"], f"math left untypeset: {state['notTypeset']}"
    assert not state["texErrors"], f"MathJax could not typeset: {state['texErrors']}"
    assert not state["rawDelimiters"], f"raw TeX delimiters in the prose: {state['rawDelimiters']}"


@pytest.mark.parametrize("path", chapter_pages())
def test_every_image_on_a_chapter_page_loads(opened, path):
    visit = opened(path)
    assert visit.measured("figures") > 0, f"{path} has no figure"
    broken = visit.measured("broken images")
    assert not broken, f"images that did not load on {path}: {broken}"


# Runs in the page: prose (not code) lines that look like a Markdown table left unrendered.
RAW_MARKDOWN_TABLE_JS = r"""
() => {
  const prose = document.querySelector("article.bd-article").cloneNode(true);
  prose.querySelectorAll("pre, code, script, mjx-container").forEach((el) => el.remove());
  // A delimiter row |---|---| (smart quotes may have turned --- into an em dash).
  return [...prose.textContent.matchAll(/\|\s*(?:-{3,}|\u2014)\s*\|[^\n]{0,60}/g)].map((m) => m[0]);
}
"""


def markdown_tables_in_outputs(path: str) -> int:
    """How many Markdown tables (``display.show_table``) the page's notebook stores among its outputs."""
    notebook = ROOT / re.sub(r"\.html$", ".ipynb", path)
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    outputs = [output for cell in cells for output in cell.get("outputs", [])]
    markdown = ["".join(output.get("data", {}).get("text/markdown", "")) for output in outputs]
    return sum(bool(re.search(r"^\|(\s*-{3,}\s*\|)+\s*$", text, re.MULTILINE)) for text in markdown)


@pytest.mark.parametrize("path", chapter_pages())
def test_markdown_tables_printed_by_a_chapter_render_as_tables(opened, path):
    # lossbook.display.show_table outputs Markdown; the book must parse it (nb_render_markdown_format).
    visit = opened(path)
    assert visit.measured("rendered tables") >= markdown_tables_in_outputs(path)
    raw = visit.measured("raw Markdown tables")
    assert not raw, f"unrendered Markdown table on {path}: {raw[:3]}"


def test_the_chapters_store_markdown_table_outputs_for_the_table_test_to_check():
    assert sum(markdown_tables_in_outputs(path) for path in chapter_pages()) > 0


def test_folded_blocks_start_closed_and_open_when_their_title_is_clicked(opened):
    """Exercise solutions and the chapters' folded detours start closed and open on a click.

    sphinx-exercise renders a solution with `:class: dropdown` as <div class="solution dropdown
    admonition"> (not a <details>); sphinx-togglebutton's JS hides everything after the title and adds a
    .toggle-button to it, and a click on the title shows the solution. A `{dropdown}` block (a detour
    folded off the main path) is sphinx-design's <details class="sd-dropdown">. Every one of them must
    start closed; one of each kind is clicked open (the mechanism is the same for all of a kind).
    The only test that acts on a page: it clicks on the live page, after its checks were measured.
    """
    page = opened(BCE_CHAPTER).page
    solutions = page.locator("article.bd-article .solution.dropdown")
    expect(solutions.first).to_be_attached()
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        button = solution.locator(":scope > .admonition-title .toggle-button")
        expect(button, "sphinx-togglebutton did not make the solution a closed dropdown").to_have_attribute(
            "aria-expanded", "false"
        )
        expect(solution.locator(":scope > :not(.admonition-title)").first,
               "the solution is shown before its title is clicked").to_be_hidden()

    first = solutions.first
    body = first.locator(":scope > :not(.admonition-title)").first
    first.locator(":scope > .admonition-title").click()
    expect(first.locator(":scope > .admonition-title .toggle-button"),
           "clicking the title did not open the solution").to_have_attribute("aria-expanded", "true")
    expect(body, "the opened solution is not visible").to_be_visible()
    expect(body).to_have_css("opacity", "1")  # after the fade-in transition

    detours = page.locator("article.bd-article details.sd-dropdown")
    expect(detours.first, f"{BCE_CHAPTER} is expected to fold a detour in a {{dropdown}}").to_be_attached()
    for i in range(detours.count()):
        assert detours.nth(i).get_attribute("open") is None, "a folded detour starts open"
    detour = detours.first
    detour.locator(":scope > summary").click()
    expect(detour, "clicking the summary did not open the folded detour").to_have_attribute("open", "")
    expect(detour.locator(":scope > :not(summary)").first).to_be_visible()


def test_search_finds_the_binary_cross_entropy_chapter(opened):
    search = opened(SEARCH_PAGE).measured("search")
    assert search["links"] is not None, (
        f"the search did not finish within {SEARCH_TIMEOUT_MS / 1000:g} s of the page loading: "
        f"#search-results > h2 reads {search['title']!r}, not 'Search Results'"
    )
    assert "/" + BCE_CHAPTER in search["links"], f"search for 'cross-entropy' found only {search['links']}"


# Runs in the page: for every figure, the colour of its corner pixels (drawn to a canvas; the images
# are same-origin, so the canvas can be read).
FIGURE_CORNERS_JS = """
async () => {
  const images = [...document.querySelectorAll("article.bd-article img")];
  await Promise.all(images.map((img) => img.decode().catch(() => null)));
  return images.map((img) => {
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth;
    canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    const corners = [[0, 0], [img.naturalWidth - 1, 0], [0, img.naturalHeight - 1],
                     [img.naturalWidth - 1, img.naturalHeight - 1]];
    const pixel = ([x, y]) => [...context.getImageData(x, y, 1, 1).data];
    return {src: img.currentSrc, corners: corners.map(pixel)};
  });
}
"""


def test_a_chapter_in_dark_mode_loads_cleanly_and_its_figures_keep_a_light_background(start_loading):
    """A reader who picked the theme's dark mode gets no console errors, and every figure stays legible:
    matplotlib draws dark lines and text, so each figure must bring its own opaque, light background
    rather than show the dark page through a transparent one."""
    visit = start_loading(DARK_MODE_PAGE, color_mode="dark")
    visit.wait_until_loaded()
    assert visit.page.evaluate("document.documentElement.dataset.theme") == "dark"
    problems = visit.report.problems()
    assert not problems, f"{DARK_MODE_PAGE} in dark mode:\n  " + "\n  ".join(problems)
    figures = visit.page.evaluate(FIGURE_CORNERS_JS)
    assert figures, f"{DARK_MODE_PAGE} has no figure"
    for figure in figures:
        for red, green, blue, alpha in figure["corners"]:
            assert alpha == 255, f"{figure['src']}: a transparent corner shows the dark page through"
            assert min(red, green, blue) >= 200, f"{figure['src']}: a corner is dark ({red}, {green}, {blue})"
