"""Gradient checking (``gradcheck`` in each package), as data: the one rule the three packages share, and
what the frameworks' own checkers do, each with its reason. Pinned by parity_tests/test_gradcheck_tool.py
against the packages (their ``STEPS`` / ``TOLERANCES``) and the installed frameworks.

The tool itself is one concept, ``gradcheck`` (parity_tests/cases/gradcheck.py runs the three packages' tools on one
network): its one convention is the model's compute dtype (``mlp_forward``'s); the tools' own rule is shared.
"""
import numpy as np

from . import register
from .layers import layer_pair

__all__ = ["STEP", "TOLERANCE", "NOTES", "FRAMEWORK_TOOLS", "FRAMEWORK_NOTES"]

# Relative step: element j of a parameter moves by h_j = STEP[dtype] * max(|p_j|, 1).
STEP = {"float64": 1e-6, "float32": float(np.finfo(np.float32).eps) ** (1 / 3)}
TOLERANCE = {"float64": (1e-5, 1e-3), "float32": (1e-3, 1e-2)}  # (atol, rtol): |g - g_hat| <= atol + rtol |g_hat|

NOTES = {
    "STEP.float64": "1e-6: truncation O(h^2) ~ 1e-12 and rounding O(eps64 / h) ~ 1e-10, both far below the tolerance",
    "STEP.float32": "eps32^(1/3) ~ 4.9e-3: the central difference's truncation h^2 |L'''| / 6 and rounding "
                    "eps32 |L| / h balance there, each ~ eps32^(2/3) ~ 2.4e-5 for O(1) losses",
    "STEP.scale": "max(|p_j|, 1): a relative step for large parameters (p + h must differ from p), absolute below 1",
    "TOLERANCE.float64": "torch.autograd.gradcheck's defaults (atol 1e-5, rtol 1e-3)",
    "TOLERANCE.float32": "1e-3, 1e-2: about 20x the float32 error 2 eps32^(2/3) ~ 5e-5 of an O(1) loss, room for "
                         "rounding accumulated inside the loss; a wrong derivative is off by O(|g|)",
}

FRAMEWORK_TOOLS = {
    "torch.autograd.gradcheck": {"eps": 1e-6, "atol": 1e-5, "rtol": 1e-3},
    "tf.test.compute_gradient": {"delta": 1.0 / 1024},
}
FRAMEWORK_NOTES = {
    "torch.autograd.gradcheck": "a fixed absolute eps meant for float64 inputs: in float32 its rounding error "
                                "eps32 / 1e-6 ~ 0.1 fails correct gradients",
    "tf.test.compute_gradient": "a fixed delta = 2^-10 for every dtype (exactly representable), returns the two "
                                "Jacobians and leaves the comparison to the caller",
}

_API = {"torch": "torch_impl.gradcheck.gradcheck: torch.autograd.grad against central differences of the loss",
        "keras": "keras_impl.gradcheck.gradcheck: tf.GradientTape against central differences of the loss"}
register(*layer_pair("gradcheck", _API["torch"], _API["keras"]))
