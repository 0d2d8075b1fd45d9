"""The first code cell of every chapter installs lossbook when the notebook runs in Google Colab, and
does nothing anywhere else.

The book's "open in Colab" launch button opens a chapter in a fresh Colab runtime, which has PyTorch,
Keras and matplotlib but not lossbook; the cell installs it from the repository. Everywhere else (a
learner's Jupyter, ``make test``'s nbval run, the HTML build) it must do nothing and print nothing, so
that the stored outputs stay exactly those of the rest of the notebook. The cell is hidden from the
rendered book (``remove-cell``): it is set-up, not content.
"""

from __future__ import annotations

import json
import sys
from unittest import mock

import pytest
import yaml
from _helpers import REPO, page_path, toc_docnames
from IPython.core.inputtransformer2 import TransformerManager

REPOSITORY = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]

COLAB_CELL = f"""\
# In Google Colab, install lossbook first (Colab already has PyTorch, Keras and matplotlib).
# Anywhere else this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install --quiet "lossbook @ git+{REPOSITORY}@main"
"""

CHAPTERS = [name for name in toc_docnames() if page_path(name) and page_path(name).suffix == ".ipynb"]


def first_code_cell(docname: str) -> dict:
    cells = json.loads(page_path(docname).read_text(encoding="utf-8"))["cells"]
    return next(cell for cell in cells if cell["cell_type"] == "code")


def run_cell(in_colab: bool) -> list[tuple[str, str]]:
    """Run the cell as IPython would (magics transformed) and return the magics it called."""
    calls: list[tuple[str, str]] = []
    shell = mock.Mock()
    shell.run_line_magic.side_effect = lambda name, line: calls.append((name, line))
    code = TransformerManager().transform_cell(COLAB_CELL)
    modules = dict(sys.modules)
    if in_colab:
        modules["google.colab"] = mock.Mock()
    else:
        modules.pop("google.colab", None)
    with mock.patch.dict(sys.modules, modules, clear=True):
        exec(compile(code, "<colab cell>", "exec"), {"get_ipython": lambda: shell})
    return calls


@pytest.mark.parametrize("docname", CHAPTERS)
def test_every_chapter_starts_with_the_colab_cell_hidden_from_the_book(docname):
    cell = first_code_cell(docname)
    assert "".join(cell["source"]) == COLAB_CELL.rstrip("\n"), f"{docname}: the first code cell differs"
    assert "remove-cell" in cell["metadata"].get("tags", []), f"{docname}: tag the Colab cell remove-cell"
    assert cell["outputs"] == [], f"{docname}: the Colab cell must print nothing"


def test_in_colab_the_cell_installs_lossbook_from_the_books_repository():
    assert run_cell(in_colab=True) == [
        ("pip", f'install --quiet "lossbook @ git+{REPOSITORY}@main"'),
    ]


def test_anywhere_else_the_cell_does_nothing():
    assert run_cell(in_colab=False) == []


def test_the_cell_names_the_repository_of_the_launch_buttons():
    assert REPOSITORY.startswith("https://github.com/")
