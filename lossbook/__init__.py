"""lossbook: the companion package of the book *lossbook: loss functions, verified*.

Submodules (imported on first use, so ``import lossbook`` stays fast):

* :mod:`lossbook.core`: each loss's mathematics, once, in its stable form (NumPy or torch in and out);
* :mod:`lossbook.keras_compat`: Keras 3's loss functions and classes on top of core;
* :mod:`lossbook.torch_compat`: PyTorch's functional losses on top of core;
* :mod:`lossbook.symbolic`: SymPy definitions and derived gradients;
* :mod:`lossbook.catalog`: one entry per loss, the source of the book's generated tables;
* :mod:`lossbook.reference`: 50-digit mpmath references, the yardstick of every accuracy claim;
* :mod:`lossbook.plotting`, :mod:`lossbook.display`: the book's figures and printed tables;
* :mod:`lossbook.tfa_compat`: TensorFlow Addons' sigmoid focal cross-entropy, to explain older numbers;
* :mod:`lossbook.advisor`: which cross-entropy to call, and checks that a model's last layer agrees
  with its loss (it imports no framework).

Where a loss lives: ``core``, ``catalog``, ``keras_compat`` and ``torch_compat`` are packages split by
the same families (``building_blocks``, ``classification``, ``regression``, and later ``similarity``,
``ranking``, ``detection``, ``segmentation``, ``sequences``; a family's module appears with its first
loss). A loss's math is in ``core/<family>.py``, its catalog entry in ``catalog/<family>.py``, its
framework mirrors in ``keras_compat/<family>.py`` and ``torch_compat/<family>.py``, its tests in
``tests/test_<family>_<layer>.py``. Reductions and input conventions live once per framework
(``keras_compat/reduction.py``, ``keras_compat/conventions.py``, ``torch_compat/reduction.py``); input
checks once for all (``_validation``). Each package re-exports a flat API (``core.softplus``,
``torch_compat.cross_entropy``, ``keras_compat.BinaryCrossentropy``) whose ``__all__`` is the public API.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from lossbook._validation import LikelyMistakeWarning

__version__ = "0.1.0"
__all__ = [
    "LikelyMistakeWarning",
    "advisor",
    "catalog",
    "core",
    "display",
    "keras_compat",
    "plotting",
    "reference",
    "symbolic",
    "tfa_compat",
    "torch_compat",
]

_SUBMODULES = {
    "advisor", "catalog", "core", "display", "keras_compat", "plotting", "reference", "symbolic",
    "tfa_compat", "torch_compat",
}

if TYPE_CHECKING:
    from lossbook import (
        advisor,
        catalog,
        core,
        display,
        keras_compat,
        plotting,
        reference,
        symbolic,
        tfa_compat,
        torch_compat,
    )


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"lossbook.{name}")
    raise AttributeError(f"module 'lossbook' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
