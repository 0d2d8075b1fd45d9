"""Model checks: does a model's last layer agree with its loss? The double-softmax and
logits-as-probabilities mistakes, found in a Keras model or a torch module (see :mod:`lossbook.advisor`).
Neither framework is imported: a model that exists has already imported its own."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

from lossbook._validation import LikelyMistakeWarning, warn_at_caller


@dataclass(frozen=True)
class Finding:
    """One mismatch between a model's last layer and its loss.

    ``severity`` is ``"error"`` when the pairing is certainly wrong and ``"warning"`` when it is very
    likely wrong (the message then says "likely").
    """

    severity: Literal["error", "warning"]
    what: str
    why: str
    fix: str

    def __str__(self) -> str:
        return f"{self.severity}: {self.what}\n  why: {self.why}\n  fix: {self.fix}"

    __repr__ = __str__


class Findings(list):
    """The list of :class:`Finding` a check returns; it prints one finding per paragraph."""

    def __repr__(self) -> str:
        return "\n\n".join(str(f) for f in self) if self else "No findings."


class _Output(NamedTuple):
    """What the last layer emits (``kind``: softmax, sigmoid, log_softmax, logits, or None when
    unknown), how many outputs (``width``, where known), and its name for messages."""

    kind: str | None
    width: int | None
    label: str


class _Loss(NamedTuple):
    """What a loss expects (logits, probabilities, log_probabilities), the squashing it applies to
    logits, its family (binary, or categorical over K classes), and its name for messages."""

    expects: str
    squash: str | None
    family: str
    label: str


def _is_keras(obj: object) -> bool:
    return any(c.__module__.partition(".")[0] == "keras" for c in type(obj).__mro__)


def _is_torch_module(obj: object) -> bool:
    return any(c.__module__ == "torch.nn.modules.module" and c.__name__ == "Module"
               for c in type(obj).__mro__)


def _softmax_ceiling(width: int | None) -> str:
    """Softmax of values in [0, 1] gives no class more than e / (e + K - 1)."""
    if width is None:
        return "no class can get more than e/(e + K − 1) (0.232 for K = 10)"
    top = math.e / (math.e + width - 1)
    return (f"with K = {width} no class can get more than e/(e + {width - 1}) = {top:.3g}, so the loss "
            f"never falls below {-math.log(top):.3g}")


def _diagnose(out: _Output, loss: _Loss, framework: str) -> Findings:
    keras = framework == "keras"
    findings = Findings()
    both = f"{out.label} with the loss {loss.label}"

    def add(severity: str, what: str, why: str, fix: str) -> None:
        findings.append(Finding(severity, what, why, fix))

    binary_logits_fix = ("drop the final activation and use BinaryCrossentropy(from_logits=True)" if keras
                         else "drop the final activation and use nn.BCEWithLogitsLoss()")
    if out.width == 1 and out.kind == "softmax":
        add("error", f"{out.label} is a softmax over a single output",
            "softmax over one output is always 1.0: the prediction ignores the input and the loss "
            "learns nothing", f"for two classes use one output with a sigmoid: {binary_logits_fix}")
        return findings
    if out.width == 1 and loss.family == "categorical":
        normaliser = "the softmax (or Keras's division by the row sum)" if keras else "the softmax"
        add("error", f"{both}: a K-class cross-entropy over a single output",
            f"{normaliser} of one number is 1, so the loss is 0 for every example (or a label 1 is out "
            "of range) and nothing is learned",
            f"for two classes keep one output and {binary_logits_fix.split(' and ')[1]}, or give the last "
            "layer K = 2 outputs")
        return findings
    if loss.expects == "logits" and out.kind in ("softmax", "sigmoid"):
        twice = out.kind == loss.squash
        name = f"{out.kind} applied twice" if twice else f"{loss.squash} applied to {out.kind} outputs"
        if loss.squash == "softmax":
            why = (f"{name}: the loss sees probabilities squashed towards uniform; "
                   f"{_softmax_ceiling(out.width)}, and the gradient is weak")
        else:
            why = (f"{name}: σ of values in [0, 1] lies in [0.5, 0.731], so every example looks at least "
                   "50 % positive: a negative example's loss never falls below log 2 = 0.693, and the "
                   "gradient is weak")
        if keras:
            fix = f"remove the {out.kind} (activation=None) and keep from_logits=True (stable)"
            fix += ", or keep it and set from_logits=False" if twice else ""
        else:
            fix = f"remove the final {out.kind}: {loss.label} applies {loss.squash} itself"
            if twice:
                fix += (" (or keep the sigmoid and use nn.BCELoss())" if out.kind == "sigmoid" else
                        " (or replace it with nn.LogSoftmax(dim=1) and use nn.NLLLoss())")
        if not twice:
            fix += ("; and check the pairing: softmax goes with K exclusive classes, sigmoid with binary "
                    "or multi-label targets")
        add("error", f"{both}, which expects logits", why, fix)
    elif loss.expects == "logits" and out.kind == "log_softmax" and loss.squash == "sigmoid":
        add("error", f"{both}, which expects sigmoid logits",
            "σ(log q) = q/(1 + q) never exceeds 0.5, so a positive example's loss never falls below "
            "log 2 = 0.693", "a log_softmax output goes with " + (
                "CategoricalCrossentropy(from_logits=True)" if keras else "nn.NLLLoss()"))
    elif loss.expects == "probabilities" and out.kind in ("logits", "log_softmax"):
        values = "raw scores (logits)" if out.kind == "logits" else "log-probabilities (all ≤ 0)"
        if keras:
            why = (f"Keras treats {values} as probabilities: it clips them to [1e-7, 1 − 1e-7] (a "
                   "categorical loss first divides each row by its sum), so values outside [0, 1] are "
                   "clipped and pass no gradient; the loss is wrong and training stalls")
            fix = ("pass from_logits=True to the loss" if out.kind == "logits" else
                   "use from_logits=True (exact on log-probabilities)")
        else:
            why = (f"{loss.label} expects probabilities in [0, 1]: it raises a RuntimeError on {values} "
                   "outside [0, 1], and computes a wrong loss on any that happen to lie inside")
            fix = ("use nn.BCEWithLogitsLoss() on the logits (or end the model with nn.Sigmoid())"
                   if out.kind == "logits" else "a log_softmax output goes with nn.NLLLoss() (K exclusive "
                   "classes); for binary or multi-label targets drop it and use nn.BCEWithLogitsLoss()")
        add("error", f"{both}, which expects probabilities", why, fix)
    elif loss.expects == "probabilities" and out.kind == "sigmoid" and loss.family == "categorical" \
            and out.width != 1:
        add("warning", f"{both}: likely a mistake",
            "a sigmoid gives K independent yes/no probabilities (a multi-label output) that need not sum "
            "to 1, while a categorical cross-entropy expects one distribution over K exclusive classes "
            "(Keras divides each row by its sum to make one)",
            "exclusive classes: end in softmax (or no activation with from_logits=True); multi-label "
            "targets: use BinaryCrossentropy")
    elif loss.expects == "probabilities" and out.kind == "softmax" and loss.family == "binary" \
            and out.width is not None and out.width >= 3:
        add("warning", f"{both}: likely a mistake",
            f"softmax makes the {out.width} outputs compete (they sum to 1), but binary cross-entropy "
            "scores each as an independent yes/no: for exclusive classes it adds −log(1 − q_k) for every "
            "wrong class (not the categorical cross-entropy), and for multi-label targets the softmax "
            "keeps two labels from both being likely",
            "exclusive classes: " + ("CategoricalCrossentropy or SparseCategoricalCrossentropy" if keras
                                     else "nn.CrossEntropyLoss() on logits")
            + "; multi-label targets: a sigmoid (or logits with " + (
                "BinaryCrossentropy(from_logits=True))" if keras else "nn.BCEWithLogitsLoss())"))
    elif loss.expects == "log_probabilities" and out.kind == "logits":
        add("error", f"{both}, which expects log-probabilities",
            "nll_loss returns −input[c]: on raw logits that is −z_c, unbounded below, so the loss falls "
            "forever by inflating the true logit, never comparing it with the others",
            "use nn.CrossEntropyLoss() on the logits (it is log_softmax + nll_loss), or end the model "
            "with nn.LogSoftmax(dim=1)")
    elif loss.expects == "log_probabilities" and out.kind in ("softmax", "sigmoid"):
        add("error", f"{both}, which expects log-probabilities",
            "nll_loss returns −q_c instead of −log q_c: bounded in [−1, 0], so a confident mistake costs "
            "at most 1 and its gradient does not grow as q_c → 0",
            f"replace the {out.kind} with nn.LogSoftmax(dim=1), or drop it and use nn.CrossEntropyLoss()")
    return findings


def _report(findings: Findings, strict: bool, warn: bool) -> Findings:
    if strict and findings:
        raise ValueError(f"the model's last layer and its loss do not match:\n\n{findings!r}")
    if warn:
        for finding in findings:
            warn_at_caller(str(finding), LikelyMistakeWarning)
    return findings


# --- Keras -----------------------------------------------------------------------------------------

_KERAS_LOSSES = {  # function, class and string names of Keras's cross-entropies: their family
    **dict.fromkeys(("binary_crossentropy", "bce", "binary_focal_crossentropy", "BinaryCrossentropy",
                     "BinaryFocalCrossentropy"), "binary"),
    **dict.fromkeys(("categorical_crossentropy", "sparse_categorical_crossentropy",
                     "categorical_focal_crossentropy", "CategoricalCrossentropy",
                     "SparseCategoricalCrossentropy", "CategoricalFocalCrossentropy"), "categorical"),
}
_PASS_THROUGH = {"Dropout", "Flatten", "Reshape", "Identity", "Unflatten"}


def _is_keras_layer(obj: Any) -> bool:
    import keras

    return isinstance(obj, keras.layers.Layer)


def _keras_loss(loss: Any, width: int | None) -> _Loss | None:
    import functools

    from_logits, keywords = False, {}
    if isinstance(loss, str):
        name = loss.lower() if loss.lower() in ("bce", "crossentropy", "ce") else loss
        if name in ("crossentropy", "ce"):  # Keras picks binary or categorical from the shapes
            name = "binary_crossentropy" if width == 1 else "categorical_crossentropy"
        label = f"{loss!r} (a string: from_logits=False)"
    elif isinstance(loss, functools.partial):
        name, keywords = loss.func.__name__, loss.keywords
        from_logits = bool(keywords.get("from_logits", False))
        label = f"partial({name}, from_logits={from_logits})"
    elif isinstance(loss, type):
        name, label = loss.__name__, f"{loss.__name__} (the class: from_logits=False)"
    elif callable(loss) and hasattr(loss, "__name__") and not hasattr(loss, "get_config"):
        name, label = loss.__name__, f"{loss.__name__} (from_logits=False)"
    else:
        name = type(loss).__name__
        kwargs = getattr(loss, "fn_kwargs", None) or getattr(loss, "_fn_kwargs", None) or {}
        from_logits = bool(getattr(loss, "from_logits", kwargs.get("from_logits", False)))
        label = f"{name}(from_logits={from_logits})"
    family = _KERAS_LOSSES.get(name)
    if family is None:
        return None
    squash = ("sigmoid" if family == "binary" else "softmax") if from_logits else None
    return _Loss("logits" if from_logits else "probabilities", squash, family, label)


def _keras_leaves(layer: Any) -> list[Any]:
    """The layers of a (nested) Sequential in order, or the output layer of a functional model."""
    import keras

    if isinstance(layer, keras.Sequential):
        return [leaf for sub in layer.layers for leaf in _keras_leaves(sub)]
    if isinstance(layer, keras.Model):
        if type(layer).__name__ != "Functional":
            raise TypeError(
                f"argument `model`: cannot see which layer the subclassed model {type(layer).__name__} "
                "ends with (its call() is code); build it with keras.Sequential or the functional API"
            )
        if len(layer.outputs) != 1:
            raise TypeError(f"argument `model`: expected a model with one output, received "
                            f"{len(layer.outputs)} outputs; check each output's layer and loss separately")
        return _keras_leaves(layer.outputs[0]._keras_history.operation)
    return [layer]


def _keras_output(model: Any) -> _Output:
    layers = _keras_leaves(model)
    while len(layers) > 1 and (type(layers[-1]).__name__ in _PASS_THROUGH or (
            type(layers[-1]).__name__ == "Activation"
            and getattr(layers[-1].activation, "__name__", None) == "linear")):
        layers.pop()
    if not layers:
        raise TypeError("argument `model`: expected a model with layers, received an empty Sequential")
    last = layers[-1]
    try:  # the width the loss sees, once the model is built; else the last Dense or convolution's
        width = model.outputs[0].shape[-1]
    except (AttributeError, IndexError, TypeError):
        sizes = (getattr(layer, "units", None) or getattr(layer, "filters", None) for layer in layers)
        width = [size for size in sizes if size][-1:] or [None]
        width = width[0]
    activation = getattr(getattr(last, "activation", None), "__name__", None)
    if type(last).__name__ == "Softmax":
        kind, label = "softmax", f"the last layer `{last.name}` (Softmax)"
    else:
        kind = {"softmax": "softmax", "sigmoid": "sigmoid", "log_softmax": "log_softmax",
                "linear": "logits"}.get(activation)
        label = f"the last layer `{last.name}` ({type(last).__name__}, activation={activation!r})"
    return _Output(kind, width, label)


def check_keras_model(model: Any, loss: Any = None, *, strict: bool = False, warn: bool = False) -> Findings:
    """Check that a Keras model's last layer and its loss agree; return the :class:`Findings`.

    ``loss`` defaults to ``model.loss`` (what ``model.compile(loss=...)`` stored: a string, a loss
    function or a ``keras.losses.Loss``; lossbook's ``keras_compat`` classes work too). The last layer is
    read from a (nested) ``keras.Sequential`` or a one-output functional model. Only the cross-entropies
    are checked; another loss gives no findings. ``strict=True`` raises a ``ValueError`` listing every
    finding; ``warn=True`` issues each as a :class:`~lossbook.LikelyMistakeWarning` at the caller's line.
    """
    if not _is_keras(model) or not _is_keras_layer(model):
        hint = "; for a torch.nn.Module use check_torch_model" if _is_torch_module(model) else ""
        raise TypeError(f"argument `model`: expected a Keras model (keras.Sequential or a functional "
                        f"keras.Model), received {type(model).__module__}.{type(model).__name__}{hint}")
    if loss is None:
        loss = getattr(model, "loss", None)
        if loss is None:
            raise ValueError("argument `loss`: the model is not compiled (model.loss is None); compile "
                             "it or pass loss=")
    if isinstance(loss, (list, tuple, dict)):
        raise TypeError(f"argument `loss`: expected one loss, received a {type(loss).__name__} of losses; "
                        "check each output's layer and loss separately")
    out = _keras_output(model)
    described = _keras_loss(loss, out.width)
    return _report(_diagnose(out, described, "keras") if described else Findings(), strict, warn)


# --- PyTorch ---------------------------------------------------------------------------------------

_TORCH_LOSSES = {  # name of the module class or function: (expects, squash, family)
    "CrossEntropyLoss": ("logits", "softmax", "categorical"),
    "cross_entropy": ("logits", "softmax", "categorical"),
    "BCEWithLogitsLoss": ("logits", "sigmoid", "binary"),
    "binary_cross_entropy_with_logits": ("logits", "sigmoid", "binary"),
    "BCELoss": ("probabilities", None, "binary"),
    "binary_cross_entropy": ("probabilities", None, "binary"),
    "NLLLoss": ("log_probabilities", None, "categorical"),
    "nll_loss": ("log_probabilities", None, "categorical"),
}
_TORCH_ACTIVATIONS = {"Softmax": "softmax", "Sigmoid": "sigmoid", "LogSoftmax": "log_softmax"}
_TORCH_AFFINE = {"Linear", "LazyLinear", "Bilinear", "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d",
                 "ConvTranspose2d", "ConvTranspose3d"}


def _torch_loss(loss: Any) -> _Loss | None:
    import functools

    if isinstance(loss, functools.partial):
        loss = loss.func
    if isinstance(loss, type) or _is_torch_module(loss):
        cls = loss if isinstance(loss, type) else type(loss)
        name, label = cls.__name__, f"nn.{cls.__name__}()"
        if not cls.__module__.startswith("torch.nn"):
            return None
    elif callable(loss) and getattr(loss, "__module__", "").startswith(("torch.nn", "lossbook.torch_compat")):
        name = loss.__name__
        prefix = "F" if loss.__module__.startswith("torch") else "torch_compat"
        label = f"{prefix}.{name}"
    else:
        return None
    if name not in _TORCH_LOSSES:
        return None
    return _Loss(*_TORCH_LOSSES[name], label)


def _torch_leaves(module: Any, path: str) -> list[tuple[str, Any]]:
    import torch

    if isinstance(module, torch.nn.Sequential):
        return [leaf for name, sub in module.named_children()
                for leaf in _torch_leaves(sub, f"{path}.{name}" if path else name)]
    return [(path, module)]


def _torch_output(model: Any) -> _Output:
    import torch

    kind_of = {**_TORCH_ACTIVATIONS, **dict.fromkeys(_TORCH_AFFINE, "logits")}
    if not isinstance(model, torch.nn.Sequential) and type(model).__name__ not in kind_of:
        raise TypeError(
            f"argument `model`: cannot see which module {type(model).__name__} ends with (its forward() "
            "is code); pass an nn.Sequential (e.g. the model's head) whose last module is the output"
        )
    leaves = _torch_leaves(model, "")
    while len(leaves) > 1 and (type(leaves[-1][1]).__name__ in _PASS_THROUGH
                               or type(leaves[-1][1]).__name__.startswith("Dropout")):
        leaves.pop()
    if not leaves:
        raise TypeError("argument `model`: expected a model with modules, received an empty nn.Sequential")
    path, last = leaves[-1]
    width = next((getattr(m, "out_features", None) or getattr(m, "out_channels", None)
                  for _, m in reversed(leaves)
                  if getattr(m, "out_features", None) or getattr(m, "out_channels", None)), None)
    where = f"the last module `{path}` " if path else "the module "
    return _Output(kind_of.get(type(last).__name__), width, f"{where}(nn.{last!r})")


def check_torch_model(model: Any, loss: Any, *, strict: bool = False, warn: bool = False) -> Findings:
    """Check that a PyTorch model's last module and its loss agree; return the :class:`Findings`.

    ``model`` is an ``nn.Sequential`` (nested ones are followed to their last module) or a single layer;
    a custom ``nn.Module`` raises ``TypeError`` because its ``forward`` cannot be read. ``loss`` is an
    ``nn`` loss module (or its class), a ``torch.nn.functional`` loss or its lossbook mirror in
    ``torch_compat``. Only the cross-entropies are checked; another loss gives no findings.
    ``strict`` and ``warn`` as in :func:`check_keras_model`.
    """
    if _is_keras(model) or not _is_torch_module(model):
        hint = "; for a Keras model use check_keras_model" if _is_keras(model) else ""
        raise TypeError(f"argument `model`: expected a torch.nn.Module (e.g. nn.Sequential), received "
                        f"{type(model).__module__}.{type(model).__name__}{hint}")
    out = _torch_output(model)
    described = _torch_loss(loss)
    return _report(_diagnose(out, described, "torch") if described else Findings(), strict, warn)


def check_model(model: Any, loss: Any = None, *, strict: bool = False, warn: bool = False) -> Findings:
    """:func:`check_keras_model` or :func:`check_torch_model`, whichever fits ``model``."""
    if _is_keras(model):
        return check_keras_model(model, loss, strict=strict, warn=warn)
    if _is_torch_module(model):
        if loss is None:
            raise ValueError("argument `loss`: a PyTorch model does not store its loss; pass loss=")
        return check_torch_model(model, loss, strict=strict, warn=warn)
    raise TypeError(f"argument `model`: expected a Keras model or a torch.nn.Module, received "
                    f"{type(model).__module__}.{type(model).__name__}")
