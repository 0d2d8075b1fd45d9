"""The package and the book as a whole: import speed, the table of contents, printed numbers."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
import torch
from _helpers import REPO, page_path, toc_docnames

from lossbook import display

IMPORT_SCRIPT = """
import json, sys, time
start = time.perf_counter()
import lossbook, lossbook.core, lossbook.keras_compat, lossbook.torch_compat, lossbook.catalog
seconds = time.perf_counter() - start
heavy = sorted(m for m in ("torch", "keras", "sympy", "matplotlib") if m in sys.modules)
print(json.dumps({"seconds": seconds, "heavy": heavy, "file": lossbook.__file__}))
"""


def fresh_import() -> dict:
    """Import the package in a new interpreter (cwd = the repository, so the working tree is imported)."""
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_SCRIPT],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return json.loads(completed.stdout)


def test_import_lossbook_takes_under_0_3_seconds_and_loads_no_heavy_library():
    """DESIGN.md, "Speed": ``import lossbook`` and its four layers in under 0.3 s. SymPy work is lazy,
    torch and Keras are only used when the caller passes their objects. The best of three runs is
    taken, so one slow start on a busy machine is not a failure (the first run may also write bytecode
    caches)."""
    runs = [fresh_import() for _ in range(3)]
    for run in runs:
        assert run["heavy"] == [], f"import lossbook imported {run['heavy']}"
        assert run["file"].startswith(str(REPO)), f"imported {run['file']}, not the working tree"
    assert min(run["seconds"] for run in runs) < 0.3, runs


def book_notebooks() -> list[str]:
    """Docnames of every notebook under book/ (checkpoints excluded)."""
    return sorted(
        path.relative_to(REPO).with_suffix("").as_posix()
        for path in (REPO / "book").rglob("*.ipynb")
        if ".ipynb_checkpoints" not in path.parts
    )


def test_every_notebook_under_book_is_listed_in_the_table_of_contents():
    listed = set(toc_docnames())
    assert book_notebooks(), "the book has no notebooks"
    missing = [name for name in book_notebooks() if name not in listed]
    assert not missing, f"notebooks missing from _toc.yml: {missing}"


def test_every_table_of_contents_entry_is_a_file():
    missing = [name for name in toc_docnames() if page_path(name) is None]
    assert not missing, f"_toc.yml entries with no .ipynb or .md file: {missing}"


def significant_digits(text: str) -> int:
    """The number of significant digits in a number printed in fixed or exponent notation."""
    mantissa = text.lstrip("-").split("e")[0].replace(".", "")
    return len(mantissa.lstrip("0"))


@pytest.mark.parametrize(
    "value",
    [math.pi, -1 / 3, 2 / 3 * 1e-10, 12345678.9, math.exp(-100), np.float32(0.1), np.float64(1 - 2**-40)],
    ids=["pi", "-1/3", "2e-11/3", "12345678.9", "exp(-100)", "float32 0.1", "1 - 2**-40"],
)
def test_fmt_prints_six_significant_digits_rounded_to_nearest(value):
    """The text is the value rounded to 6 significant digits (as the exponent format with 5 decimals
    rounds it), with trailing zeros dropped: 1 - 2**-40 prints as 1."""
    assert display.SIGNIFICANT_DIGITS == 6
    rounded = f"{float(value):.5e}"
    text = display.fmt(value)
    assert float(text) == float(rounded)
    assert significant_digits(text) == len(rounded.lstrip("-").split("e")[0].replace(".", "").rstrip("0"))


def test_fmt_accepts_a_one_element_tensor_and_never_prints_negative_zero():
    assert display.fmt(torch.tensor(math.pi)) == display.fmt(math.pi)
    assert display.fmt(-0.0) == "0"
    assert display.fmt(np.float64(-0.0)) == "0"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "0"),
        (3e-16, "< 1e-15"),
        (1e-15, "< 1e-12"),
        (5e-10, "< 1e-09"),
        (2e-6, "2e-06"),
        (math.nan, "nan"),
    ],
)
def test_fmt_bound_prints_the_smallest_round_bound_above_the_value(value, expected):
    assert display.fmt_bound(value) == expected


def test_fmt_bound_takes_its_own_ladder_of_bounds():
    assert display.fmt_bound(2e-7, bounds=(1e-6, 1e-15)) == "< 1e-06"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "0"), (1.38e-5, "~1e-05"), (4e-5, "~1e-04"), (2.0, "~1e+00"), (-300.0, "~1e+02")],
)
def test_fmt_magnitude_prints_the_nearest_power_of_ten(value, expected):
    assert display.fmt_magnitude(value) == expected


def test_fmt_prints_a_one_element_array_of_any_shape_as_a_number():
    assert display.fmt(np.array([[1.25]])) == "1.25"
    assert display.fmt(torch.tensor([[[-0.0]]])) == "0"
    assert display.fmt(np.array([1.0, 2.0])) == "[1. 2.]"  # not one number: fmt_array is for arrays


def test_max_relative_difference_compares_numpy_torch_and_numbers_and_lets_a_nan_through():
    pairs = [(np.array([1.0, 0.0]), torch.tensor([1.0 + 1e-9, 0.0])), (2.0, np.float32(2.5))]
    assert display.max_relative_difference(pairs) == 0.2
    assert display.max_relative_difference([(np.array([3.0]), np.array([0.0]))]) == 3.0  # |b| = 0: absolute
    assert math.isnan(display.max_relative_difference([(np.array([np.nan, 1.0]), np.ones(2)), (1.0, 1.0)]))
