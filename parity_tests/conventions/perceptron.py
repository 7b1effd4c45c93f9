"""Perceptron conventions. Neither torch nor Keras ships a perceptron: both implementations are written here
on the framework's tensors, with the suite's step activation (:math:`H(0) = 1` in all three packages,
pinned by parity_tests/test_perceptron.py), one sample at a time in the data order. Nothing differs, so
there are no formula switches; the defaults are Rosenblatt's unit learning rate and the issue's 10 epochs.
"""
from . import Convention, register

__all__ = ["DEFAULTS"]

DEFAULTS = {"lr": 1.0, "epochs": 10}

_NOTES = {
    "lr": "no framework default exists; 1.0 is Rosenblatt's rule (the step makes the result scale-free in lr "
          "from zero weights)",
    "epochs": "no framework default exists; 10 passes is the issue's convergence budget for AND and OR",
}

register(
    Convention("torch", "perceptron", "torch tensors: torch.heaviside(x_i . [w, b], 1); [w, b] += lr (y_i - y_hat) "
               "[x_i, 1]", defaults=DEFAULTS, notes=_NOTES),
    Convention("keras", "perceptron", "keras.ops: ops.cast(ops.sum(x_i * [w, b]) >= 0); [w, b] += lr (y_i - y_hat) "
               "[x_i, 1]", defaults=DEFAULTS, notes=_NOTES),
)
