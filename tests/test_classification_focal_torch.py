"""Parity of ``torch_compat.sigmoid_focal_loss`` with torchvision 0.28.0's ``sigmoid_focal_loss``: values
and autograd gradients within 1e-9 relative in float64 (2e-6 in float32), every reduction, alpha and
gamma; torchvision's conventions (default ``"none"``, ``alpha=-1``, its reduction message) and
lossbook's clearer errors.

The oracle is torchvision's own source file, ``torchvision/ops/focal_loss.py``. ``import torchvision``
fails with this CPU build of torch (its compiled operators do not load: "operator torchvision::nms does
not exist"), so the file is loaded on its own with ``importlib``, with a stub for the one thing it
imports from torchvision (``..utils._log_api_usage_once``). ``make setup`` installs the wheel with
``pip install --no-deps torchvision==0.28.0``; if the file is missing the tests fail, they do not skip.

Where torchvision loses digits an absolute bound is added (``focal_cancellation_atol``): it computes
``1 - p_t`` by subtraction and the logit loss by PyTorch's rearranged formula, so a confident correct
prediction gets 0 where lossbook keeps a loss of 1e-53 (test_classification_focal_core).
"""

from __future__ import annotations

import importlib.util
import math
import re
import sys
import types
from pathlib import Path

import numpy as np
import pytest
import torch
from _helpers import as_numpy, assert_close, assert_same_kind
from parity import DTYPES, TORCH_RTOL, assert_parity, evaluate, focal_cancellation_atol, parameters

from lossbook import LikelyMistakeWarning, core, torch_compat

TORCHVISION_VERSION = "0.28.0"


def _torchvision_focal_loss_file() -> Path:
    """``torchvision/ops/focal_loss.py`` of the installed wheel, found without importing torchvision."""
    spec = importlib.util.find_spec("torchvision")  # a top-level name: nothing is imported
    if spec is None or spec.origin is None:
        pytest.fail(
            f"torchvision {TORCHVISION_VERSION} is not installed: run `make setup` (or "
            f"`.venv/bin/pip install --no-deps torchvision=={TORCHVISION_VERSION}`); the focal-loss "
            "parity tests read its ops/focal_loss.py as their oracle",
            pytrace=False,
        )
    path = Path(spec.origin).parent / "ops" / "focal_loss.py"
    if not path.is_file():
        pytest.fail(f"torchvision is installed but {path} is missing", pytrace=False)
    return path


def _load_torchvision_sigmoid_focal_loss():
    """torchvision's ``sigmoid_focal_loss``, from its file, as module ``_tv_oracle.ops.focal_loss`` of a
    stub package whose ``utils._log_api_usage_once`` does nothing (torchvision's logs API usage)."""
    path = _torchvision_focal_loss_file()
    version = path.parent.parent / "version.py"
    if version.is_file():
        assert f"__version__ = '{TORCHVISION_VERSION}" in version.read_text(), "unexpected torchvision"
    names = ("_tv_oracle", "_tv_oracle.ops", "_tv_oracle.utils")
    root, ops, utils = (types.ModuleType(name) for name in names)
    root.__path__, ops.__path__ = [], []
    utils._log_api_usage_once = lambda obj: None
    sys.modules.update({"_tv_oracle": root, "_tv_oracle.ops": ops, "_tv_oracle.utils": utils})
    spec = importlib.util.spec_from_file_location("_tv_oracle.ops.focal_loss", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.sigmoid_focal_loss


@pytest.fixture(scope="module")
def tv_focal():
    return _load_torchvision_sigmoid_focal_loss()


def test_signature_equals_torchvisions(tv_focal):
    assert parameters(torch_compat.sigmoid_focal_loss) == parameters(tv_focal)


def focal_arrays(shape, seed: int, hard: bool) -> dict[str, np.ndarray]:
    """Logits of scale 3 (a few of ±12 and ±30, confident both ways) and targets: 0/1, or uniform."""
    rng = np.random.default_rng(seed)
    inputs = rng.normal(scale=3.0, size=shape)
    inputs.reshape(-1)[:4] = [12.0, -12.0, 30.0, -30.0][: inputs.size]
    targets = rng.integers(0, 2, size=shape).astype(np.float64) if hard else rng.uniform(size=shape)
    return {"inputs": inputs, "targets": targets}


CASES = [  # (alpha, gamma): the defaults, no balancing, the ends of alpha's range, gamma 0, < 1 and > 2
    (0.25, 2), (-1, 2), (0.0, 2), (1.0, 1.5), (0.5, 0), (0.25, 0.5), (0.75, 3.5),
]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize(("alpha", "gamma"), CASES, ids=str)
@pytest.mark.parametrize("hard", [True, False], ids=["0/1 targets", "soft targets"])
@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_values_and_gradients_equal_torchvision(tv_focal, dtype, hard, alpha, gamma, reduction):
    """Gradients with respect to inputs and targets; values within the contract plus torchvision's
    own cancellation bound (reduced like the loss)."""
    arrays = focal_arrays((4, 5), seed=int(10 * gamma) + int(4 * alpha) + 7, hard=hard)
    kwargs = {"alpha": alpha, "gamma": gamma, "reduction": reduction}
    ours = evaluate(torch_compat.sigmoid_focal_loss, arrays, dtype, ("inputs", "targets"), **kwargs)
    reference = evaluate(tv_focal, arrays, dtype, ("inputs", "targets"), **kwargs)
    atol = focal_cancellation_atol(arrays["inputs"], arrays["targets"], gamma, dtype, reduction)
    assert_parity(ours, reference, dtype, value_atol=atol)


def test_default_reduction_is_none_and_the_result_has_the_input_kind(tv_focal):
    arrays = focal_arrays((3, 4), seed=1, hard=True)
    tensors = {key: torch.from_numpy(value) for key, value in arrays.items()}
    result = torch_compat.sigmoid_focal_loss(**tensors)
    assert_same_kind(result, tensors["inputs"])
    assert result.shape == (3, 4)
    assert_close(result, tv_focal(**tensors), rtol=TORCH_RTOL[torch.float64])
    numpy_result = torch_compat.sigmoid_focal_loss(**arrays)
    assert_same_kind(numpy_result, arrays["inputs"])
    assert_close(numpy_result, result, rtol=1e-15)


def test_empty_batch_mean_is_nan_and_sum_is_zero_like_torchvision(tv_focal):
    empty = torch.zeros(0, dtype=torch.float64)
    for reduction, check in (("mean", math.isnan), ("sum", lambda v: v == 0.0)):
        assert check(float(torch_compat.sigmoid_focal_loss(empty, empty, reduction=reduction)))
        assert check(float(tv_focal(empty, empty, reduction=reduction)))


def test_confident_correct_predictions_keep_their_loss_where_torchvision_gives_zero(tv_focal):
    """z_t = 40: torchvision computes 1 - p_t = 1 - fl(sigma(40)) = 0; the loss is 1.9e-53 (alpha
    0.25, gamma 2), which lossbook returns to 4 ulps (test_classification_focal_core)."""
    inputs = torch.tensor([40.0, -40.0], dtype=torch.float64)
    targets = torch.tensor([1.0, 0.0], dtype=torch.float64)
    assert torch.all(tv_focal(inputs, targets) == 0)
    expected = 0.25 * math.exp(-40) ** 3  # sigma(-40)^2 softplus(-40), both e^-40 to 1e-17 relative
    assert_close(torch_compat.sigmoid_focal_loss(inputs, targets)[0], expected, rtol=1e-15)
    assert_close(torch_compat.sigmoid_focal_loss(inputs, targets)[1], expected * 3, rtol=1e-15)


def test_bad_reduction_gets_torchvisions_message_word_for_word(tv_focal):
    args = (torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64))
    message = re.escape("Invalid Value for arg 'reduction': 'average \n Supported reduction modes:")
    with pytest.raises(ValueError, match=message):
        tv_focal(*args, reduction="average")
    with pytest.raises(ValueError, match=message):
        torch_compat.sigmoid_focal_loss(*args, reduction="average")


@pytest.mark.parametrize("alpha", [-0.5, 1.5, -2])
def test_alpha_outside_0_1_other_than_minus_1_is_refused_like_torchvision(tv_focal, alpha):
    args = (torch.zeros(3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64))
    with pytest.raises(ValueError, match="Invalid alpha value"):
        tv_focal(*args, alpha=alpha)
    message = re.escape("argument `alpha`: expected a number in [0, 1], or -1 for no balancing")
    message += ".*" + re.escape(f"received {alpha!r}")
    with pytest.raises(ValueError, match=message):
        torch_compat.sigmoid_focal_loss(*args, alpha=alpha)


def test_negative_gamma_is_refused_where_torchvision_returns_inf():
    inputs, targets = torch.tensor([40.0], dtype=torch.float64), torch.tensor([1.0], dtype=torch.float64)
    message = re.escape("argument `gamma`: expected a number in [0, inf], received -1")
    with pytest.raises(ValueError, match=message):
        torch_compat.sigmoid_focal_loss(inputs, targets, gamma=-1)


def test_bad_targets_and_probabilities_as_inputs_get_clear_errors_and_warnings():
    message = r"argument `targets`: expected values in \[0, 1\], received values from"
    with pytest.raises(ValueError, match=message):
        torch_compat.sigmoid_focal_loss(np.zeros(2), np.array([0.0, 2.0]))
    with pytest.raises(ValueError, match=r"arguments `inputs` and `targets` must have the same shape"):
        torch_compat.sigmoid_focal_loss(np.zeros(2), np.zeros(3))
    with pytest.warns(LikelyMistakeWarning, match="sigmoid_focal_loss applies the sigmoid itself"):
        torch_compat.sigmoid_focal_loss(np.array([0.1, 0.9]), np.array([0.0, 1.0]))


def test_core_logit_focal_loss_equals_torchvision_on_moderate_logits(tv_focal):
    """The core function the mirror calls, directly: torchvision's numbers where they are exact."""
    arrays = focal_arrays((50,), seed=3, hard=True)
    arrays["inputs"] = np.clip(arrays["inputs"], -8, 8)
    ours = core.binary_focal_cross_entropy_with_logits(arrays["targets"], arrays["inputs"], alpha=0.25)
    expected = as_numpy(tv_focal(*(torch.from_numpy(arrays[k]) for k in ("inputs", "targets"))))
    assert_close(ours, expected, rtol=1e-12)
