"""Every warning lossbook raises names the caller's file and line, not lossbook's.

A warning attributed to a file inside a library is easy to miss, and Python's default filters hide a
``DeprecationWarning`` unless it is attributed to ``__main__`` (a script or a notebook cell). So
``lossbook._validation.warn_at_caller`` skips lossbook's own frames, however deep the call: through a
function, through a Keras-style class (``__call__`` -> ``call`` -> the function -> the check), through
a torch legacy flag.
"""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from lossbook import LikelyMistakeWarning, keras_compat, torch_compat

PROBABILITIES = np.array([0.1, 0.7, 0.4, 0.9], dtype=np.float32)
TARGETS = np.array([0.0, 1.0, 0.0, 1.0], dtype=np.float32)
SOFTMAX_ROWS = np.array([[0.2, 0.8], [0.6, 0.4]])
MULTI_HOT = np.array([[1.0, 1.0], [0.0, 1.0]])


def caught(call):
    """Run ``call`` and return the one warning it raised."""
    with warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        call()
    assert len(records) == 1, [str(r.message) for r in records]
    return records[0]


CALLS = {
    "a torch_compat function": (
        LikelyMistakeWarning,
        lambda: torch_compat.binary_cross_entropy_with_logits(PROBABILITIES, TARGETS),
    ),
    "a keras_compat function": (
        LikelyMistakeWarning,
        lambda: keras_compat.binary_crossentropy(TARGETS, PROBABILITIES, from_logits=True),
    ),
    "a Keras-style class": (
        LikelyMistakeWarning,
        lambda: keras_compat.BinaryCrossentropy(from_logits=True)(TARGETS, PROBABILITIES),
    ),
    "a Keras-style class with a softmax output": (
        LikelyMistakeWarning,
        lambda: keras_compat.CategoricalCrossentropy(from_logits=True)(np.eye(2), SOFTMAX_ROWS),
    ),
    "cross_entropy given probabilities": (
        LikelyMistakeWarning,
        lambda: torch_compat.cross_entropy(torch.tensor(SOFTMAX_ROWS), torch.tensor([0, 1])),
    ),
    "nll_loss given probabilities": (
        LikelyMistakeWarning,
        lambda: torch_compat.nll_loss(torch.tensor(SOFTMAX_ROWS), torch.tensor([0, 1])),
    ),
    "categorical_crossentropy given multi-hot targets": (
        LikelyMistakeWarning,
        lambda: keras_compat.categorical_crossentropy(MULTI_HOT, SOFTMAX_ROWS),
    ),
    "cross_entropy given multi-hot targets": (
        LikelyMistakeWarning,
        lambda: torch_compat.cross_entropy(torch.zeros(2, 2, dtype=torch.float64), torch.tensor(MULTI_HOT)),
    ),
    "a torch legacy flag": (
        DeprecationWarning,
        lambda: torch_compat.mse_loss(torch.zeros(3), torch.ones(3), size_average=True),
    ),
    "a legacy flag on a class-weighted loss": (
        DeprecationWarning,
        lambda: torch_compat.cross_entropy(torch.zeros(2, 3), torch.tensor([0, 2]), reduce=False),
    ),
    "the deprecated reduction name elementwise_mean": (
        DeprecationWarning,
        lambda: torch_compat.l1_loss(torch.zeros(3), torch.ones(3), reduction="elementwise_mean"),
    ),
}


@pytest.mark.parametrize("route", CALLS)
def test_the_warning_names_this_file_and_the_line_of_the_call(route):
    category, call = CALLS[route]
    record = caught(call)
    assert issubclass(record.category, category)
    assert record.filename == __file__, f"attributed to {record.filename}:{record.lineno}"
    assert record.lineno == call.__code__.co_firstlineno


def test_a_deprecated_flag_is_shown_to_a_script_under_pythons_default_filters():
    """Python shows a DeprecationWarning by default only when it is attributed to ``__main__``."""
    script = (
        "import torch\n"
        "from lossbook import torch_compat\n"
        "torch_compat.mse_loss(torch.zeros(3), torch.ones(3), reduce=False)\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120
    )
    assert "<string>:3: DeprecationWarning: size_average and reduce are deprecated" in completed.stderr
