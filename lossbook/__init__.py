"""lossbook: the companion package of the book *lossbook: loss functions, verified*.

Submodules (imported on first use, so ``import lossbook`` stays fast):

* :mod:`lossbook.core`: each loss's mathematics, once, in its stable form (NumPy or torch in and out);
* :mod:`lossbook.keras_compat`: Keras 3's loss functions and classes on top of core;
* :mod:`lossbook.torch_compat`: PyTorch's functional losses on top of core;
* :mod:`lossbook.symbolic`: SymPy definitions and derived gradients;
* :mod:`lossbook.catalog`: one entry per loss, the source of the book's generated tables;
* :mod:`lossbook.reference`: 50-digit mpmath references, the yardstick of every accuracy claim;
* :mod:`lossbook.plotting`, :mod:`lossbook.display`: the book's figures and printed tables.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from lossbook._validation import LikelyMistakeWarning

__version__ = "0.1.0"
__all__ = [
    "LikelyMistakeWarning",
    "catalog",
    "core",
    "display",
    "keras_compat",
    "plotting",
    "reference",
    "symbolic",
    "torch_compat",
]

_SUBMODULES = {
    "catalog", "core", "display", "keras_compat", "plotting", "reference", "symbolic", "torch_compat"
}

if TYPE_CHECKING:
    from lossbook import (
        catalog,
        core,
        display,
        keras_compat,
        plotting,
        reference,
        symbolic,
        torch_compat,
    )


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"lossbook.{name}")
    raise AttributeError(f"module 'lossbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
