"""The built book, opened in headless Chromium, behaves for a reader the way it should.

Run after `jupyter-book build . -W -n --keep-going` (``make build``), with ``make browser``. The book is
served from ``_build/html`` on 127.0.0.1 and never reaches the internet: MathJax comes from a local
copy, and any other external request fails the page (see conftest.py).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOC = ROOT / "_toc.yml"

BCE_CHAPTER = "book/02-classification/06-binary-cross-entropy.html"
FRONT_PAGE = "book/index.html"
SEARCH_PAGE = "search.html?q=cross-entropy"

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


def test_the_pages_these_tests_name_are_in_the_table_of_contents():
    pages = toc_pages()
    for page in (FRONT_PAGE, BCE_CHAPTER):
        assert page in pages, f"{page} is not in _toc.yml; update the browser test"
    assert chapter_pages(), "_toc.yml lists no numbered chapter (book/NN-part/NN-slug)"


@pytest.mark.parametrize("path", [*toc_pages(), SEARCH_PAGE])
def test_page_loads_without_console_errors_or_failed_requests(visit, path):
    problems = visit(path).report.problems()
    assert not problems, f"{path}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("path", [FRONT_PAGE, *chapter_pages()])
def test_math_is_typeset_by_the_local_mathjax(visit, path):
    opened = visit(path)
    assert "tex-mml-chtml.js" in opened.report.mathjax_served, "MathJax was not loaded from the local copy"
    state = opened.page.evaluate(MATH_STATE_JS)
    assert state["mathElements"] > 0, f"{path} is expected to contain math but has no .math element"
    assert state["containers"] > 0, f"MathJax produced no output on {path}"
    assert not state["notTypeset"], f"math left untypeset: {state['notTypeset']}"
    assert not state["texErrors"], f"MathJax could not typeset: {state['texErrors']}"
    assert not state["rawDelimiters"], f"raw TeX delimiters in the prose: {state['rawDelimiters']}"


@pytest.mark.parametrize("path", chapter_pages())
def test_every_image_on_a_chapter_page_loads(visit, path):
    page = visit(path).page
    assert page.locator("article.bd-article img").count() > 0, f"{path} has no figure"
    broken = page.evaluate(BROKEN_IMAGES_JS)
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
def test_markdown_tables_printed_by_a_chapter_render_as_tables(visit, path):
    # lossbook.display.show_table outputs Markdown; the book must parse it (nb_render_markdown_format).
    page = visit(path).page
    rendered = page.locator("article.bd-article .output table, article.bd-article .cell_output table").count()
    assert rendered >= markdown_tables_in_outputs(path)
    raw = page.evaluate(RAW_MARKDOWN_TABLE_JS)
    assert not raw, f"unrendered Markdown table on {path}: {raw[:3]}"


def test_the_chapters_store_markdown_table_outputs_for_the_table_test_to_check():
    assert sum(markdown_tables_in_outputs(path) for path in chapter_pages()) > 0


def test_solution_dropdowns_start_closed_and_open_when_their_title_is_clicked(visit):
    # sphinx-exercise renders `:class: dropdown` as <div class="solution dropdown admonition"> (not a
    # <details>); sphinx-togglebutton's JS hides everything after the title and adds a .toggle-button
    # to it, and a click on the title shows the solution.
    page = visit(BCE_CHAPTER).page
    solutions = page.locator("article.bd-article .solution.dropdown")
    expect(solutions.first).to_be_attached()
    for i in range(solutions.count()):
        solution = solutions.nth(i)
        title = solution.locator(":scope > .admonition-title")
        body = solution.locator(":scope > :not(.admonition-title)")
        button = title.locator(".toggle-button")
        expect(button, "sphinx-togglebutton did not make the solution a closed dropdown").to_have_attribute(
            "aria-expanded", "false"
        )
        expect(body.first, "the solution is shown before its title is clicked").to_be_hidden()

        title.click()

        expect(button, "clicking the title did not open the solution").to_have_attribute(
            "aria-expanded", "true"
        )
        expect(body.first, "the opened solution is not visible").to_be_visible()
        expect(body.first).to_have_css("opacity", "1")  # after the fade-in transition


def test_search_finds_the_binary_cross_entropy_chapter(visit):
    page = visit(SEARCH_PAGE).page
    expect(page.locator("#search-results > h2")).to_have_text("Search Results")  # search finished
    links = page.locator("#search-results ul.search a").evaluate_all(
        "links => links.map((a) => new URL(a.href).pathname)"
    )
    assert "/" + BCE_CHAPTER in links, f"search for 'cross-entropy' found only {links}"
