"""Specification of lossbook.advisor: the cross-entropy decision table and the model checks.

The decision table is executable: every code string of every row is evaluated on a small example and
must compute the cross-entropy H(P, Q) that lossbook.core computes for the same P and Q (TensorFlow is
not installed, so its ops are stood in for by functions with the documented signatures). The model
checks must name each wrong-helper mistake with its layer, its loss, why the numbers are wrong and the
fix, and stay silent on correct pairings.
"""

from __future__ import annotations

import functools
import re
import subprocess
import sys
import types
import warnings

import keras
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from lossbook import LikelyMistakeWarning, core, display, keras_compat, torch_compat
from lossbook.advisor import (
    IMPORTS,
    OUTCOMES,
    OUTPUTS,
    TARGETS,
    Finding,
    Findings,
    Recommendation,
    check_keras_model,
    check_model,
    check_torch_model,
    choose_cross_entropy,
    decision_table,
)

ROWS = decision_table()


def test_importing_the_advisor_imports_no_framework():
    code = "import sys, lossbook.advisor; print(sorted({'torch', 'keras', 'sympy'} & set(sys.modules)))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


# --------------------------------------------------------------------------------------------------
# The decision table
# --------------------------------------------------------------------------------------------------


def test_the_table_lists_every_possible_combination_once_in_a_fixed_order():
    combos = [(r.outcomes, r.outputs, r.targets) for r in ROWS]
    assert len(combos) == len(set(combos)) == 19  # 3*3*3, minus 8 combinations that cannot occur
    order = [(list(OUTCOMES).index(o), list(OUTPUTS).index(p), list(TARGETS).index(t)) for o, p, t in combos]
    assert order == sorted(order)
    assert ("multilabel", "logits", "indices") not in combos
    assert not any(p == "log_probabilities" and o != "multiclass" for o, p, _ in combos)
    assert decision_table() == ROWS  # deterministic


def test_the_table_can_be_filtered_by_any_axis():
    assert len(decision_table(outcomes="multiclass")) == 9
    assert [r.targets for r in decision_table(outcomes="multiclass", outputs="logits")] == list(TARGETS)
    assert {r.outcomes for r in decision_table(targets="indices")} == {"binary", "multiclass"}
    with pytest.raises(ValueError, match=r"argument `outputs`: expected one of .*received 'logit'"):
        decision_table(outputs="logit")


def _fake_tensorflow() -> types.SimpleNamespace:
    """TensorFlow's three ops with their documented keyword-only use and input rules, in torch
    (https://www.tensorflow.org/api_docs/python/tf/nn/sigmoid_cross_entropy_with_logits,
    .../softmax_cross_entropy_with_logits, .../sparse_softmax_cross_entropy_with_logits)."""

    def sigmoid_cross_entropy_with_logits(*, labels=None, logits=None, name=None):
        assert labels.dtype == logits.dtype and labels.shape == logits.shape  # "same type and shape"
        return F.binary_cross_entropy_with_logits(logits, labels, reduction="none")

    def softmax_cross_entropy_with_logits(*, labels, logits, axis=-1, name=None):
        assert labels.dtype == logits.dtype and labels.shape == logits.shape
        return -(labels * torch.log_softmax(logits, dim=axis)).sum(dim=axis)

    def sparse_softmax_cross_entropy_with_logits(*, labels, logits, name=None):
        assert labels.dtype in (torch.int32, torch.int64) and labels.ndim == logits.ndim - 1
        return F.cross_entropy(logits, labels, reduction="none")

    nn_ops = types.SimpleNamespace(
        sigmoid_cross_entropy_with_logits=sigmoid_cross_entropy_with_logits,
        softmax_cross_entropy_with_logits=softmax_cross_entropy_with_logits,
        sparse_softmax_cross_entropy_with_logits=sparse_softmax_cross_entropy_with_logits,
    )
    return types.SimpleNamespace(nn=nn_ops, cast=lambda x, dtype: x.to(dtype))


def _example(row: Recommendation) -> tuple[dict, torch.Tensor, torch.Tensor]:
    """Arrays named as in ``row.shapes``, and the reference H(P, Q): element-wise and per example."""
    generator = torch.Generator().manual_seed(8)
    n, k = 4, (1 if row.outcomes == "binary" else 3)
    logits = torch.randn(n, k, generator=generator)
    if row.outcomes == "multiclass":
        labels = torch.tensor([0, 2, 1, 2])
        p = {"indices": F.one_hot(labels, k).float(), "one_hot": F.one_hot(labels, k).float(),
             "soft": torch.softmax(torch.randn(n, k, generator=generator), dim=1)}[row.targets]
        elementwise = per_example = core.softmax_cross_entropy(p, logits)
        probs = torch.softmax(logits, dim=1)
    else:
        labels = (torch.rand(n, k, generator=generator) > 0.5).long()
        p = torch.rand(n, k, generator=generator) if row.targets == "soft" else labels.float()
        elementwise = core.binary_cross_entropy_with_logits(p, logits)
        per_example = elementwise.mean(dim=-1)
        probs = torch.sigmoid(logits)
    arrays = {"logits": logits, "probs": probs, "log_probs": torch.log_softmax(logits, dim=-1),
              "labels": labels, "targets": p}
    return arrays, elementwise, per_example


def _namespace() -> dict:
    return {"keras": keras, "tf": _fake_tensorflow(), "torch": torch, "nn": nn, "F": F,
            "keras_compat": keras_compat, "torch_compat": torch_compat}


_NAME = re.compile(r"\b(keras\.losses|tf\.nn|F|nn|torch|keras_compat|torch_compat)\.(\w+)")


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.outcomes}-{r.outputs}-{r.targets}")
def test_every_name_in_a_row_exists_in_its_framework(row):
    namespace = _namespace() | {"keras.losses": keras.losses, "tf.nn": _fake_tensorflow().nn}
    for text in row.code().values():
        for module, name in _NAME.findall(text):
            assert hasattr(namespace[module], name), f"{module}.{name} in {text!r}"
    assert all(name in IMPORTS for name in ("import keras", "as tf", "as nn", "as F", "keras_compat"))


@pytest.mark.parametrize("row", ROWS, ids=lambda r: f"{r.outcomes}-{r.outputs}-{r.targets}")
def test_every_recommended_call_computes_the_cross_entropy(row):
    arrays, elementwise, per_example = _example(row)
    sigmoid = row.outcomes != "multiclass"
    expected = {  # what each call returns: Keras's functions one value per example, classes a mean
        "keras": per_example, "lossbook_keras": per_example, "keras_class": per_example.mean(),
        "tensorflow": elementwise if sigmoid else per_example,
        "torch": elementwise.mean(), "torch_module": elementwise.mean(), "lossbook_torch": elementwise.mean(),
    }
    for field, text in row.code().items():
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # lossbook must not call its own recommendation a mistake
            result = torch.as_tensor(eval(text, _namespace() | arrays))
        assert result.shape == expected[field].shape, (field, text)
        torch.testing.assert_close(result.double(), expected[field].double(), rtol=1e-5, atol=1e-6,
                                   msg=f"{field}: {text}")


def test_the_recommendations_for_one_problem_agree_whatever_the_model_outputs():
    """Logits, probabilities and log-probabilities of the same model give the same H(P, Q)."""
    values = []
    for row in decision_table(outcomes="multiclass", targets="indices"):
        arrays, _, _ = _example(row)
        values.append(float(eval(row.torch, _namespace() | arrays)))
    assert max(values) - min(values) < 1e-6


def test_the_key_recommendations_read_as_the_book_teaches():
    sparse = choose_cross_entropy(outcomes="multiclass", outputs="logits", targets="indices")
    assert sparse.keras_class == (
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)"
    )
    assert sparse.tensorflow == "tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)"
    assert sparse.torch_module == "nn.CrossEntropyLoss()(logits, labels)"
    soft = choose_cross_entropy(outcomes="multiclass", outputs="logits", targets="soft")
    assert soft.torch == "F.cross_entropy(logits, targets)"  # probability targets
    binary = choose_cross_entropy(outcomes="binary", outputs="logits", targets="one_hot")
    assert binary.keras_class == "keras.losses.BinaryCrossentropy(from_logits=True)(targets, logits)"
    assert binary.torch_module == "nn.BCEWithLogitsLoss()(logits, targets)"
    assert "stably" in binary.note
    probs = choose_cross_entropy(outcomes="multiclass", outputs="probabilities", targets="indices")
    assert probs.tensorflow is None and probs.torch == "F.nll_loss(torch.log(probs), labels)"
    assert "pass logits" in probs.note
    nll = choose_cross_entropy(outcomes="multiclass", outputs="log_probabilities", targets="indices")
    assert nll.torch == "F.nll_loss(log_probs, labels)"
    assert nll.chapter == "book/02-classification/09-nll-and-log-softmax"
    multilabel = choose_cross_entropy(outcomes="multilabel", outputs="probabilities", targets="one_hot")
    assert multilabel.torch_module == "nn.BCELoss()(probs, targets)" and "never softmax" in multilabel.note


def test_a_recommendation_prints_readably_and_renders_as_a_table_row():
    row = choose_cross_entropy(outcomes="binary", outputs="probabilities", targets="soft")
    text = repr(row)
    assert text.splitlines()[0] == (
        "Recommendation(outcomes='binary', outputs='probabilities', targets='soft')"
    )
    assert "  tensorflow     — (no op)" in text and "0x" not in text
    values = [line[len("  lossbook_keras "):] for line in text.splitlines()[1:]]
    assert all(value and not value.startswith(" ") for value in values)  # one column for every value
    cells = row.row()
    assert cells["Outcomes"] == "two classes (one output)" and cells["TensorFlow"] == "—"
    assert cells["PyTorch"] == "`F.binary_cross_entropy(probs, targets)`"
    table = display.markdown_table([r.row() for r in ROWS], columns=["Outcomes", "Model outputs", "Targets",
                                                                     "Keras", "PyTorch", "Note"])
    assert len(table.splitlines()) == 2 + len(ROWS)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"outcomes": "multi-class", "outputs": "logits", "targets": "indices"},
         r"argument `outcomes`: expected one of \['binary', 'multiclass', 'multilabel'\], "
         r"received 'multi-class'"),
        ({"outcomes": "binary", "outputs": "scores", "targets": "indices"},
         r"argument `outputs`: expected one of \['logits', 'probabilities', 'log_probabilities'\], "
         r"received 'scores'"),
        ({"outcomes": "binary", "outputs": "logits", "targets": 1},
         r"argument `targets`: expected one of \['indices', 'one_hot', 'soft'\], received 1"),
        ({"outcomes": "multilabel", "outputs": "logits", "targets": "indices"},
         r"argument `targets`: expected one of \['one_hot', 'soft'\] with outcomes='multilabel', "
         r"received 'indices'\. .*multi-hot"),
        ({"outcomes": "binary", "outputs": "log_probabilities", "targets": "one_hot"},
         r"argument `outputs`: expected one of \['logits', 'probabilities'\] with outcomes='binary', "
         r"received 'log_probabilities'\. .*nll_loss"),
    ],
)
def test_impossible_or_unknown_combinations_are_refused_clearly(arguments, message):
    with pytest.raises(ValueError, match=message):
        choose_cross_entropy(**arguments)


def test_the_axes_are_keyword_only():
    with pytest.raises(TypeError):
        choose_cross_entropy("binary", "logits", "one_hot")


# --------------------------------------------------------------------------------------------------
# Model checks: Keras
# --------------------------------------------------------------------------------------------------


def _dense(units: int, activation: str | None = None, *extra: keras.layers.Layer) -> keras.Sequential:
    return keras.Sequential([keras.Input((4,)), keras.layers.Dense(units, activation=activation, name="head"),
                             *extra])


def _only(findings: Findings, severity: str) -> Finding:
    assert len(findings) == 1, findings
    assert findings[0].severity == severity
    return findings[0]


def test_keras_softmax_with_from_logits_true_is_a_double_softmax():
    loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    finding = _only(check_keras_model(_dense(10, "softmax"), loss), "error")
    assert finding.what == ("the last layer `head` (Dense, activation='softmax') with the loss "
                            "CategoricalCrossentropy(from_logits=True), which expects logits")
    assert finding.why.startswith("softmax applied twice: the loss sees probabilities squashed towards "
                                  "uniform; with K = 10 no class can get more than e/(e + 9) = 0.232, "
                                  "so the loss never falls below 1.46")
    assert "remove the softmax (activation=None) and keep from_logits=True" in finding.fix


def test_the_double_softmax_floor_stated_in_the_message_is_what_the_loss_does():
    """Even a perfectly confident softmax output, softmaxed again, costs log(1 + 9/e) = 1.46 (K = 10)."""
    confident = torch.softmax(100.0 * F.one_hot(torch.tensor([3]), 10).float(), dim=1)
    assert float(F.cross_entropy(confident, torch.tensor([3]))) == pytest.approx(1.4612, abs=1e-4)
    twice_sigmoid = torch.sigmoid(torch.sigmoid(torch.tensor([-100.0])))  # a confident negative
    negative = float(F.binary_cross_entropy(twice_sigmoid, torch.tensor([0.0])))
    assert negative == pytest.approx(0.6931, abs=1e-4)


def test_keras_softmax_layer_and_compiled_sparse_loss_are_read_from_the_model():
    model = _dense(3, None, keras.layers.Softmax(name="probs"))
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    finding = _only(check_keras_model(model), "error")
    assert "`probs` (Softmax)" in finding.what
    assert "SparseCategoricalCrossentropy(from_logits=True)" in finding.what


def test_keras_sigmoid_with_from_logits_true_is_a_double_sigmoid():
    model = _dense(1, None, keras.layers.Activation("sigmoid", name="act"))
    finding = _only(check_keras_model(model, keras.losses.BinaryCrossentropy(from_logits=True)), "error")
    assert "`act` (Activation, activation='sigmoid')" in finding.what
    assert finding.why.startswith("sigmoid applied twice: σ of values in [0, 1] lies in [0.5, 0.731]")


def test_keras_logits_with_a_string_loss_are_taken_for_probabilities():
    model = _dense(3)
    model.compile(loss="categorical_crossentropy")
    finding = _only(check_keras_model(model), "error")
    assert finding.what == (
        "the last layer `head` (Dense, activation='linear') with the loss 'categorical_crossentropy' "
        "(a string: from_logits=False), which expects probabilities"
    )
    assert "clips them to [1e-7, 1 − 1e-7]" in finding.why
    assert finding.fix == "pass from_logits=True to the loss"
    binary = _only(check_keras_model(_dense(1), keras.losses.binary_crossentropy), "error")
    assert "binary_crossentropy (from_logits=False)" in binary.what


def test_keras_sigmoid_with_categorical_cross_entropy_is_likely_a_mistake():
    loss = keras.losses.CategoricalCrossentropy()
    finding = _only(check_keras_model(_dense(4, "sigmoid"), loss), "warning")
    assert finding.what.endswith("likely a mistake") and "multi-label" in finding.why
    assert "BinaryCrossentropy" in finding.fix


def test_keras_softmax_with_binary_cross_entropy_is_likely_a_mistake_from_three_outputs():
    finding = _only(check_keras_model(_dense(5, "softmax"), "binary_crossentropy"), "warning")
    assert "softmax makes the 5 outputs compete" in finding.why
    assert check_keras_model(_dense(2, "softmax"), "binary_crossentropy") == []  # = categorical CE on 2


def test_keras_single_output_mistakes():
    softmax_of_one = _only(check_keras_model(_dense(1, "softmax"), "binary_crossentropy"), "error")
    assert "softmax over one output is always 1.0" in softmax_of_one.why
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    k_class_of_one = _only(check_keras_model(_dense(1), sparse), "error")
    assert k_class_of_one.what.endswith("a K-class cross-entropy over a single output")


def test_keras_log_softmax_pairs_with_from_logits_true_only():
    model = _dense(3, "log_softmax")
    assert check_keras_model(model, keras.losses.CategoricalCrossentropy(from_logits=True)) == []
    finding = _only(check_keras_model(model, "categorical_crossentropy"), "error")
    assert "log-probabilities (all ≤ 0)" in finding.why


@pytest.mark.parametrize(
    ("model", "loss"),
    [
        (_dense(3), keras.losses.CategoricalCrossentropy(from_logits=True)),
        (_dense(3, "softmax"), "categorical_crossentropy"),
        (_dense(3, "softmax", keras.layers.Dropout(0.1)), "sparse_categorical_crossentropy"),
        (_dense(1, "sigmoid"), keras.losses.BinaryCrossentropy()),
        (_dense(1), keras.losses.BinaryCrossentropy(from_logits=True)),
        (_dense(4, "sigmoid"), "bce"),
        (_dense(3), functools.partial(keras.losses.categorical_crossentropy, from_logits=True)),
        (_dense(3), keras_compat.CategoricalCrossentropy(from_logits=True)),
        (keras.Sequential([keras.Input((4,)), _dense(3, "softmax")]), "categorical_crossentropy"),
        (_dense(3), "mse"),  # not a cross-entropy: not checked
    ],
    ids=["logits", "softmax", "dropout-after", "sigmoid", "bce-logits", "multilabel", "partial",
         "lossbook-class", "nested", "mse"],
)
def test_keras_correct_pairings_give_no_findings(model, loss):
    assert check_keras_model(model, loss) == []


def test_keras_functional_models_and_lossbook_classes_are_checked_too():
    inputs = keras.Input((4,))
    outputs = keras.layers.Dense(3, activation="softmax", name="out")(keras.layers.Dense(8)(inputs))
    model = keras.Model(inputs, outputs)
    finding = _only(check_keras_model(model, keras_compat.CategoricalCrossentropy(from_logits=True)), "error")
    assert "`out`" in finding.what and "with K = 3" in finding.why
    softmax_layer = keras.Model(inputs, keras.layers.Softmax(name="sm")(keras.layers.Dense(5)(inputs)))
    finding = _only(check_keras_model(softmax_layer, "binary_crossentropy"), "warning")
    assert "`sm` (Softmax)" in finding.what and "the 5 outputs" in finding.why  # width from the output


def test_strict_raises_and_warn_warns_at_the_caller():
    model, loss = _dense(3, "softmax"), keras.losses.CategoricalCrossentropy(from_logits=True)
    expected = r"do not match:\n\nerror: the last layer `head`.*\n  why: softmax applied twice"
    with pytest.raises(ValueError, match=expected):
        check_keras_model(model, loss, strict=True)
    with pytest.warns(LikelyMistakeWarning, match="softmax applied twice") as record:
        findings = check_keras_model(model, loss, warn=True)
    assert record[0].filename == __file__ and len(findings) == 1
    assert repr(check_keras_model(_dense(3), loss)) == "No findings."


def test_keras_checks_refuse_what_they_cannot_read():
    with pytest.raises(ValueError, match=r"argument `loss`: the model is not compiled"):
        check_keras_model(_dense(3))
    expected = (r"expected a Keras model .* received torch.nn.modules.container.Sequential; "
                r"for a torch.nn.Module use check_torch_model")
    with pytest.raises(TypeError, match=expected):
        check_keras_model(nn.Sequential(nn.Linear(4, 3)), "categorical_crossentropy")

    class Subclassed(keras.Model):
        def call(self, x):
            return x

    with pytest.raises(TypeError, match=r"cannot see which layer the subclassed model Subclassed ends with"):
        check_keras_model(Subclassed(), "categorical_crossentropy")
    with pytest.raises(TypeError, match=r"argument `loss`: expected one loss, received a list"):
        check_keras_model(_dense(3), ["categorical_crossentropy"])


# --------------------------------------------------------------------------------------------------
# Model checks: PyTorch
# --------------------------------------------------------------------------------------------------


def _seq(*modules: nn.Module, outputs: int = 3) -> nn.Sequential:
    return nn.Sequential(nn.Linear(4, outputs), *modules)


@pytest.mark.parametrize("loss", [nn.CrossEntropyLoss(), nn.CrossEntropyLoss, F.cross_entropy,
                                  torch_compat.cross_entropy], ids=["module", "class", "F", "lossbook"])
def test_torch_softmax_before_cross_entropy_is_a_double_softmax(loss):
    finding = _only(check_torch_model(_seq(nn.Softmax(dim=1)), loss), "error")
    assert finding.what.startswith("the last module `1` (nn.Softmax(dim=1)) with the loss ")
    assert finding.why.startswith(
        "softmax applied twice: the loss sees probabilities squashed towards uniform; with K = 3"
    )
    assert finding.fix.startswith("remove the final softmax")


def test_torch_nested_sequential_is_followed_to_its_last_module():
    model = nn.Sequential(nn.Linear(4, 8), nn.Sequential(nn.Linear(8, 1), nn.Sigmoid(), nn.Flatten(0)))
    finding = _only(check_torch_model(model, nn.BCEWithLogitsLoss()), "error")
    assert "`1.1` (nn.Sigmoid())" in finding.what and "sigmoid applied twice" in finding.why


@pytest.mark.parametrize(
    ("model", "loss", "severity", "why"),
    [
        (_seq(outputs=1), nn.BCELoss(), "error", "raises a RuntimeError on raw scores (logits)"),
        (_seq(), nn.NLLLoss(), "error", "unbounded below"),
        (_seq(), F.nll_loss, "error", "unbounded below"),
        (_seq(nn.Softmax(dim=1)), nn.NLLLoss(), "error", "−q_c instead of −log q_c"),
        (_seq(nn.Sigmoid()), nn.CrossEntropyLoss(), "error", "softmax applied to sigmoid outputs"),
        (_seq(nn.Softmax(dim=1)), nn.BCEWithLogitsLoss(), "error", "sigmoid applied to softmax outputs"),
        (_seq(nn.LogSoftmax(dim=1)), nn.BCEWithLogitsLoss(), "error", "σ(log q) = q/(1 + q)"),
        (_seq(nn.LogSoftmax(dim=1)), nn.BCELoss(), "error", "log-probabilities (all ≤ 0)"),
        (_seq(nn.Softmax(dim=1), outputs=5), nn.BCELoss(), "warning", "softmax makes the 5 outputs compete"),
        (_seq(outputs=1), nn.CrossEntropyLoss(), "error", "the loss is 0 for every example"),
        (_seq(nn.Softmax(dim=1), outputs=1), nn.BCELoss(), "error", "softmax over one output is always 1.0"),
    ],
    ids=["logits-bce", "logits-nll", "logits-F.nll", "softmax-nll", "sigmoid-ce", "softmax-bcewl",
         "logsoftmax-bcewl", "logsoftmax-bce", "softmax-bce", "one-output-ce", "softmax-of-one"],
)
def test_torch_mistakes_are_found_and_explained(model, loss, severity, why):
    finding = _only(check_torch_model(model, loss), severity)
    assert why in finding.why
    assert finding.fix


@pytest.mark.parametrize(
    ("model", "loss"),
    [
        (_seq(), nn.CrossEntropyLoss()),
        (_seq(nn.LogSoftmax(dim=1)), nn.NLLLoss()),
        (_seq(nn.LogSoftmax(dim=1)), nn.CrossEntropyLoss()),  # redundant but exact
        (_seq(nn.Sigmoid(), outputs=1), nn.BCELoss()),
        (_seq(outputs=1), nn.BCEWithLogitsLoss()),
        (_seq(nn.Sigmoid()), F.binary_cross_entropy),  # multi-label on probabilities
        (_seq(nn.Softmax(dim=1), outputs=2), nn.BCELoss()),
        (_seq(nn.Dropout(0.1)), F.cross_entropy),
        (nn.Linear(4, 3), torch_compat.cross_entropy),
        (_seq(nn.Softmax(dim=1)), nn.MSELoss()),  # not a cross-entropy: not checked
    ],
    ids=["ce", "logsoftmax-nll", "logsoftmax-ce", "sigmoid-bce", "bcewl", "multilabel", "two-softmax-bce",
         "dropout", "single-layer", "mse"],
)
def test_torch_correct_pairings_give_no_findings(model, loss):
    assert check_torch_model(model, loss) == []


def test_torch_checks_refuse_what_they_cannot_read():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(4, 3)

        def forward(self, x):
            return torch.softmax(self.fc(x), dim=1)

    with pytest.raises(TypeError, match=r"cannot see which module Net ends with .* pass an nn.Sequential"):
        check_torch_model(Net(), nn.CrossEntropyLoss())
    expected = r"expected a torch.nn.Module .* for a Keras model use check_keras_model"
    with pytest.raises(TypeError, match=expected):
        check_torch_model(_dense(3), nn.CrossEntropyLoss())


def test_check_model_dispatches_on_the_framework():
    assert check_model(_seq(nn.Softmax(dim=1)), nn.CrossEntropyLoss())[0].severity == "error"
    assert check_model(_dense(3, "softmax"), "categorical_crossentropy") == []
    with pytest.raises(ValueError, match=r"argument `loss`: a PyTorch model does not store its loss"):
        check_model(_seq())
    expected = r"expected a Keras model or a torch.nn.Module, received builtins.list"
    with pytest.raises(TypeError, match=expected):
        check_model([nn.Linear(4, 3)], nn.CrossEntropyLoss())
