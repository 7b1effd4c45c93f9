"""Training parity: XOR and sin(x) are learnt by all three packages, a broken NumPy backward fails the training
rows at its layer, Keras's fit agrees with the tape loop, and the training conventions are the parts' merged."""

import numpy as np
import pytest

import keras_impl.losses_regression as kl
import keras_impl.models as km
import keras_impl.optimizers_adam as ka
import keras_impl.training as kt
import reference_numpy.losses_regression as nl
import reference_numpy.models as nm
import reference_numpy.optimizers_adam as na
import reference_numpy.training as nt
import torch_impl.losses_regression as tl
import torch_impl.models as tm
import torch_impl.optimizers_adam as ta
import torch_impl.training as tt

from parity_tests import training
from parity_tests.case import Run
from parity_tests.cases.models import XOR, mlp_params
from parity_tests.cases.training import TRAININGS
from parity_tests.conventions import FRAMEWORKS, convention
from parity_tests.conventions.training import CONCEPTS, merged
from parity_tests.frameworks import keras_floatx
from parity_tests.inputs import rng_for

SEED = 20261124
ROWS = {row.concept: row for row in TRAININGS}
PACKAGES = ((nm, nl.mse, na.adam, nt.train), (tm, tl.mse, ta.adam, tt.train), (km, kl.mse, ka.adam, kt.train))
SIN_MAX_ERROR = 0.05  # stated: max |f(x) - sin x| on 1001 points of [-pi, pi] after 3000 full-batch Adam epochs


def _train_all(sizes, activations, x, y, lr, epochs, key):
    """Final parameters of each package trained in float64 from one seeded initialisation."""
    params = list(mlp_params(rng_for(1, key), sizes).values())
    out = []
    with keras_floatx("float64"):
        for models, loss, adam, train in PACKAGES:
            model = models.mlp_model(params, activations=activations)
            h = train(model, loss, adam(lr=lr, eps=1e-8), x, y, batch_size=len(x), epochs=epochs)
            out.append(h)
    return out


def test_xor_2_4_1_sigmoid_reaches_mse_below_0_005_within_2000_epochs_in_all_three():
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    for h in _train_all((2, 4, 1), ("sigmoid", "sigmoid"), XOR, y, 0.05, 2000, "xor"):
        assert h["loss"][0] > 0.2 and h["loss"][-1] < 0.005  # the loss of the last step's batch: all four points


def test_one_hidden_layer_fits_sin_to_the_stated_error_in_all_three():
    x = np.linspace(-np.pi, np.pi, 64)[:, None]
    grid = np.linspace(-np.pi, np.pi, 1001)[:, None]
    for h in _train_all((1, 16, 1), ("tanh", "linear"), x, np.sin(x), 0.01, 3000, "sin"):
        W1, b1, W2, b2 = (h[k][-1] for k in ("W1", "b1", "W2", "b2"))
        assert np.abs(np.tanh(grid @ W1 + b1) @ W2 + b2 - np.sin(grid)).max() < SIN_MAX_ERROR


def _rows(row, variant="aligned", dtype="float64", regime="tape"):
    kwargs = {**row.required, **row.aligned[0]} if variant == "aligned" else dict(row.required)
    return training.execute(Run(row, variant, kwargs, dtype, regime), SEED)


def test_a_broken_numpy_dense_backward_fails_the_rows_at_its_layer(monkeypatch):
    def broken(dz, cache, **kwargs):  # dW off by 0.1%: a wrong constant in one layer's backward
        dx, dW, db = original(dz, cache, **kwargs)
        return dx, dW * (1.001 if dW.shape == (4, 1) else 1.0), db
    original = nm.dense_backward
    monkeypatch.setattr(nm, "dense_backward", broken)
    failed = [r for r in _rows(ROWS["mlp_2_4_1/sgd"]) if r["status"] == "FAIL"]
    first = {r["quantity"]: r["first_step"] for r in failed if r["impl_a"] == "numpy[torch]"}
    assert first["grad_W2"] == 1 and first["W2"] == 1  # the broken layer, at step 1
    assert "grad_W1" not in first or first["grad_W1"] > 1  # earlier layers only through later steps


def test_keras_fit_agrees_with_the_tape_loop_and_the_reference_in_float64():
    rows = _rows(ROWS["mlp_2_4_1/adam"], regime="fit")
    assert {r["quantity"] for r in rows} == {"loss", "W1", "b1", "W2", "b2"}  # fit exposes no gradients
    fit = [r for r in rows if r["impl_a"] == "numpy[keras]"]
    assert all(r["status"] == "match" and r["max_abs"] < 1e-13 for r in fit)


def test_float64_aligned_runs_match_except_named_conventions():
    for concept in ("mlp_4_8_4_1/sgd", "mlp_4_8_4_1/adam"):
        rows = _rows(ROWS[concept])
        assert all(r["status"] == "match" for r in rows if r["impl_a"] != "torch")
        assert all(r["status"] in ("match", "expected") for r in rows)
    assert all(r["max_abs"] < 1e-12 for r in _rows(ROWS["mlp_4_8_4_1/sgd"]))


def _bn_history(dtype, shift_b1=0.0):
    """The NumPy reference's aligned training of ``mlp_bn_4_8_1/adam`` (torch's conventions), b1 shifted at the start,
    and the starting b1."""
    row = ROWS["mlp_bn_4_8_1/adam"]
    run = Run(row, "aligned", {**row.required, **row.aligned[0]}, dtype, "tape")
    params, x, y = training.problem(run, SEED)
    params[1] = params[1] + np.asarray(shift_b1, params[1].dtype)
    model, loss, optimizer, x, y = training.build(run, 0, training._numpy_parts(run, "torch"), params, x, y)
    return nt.train(model, loss, optimizer, x, y, batch_size=row.batch_size, epochs=row.epochs), params[1]


def test_a_bias_before_batchnorm_has_zero_gradient_and_adam_turns_rounding_into_its_steps():
    """Why ``mlp_bn_4_8_1/adam`` holds b1 to 2 * STEPS * lr in float32 (cases/training.py): its exact gradient is 0
    and nothing depends on it (float64), while float32 rounding moves it beyond float32 tolerance, by up to lr a
    step."""
    row = ROWS["mlp_bn_4_8_1/adam"]
    lr, steps = row.aligned[0]["opt.lr"], row.epochs * 32 // row.batch_size
    (exact, start), (shifted, _) = _bn_history("float64"), _bn_history("float64", shift_b1=0.5)
    assert np.abs(exact["grad_b1"]).max() < 1e-15 and np.abs(exact["b1"] - start).max() < 1e-8
    others = ("loss", "W1", "gamma1", "beta1", "W2", "b2")
    assert max(np.abs(shifted[q] - exact[q]).max() for q in others) < 1e-12  # nothing downstream depends on b1
    rounded, start = _bn_history("float32")
    assert np.abs(rounded["grad_b1"]).max() < 1e-5  # the float32 gradient is rounding noise, within tolerance ...
    assert 1e-3 < np.abs(rounded["b1"] - start).max() <= steps * lr  # ... which Adam turns into steps of up to lr


@pytest.mark.parametrize("concept", CONCEPTS)
def test_training_conventions_are_the_parts_merged_with_prefixes(concept):
    for framework in FRAMEWORKS:
        conv = convention(concept, framework)
        assert conv == merged(concept, framework)
        assert all(key.split(".", 1)[0] in ("model", "loss", "opt") for key in conv.defaults | conv.formula)
        assert all(conv.notes.get(key, "").strip() for key in (*conv.defaults, *conv.formula))


def test_bad_training_arguments_raise_the_same_error_everywhere():
    x, y = np.zeros((4, 2)), np.zeros((4, 1))
    for bad, error in (({"batch_size": 3}, ValueError), ({"epochs": 0}, ValueError), ({"batch_size": 2.0}, TypeError)):
        kwargs = {"batch_size": 2, "epochs": 1, **bad}
        for check in (nt.check_training, tt.check_training, kt.check_training):
            with pytest.raises(error, match=next(iter(bad))):
                check(x if check is not tt.check_training else __import__("torch").as_tensor(x),
                      y if check is not tt.check_training else __import__("torch").as_tensor(y), **kwargs)
