"""The argument checks of the three packages, each written once: ``reference_numpy``, ``torch_impl`` and
``keras_impl`` all import this package (it imports only the standard library, never an array library, a framework
or the harness), so a check whose logic is the same in the three lives here, in one place.

:class:`Checks` holds the checks as methods over a few primitives about arrays (is it one of the package's
arrays, its dtype's name, does it hold NaN, its min and max, ...). Each package's ``validation`` module
subclasses it once with its own primitives and message nouns (``numpy.ndarray``, ``torch.Tensor``, ``tensor``)
and its ``DEFAULT`` (:class:`Default`, which passes every hyperparameter check), and exports the bound methods
under the same public names, so the three packages' checks raise the same classes with the same messages.
``reference_numpy/validation.py`` states the bad-input contract they keep.
"""
from .base import BaseChecks, interval
from .default import Default, framework_default
from .gradcheck import GradcheckResult, gradcheck_result, resolve_tolerances
from .losses import LossChecks
from .networks import DEEP_ACTIVATIONS, MLP_ACTIVATIONS, NetworkChecks, mlp_layers, mlp_names
from .tools import ToolChecks

__all__ = ["Checks", "BaseChecks", "interval", "Default", "framework_default", "MLP_ACTIVATIONS",
           "DEEP_ACTIVATIONS", "mlp_names", "mlp_layers", "GradcheckResult", "resolve_tolerances", "gradcheck_result",
           "PUBLIC", "exports"]

#: The public names of every package's ``validation`` module, in order (tests/test_mirror.py compares them).
PUBLIC = ("check_floating", "check_same_dtype", "check_shape", "check_like", "check_ndim", "check_axis",
          "check_choice", "check_same_shape", "check_no_nan", "check_integer", "check_labels", "check_number",
          "check_nonempty", "check_min_ndim", "check_probabilities", "check_below_inf", "interval", "dtype_name",
          "check_pair", "check_grads", "check_clipping", "check_alpha", "check_logits", "check_input",
          "check_operand", "check_weights", "check_batchnorm", "check_running_stats", "check_residual",
          "MLP_ACTIVATIONS", "DEEP_ACTIVATIONS", "check_mlp", "check_network", "check_sgd_run", "check_training",
          "check_perceptron", "check_gradcheck", "check_initializer", "check_range", "check_logits_labels",
          "check_class_weights", "check_contrastive", "check_triplet", "check_lengths", "check_ctc", "check_adam",
          "check_steps", "check_plateau", "check_lr_range")


class Checks(LossChecks, NetworkChecks, ToolChecks):
    """Every shared check, over the primitives a package's subclass supplies (see :class:`BaseChecks`)."""


def exports(checks):
    """{name: object} for every name of :data:`PUBLIC`: the bound methods of ``checks`` (a package's
    :class:`Checks`), ``interval`` and the activation tuples. A ``validation`` module puts them in its globals,
    so ``from .validation import check_pair`` keeps working and the list is written once, here."""
    shared = {"interval": interval, "MLP_ACTIVATIONS": MLP_ACTIVATIONS, "DEEP_ACTIVATIONS": DEEP_ACTIVATIONS}
    return {name: shared[name] if name in shared else getattr(checks, name) for name in PUBLIC}
