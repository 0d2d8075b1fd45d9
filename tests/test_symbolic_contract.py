"""The catalog and the symbolic contract (DESIGN.md, "Symbolic" and "Catalog").

For every ``lossbook.catalog.entries()`` entry: the documented attributes exist; the SymPy symbols are
named like ``numeric``'s keywords; the chapter is a page of the book; the framework names exist in Keras,
PyTorch and lossbook's mirrors of them; the SymPy expression equals the numeric implementation; and each
SymPy-derived derivative equals torch autograd of ``numeric`` and a central finite difference of it.
"""

from __future__ import annotations

import inspect
import itertools

import keras
import mpmath
import numpy as np
import pytest
import sympy
import torch
import torch.nn.functional as F
from _helpers import as_numpy, assert_close, normwise_atol, page_path, toc_docnames

from lossbook import catalog, keras_compat, symbolic, torch_compat

ENTRIES = catalog.entries()
EPS = float(np.finfo(np.float64).eps)
FD_STEP = 1e-6


@pytest.fixture(params=ENTRIES, ids=[entry.key for entry in ENTRIES])
def entry(request) -> catalog.Entry:
    return request.param


def sample_points(entry: catalog.Entry, size: int = 64, seed: int = 0) -> dict[str, np.ndarray]:
    """Every corner of ``entry.domain`` plus ``size`` uniform random points inside it, per symbol."""
    names = entry.symbol_names
    corners = np.array(list(itertools.product(*(entry.domain[name] for name in names))))
    rng = np.random.default_rng(seed)
    inside = np.column_stack([rng.uniform(*entry.domain[name], size=size) for name in names])
    points = np.vstack([corners, inside])
    return {name: points[:, i] for i, name in enumerate(names)}


def test_entry_exposes_the_documented_attributes(entry):
    for attribute in ("key", "title", "chapter"):
        assert isinstance(getattr(entry, attribute), str) and getattr(entry, attribute)
    for attribute in ("keras", "torch"):
        assert getattr(entry, attribute) is None or isinstance(getattr(entry, attribute), str)
    assert isinstance(entry.expr, sympy.Expr)
    assert all(isinstance(s, sympy.Symbol) for s in entry.symbols)
    assert entry.expr.free_symbols <= set(entry.symbols)
    gradient = entry.gradient()
    assert set(gradient) == set(entry.symbols)
    assert all(isinstance(derivative, sympy.Expr) for derivative in gradient.values())
    assert callable(entry.numeric)
    assert set(entry.domain) == set(entry.symbol_names)


def test_symbol_names_equal_the_keyword_names_of_numeric(entry):
    keywords = list(inspect.signature(entry.numeric).parameters)
    assert [str(s) for s in entry.symbols] == keywords


def test_chapter_is_a_page_of_the_book_listed_in_the_table_of_contents(entry):
    assert page_path(entry.chapter) is not None, f"no book page {entry.chapter}.ipynb or .md"
    assert entry.chapter in toc_docnames()


def test_every_framework_name_in_the_catalog_exists_in_keras_and_pytorch():
    """The book's name tables are generated from the catalog, so every name in it must be real: in the
    framework, and in lossbook's mirror of it. An option written as a keyword (``from_logits=True``,
    ``log_input=False``) must be a parameter of the named function; other PyTorch options describe an
    input convention (``probability targets``) and are prose."""
    for entry in catalog.entries():
        for name in (entry.keras, entry.keras_class):
            if name is not None:
                assert callable(getattr(keras.losses, name, None)), f"keras.losses.{name} does not exist"
                assert callable(getattr(keras_compat, name, None)), f"keras_compat.{name} does not exist"
        if entry.keras_options is not None:
            keyword = entry.keras_options.split("=")[0]
            for name in filter(None, (entry.keras, entry.keras_class)):
                parameters = inspect.signature(getattr(keras.losses, name)).parameters
                assert keyword in parameters, f"keras.losses.{name} has no parameter {keyword}"
        if entry.torch is not None:
            assert callable(getattr(F, entry.torch, None)), f"F.{entry.torch} does not exist"
            mirror = getattr(torch_compat, entry.torch, None)
            assert callable(mirror), f"torch_compat.{entry.torch} does not exist"
        if entry.torch_options is not None and "=" in entry.torch_options:
            assert entry.torch is not None, f"{entry.key}: torch_options without a torch name"
            keyword = entry.torch_options.split("=")[0]
            for function in (getattr(F, entry.torch), getattr(torch_compat, entry.torch)):
                parameters = inspect.signature(function).parameters
                assert keyword in parameters, (
                    f"{function.__module__}.{entry.torch} has no parameter {keyword}"
                )


def test_expression_evaluated_exactly_equals_numeric_inside_the_domain(entry):
    """The SymPy expression is lambdified to mpmath and evaluated in 50-digit arithmetic: the naive
    formula lambdified to NumPy would itself lose digits (``log(1 - sigmoid(z))`` cancels, ~1e-9 at
    z = 20), and this test is about ``numeric``, so the reference must be exact."""
    points = sample_points(entry)
    function = sympy.lambdify(entry.symbols, entry.expr, modules="mpmath")
    with mpmath.workdps(50):
        columns = [[mpmath.mpf(float(v)) for v in points[name]] for name in entry.symbol_names]
        expected = np.array([float(function(*values)) for values in zip(*columns, strict=True)])
    assert_close(entry.numeric(**points), expected, rtol=1e-12)


def torch_autograd(entry: catalog.Entry, points: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The gradient of ``sum(numeric(**points))``, element by element (numeric is element-wise)."""
    leaves = {name: torch.tensor(values, requires_grad=True) for name, values in points.items()}
    entry.numeric(**leaves).sum().backward()
    return {name: as_numpy(leaf.grad) for name, leaf in leaves.items()}


def central_difference(entry: catalog.Entry, points: dict[str, np.ndarray], name: str):
    """(f(x + h) - f(x - h)) / 2h in ``name``, and the largest |f| used (for its rounding bound)."""
    plus = entry.numeric(**(points | {name: points[name] + FD_STEP}))
    minus = entry.numeric(**(points | {name: points[name] - FD_STEP}))
    return (plus - minus) / (2 * FD_STEP), max(np.max(np.abs(plus)), np.max(np.abs(minus)))


def test_sympy_gradient_equals_torch_autograd_and_finite_differences(entry):
    """Against autograd: 1e-10 relative plus a normwise bound (a derivative such as sigmoid(z) - y
    cancels near the minimum). Against the central difference: 1e-6 relative (its truncation error is
    h**2/6 |f'''|, below 1e-9 relative here) plus its rounding error: two evaluations of f, each within
    a few ulps of |f|, divided by 2h, at most 8 eps |f| / h."""
    points = sample_points(entry)
    autograd = torch_autograd(entry, points)
    for symbol, derivative in entry.gradient().items():
        name = str(symbol)
        derived = symbolic.lambdify(derivative, entry.symbols)(**points)
        derived = np.broadcast_to(derived, points[name].shape)  # a constant derivative lambdifies to a scalar
        assert_close(
            derived,
            autograd[name],
            rtol=1e-10,
            atol=normwise_atol(autograd[name], np.float64, ulps=16),
            what=f"d/d{name} against autograd",
        )
        estimate, magnitude = central_difference(entry, points, name)
        assert_close(
            derived,
            estimate,
            rtol=1e-6,
            atol=8 * EPS * magnitude / FD_STEP,
            what=f"d/d{name} against the central difference",
        )


def test_gradient_of_the_logit_loss_is_sigmoid_minus_target():
    """The famous result, proved by SymPy: d/dz of the logit BCE is sigmoid(z) - y."""
    entry = catalog.get("binary_cross_entropy_with_logits")
    z, y = symbolic.symbol("z"), symbolic.symbol("y")
    assert symbolic.equivalent(entry.gradient()[z], symbolic.sigmoid(z) - y)
    assert not symbolic.equivalent(entry.gradient()[z], symbolic.sigmoid(z) + y)  # and it can say no


def test_catalog_keys_are_unique_and_each_is_found_by_get():
    keys = [entry.key for entry in ENTRIES]
    assert len(keys) == len(set(keys))
    for entry in ENTRIES:
        assert catalog.get(entry.key) is entry


def test_get_raises_key_error_naming_the_known_keys_for_an_unknown_key():
    known = r"no catalog entry 'no_such_loss'; known keys: .*binary_cross_entropy"
    with pytest.raises(KeyError, match=known):
        catalog.get("no_such_loss")


def test_names_table_has_one_row_per_entry_of_a_chapter():
    for entry in ENTRIES:
        rows = catalog.names_table(entry.chapter)
        assert entry.title in [row["Loss"] for row in rows]
    assert len(catalog.names_table()) == len(ENTRIES)


def test_names_table_with_keys_lists_those_entries_in_the_order_given():
    keys = ["squared_error", "softmax_cross_entropy", "poisson_nll"]
    rows = catalog.names_table(keys=keys)
    assert [row["Loss"] for row in rows] == [catalog.get(key).title for key in keys]
    with pytest.raises(KeyError, match="no catalog entry 'no_such_loss'"):
        catalog.names_table(keys=["no_such_loss"])
