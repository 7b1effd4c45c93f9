"""Layer bindings: torch ``nn`` modules and Keras layers (and Keras activation functions, as used by
``Activation(...)`` or ``Dense(activation=...)``), each with its conventions-table concepts.

Kinds pair objects across frameworks: ``dense``, ``batchnorm``, one per activation concept, ``dropout``,
``flatten``, ``identity``. Weights carry common names (``W``, ``b``, ``gamma``, ``beta``,
``running_mean``, ``running_var``, ``alpha``) in the NumPy layout.
"""
import functools

from .bindings import Arg, Binding, Param, register, signature_default

__all__ = ["ACTIVATIONS"]

ACTIVATIONS = ("relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu", "mish", "sigmoid", "tanh", "softplus",
               "hard_sigmoid", "softmax", "log_softmax")


def _unsupported_if(**wanted):
    """A reason when an attribute differs from the value the NumPy reference models."""
    def check(obj):
        bad = [f"{k}={getattr(obj, k)!r}" for k, v in wanted.items() if getattr(obj, k) != v]
        return f"{', '.join(bad)} is not modelled (supported: {wanted})" if bad else ""
    return check


def _keras_bn_unsupported(obj):
    reason = _unsupported_if(center=True, scale=True, renorm=False, synchronized=False)(obj)
    if not reason and obj.axis not in (-1, 1):
        reason = f"axis={obj.axis!r} is not modelled (supported: the feature axis of (N, D) inputs)"
    return reason


def _torch_bn_unsupported(obj):
    if obj.momentum is None:
        return "momentum=None (a cumulative average) is not modelled"
    return _unsupported_if(affine=True, track_running_stats=True)(obj)


def _initializer(initializer):
    """A Keras initializer object by its registered name (``GlorotUniform`` -> ``glorot_uniform``)."""
    import re
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(initializer).__name__).lower()


def _axis(dim):
    """``nn.Softmax(dim=None)`` takes the implicit dim, which is the last one for the (N, D) inputs modelled."""
    return -1 if dim is None else dim


_KERAS_MOMENTUM = Arg("momentum", "momentum", common=lambda m: 1.0 - m, uncommon=lambda m: 1.0 - m,
                      absorbs=("momentum_weights",))
_BN = ("batchnorm", "batchnorm_inference", "batchnorm_running_stats")

register(
    Binding("torch", "torch.nn.Linear", "dense", ("dense",), code_name="nn.Linear",
            params=(Param("W", "weight", transpose=True), Param("b", "bias")),
            positional=lambda m: f"{m.in_features}, {m.out_features}",
            unsupported=lambda m: "bias=False is not modelled" if m.bias is None else ""),
    Binding("torch", "torch.nn.BatchNorm1d", "batchnorm", _BN, code_name="nn.BatchNorm1d",
            args=(Arg("eps", "eps"), Arg("momentum", "momentum")),
            params=(Param("gamma", "weight"), Param("beta", "bias"), Param("running_mean", "running_mean", trainable=False),
                    Param("running_var", "running_var", trainable=False)),
            positional=lambda m: str(m.num_features), unsupported=_torch_bn_unsupported),
    Binding("torch", "torch.nn.ReLU", "relu", ("relu",), code_name="nn.ReLU"),
    Binding("torch", "torch.nn.LeakyReLU", "leaky_relu", ("leaky_relu",), code_name="nn.LeakyReLU",
            args=(Arg("negative_slope", "negative_slope"),)),
    Binding("torch", "torch.nn.PReLU", "prelu", ("prelu",), code_name="nn.PReLU", params=(Param("alpha", "weight"),)),
    Binding("torch", "torch.nn.ELU", "elu", ("elu",), code_name="nn.ELU", args=(Arg("alpha", "alpha"),)),
    Binding("torch", "torch.nn.SELU", "selu", ("selu",), code_name="nn.SELU"),
    Binding("torch", "torch.nn.GELU", "gelu", ("gelu",), code_name="nn.GELU", args=(Arg("approximate", "approximate"),)),
    Binding("torch", "torch.nn.SiLU", "silu", ("silu",), code_name="nn.SiLU"),
    Binding("torch", "torch.nn.Mish", "mish", ("mish",), code_name="nn.Mish"),
    Binding("torch", "torch.nn.Sigmoid", "sigmoid", ("sigmoid",), code_name="nn.Sigmoid"),
    Binding("torch", "torch.nn.Tanh", "tanh", ("tanh",), code_name="nn.Tanh"),
    Binding("torch", "torch.nn.Softplus", "softplus", ("softplus",), code_name="nn.Softplus",
            args=(Arg("beta", "beta", read=lambda m: float(m.beta)), Arg("threshold", "threshold",
                                                                         read=lambda m: float(m.threshold)))),
    Binding("torch", "torch.nn.Hardsigmoid", "hard_sigmoid", ("hard_sigmoid",), code_name="nn.Hardsigmoid"),
    Binding("torch", "torch.nn.Softmax", "softmax", ("softmax",), code_name="nn.Softmax",
            args=(Arg("axis", "dim", read=lambda m: _axis(m.dim)),)),
    Binding("torch", "torch.nn.LogSoftmax", "log_softmax", ("log_softmax",), code_name="nn.LogSoftmax",
            args=(Arg("axis", "dim", read=lambda m: _axis(m.dim)),)),
    Binding("torch", "torch.nn.Dropout", "dropout", code_name="nn.Dropout"),
    Binding("torch", "torch.nn.Flatten", "flatten", code_name="nn.Flatten",
            unsupported=_unsupported_if(start_dim=1, end_dim=-1)),
    Binding("torch", "torch.nn.Identity", "identity", code_name="nn.Identity"),
)

register(
    Binding("keras", "keras.layers.Dense", "dense", ("dense",), code_name="keras.layers.Dense",
            args=(Arg("kernel", "kernel_initializer", read=lambda l: _initializer(l.kernel_initializer), fixable=False),
                  Arg("bias", "bias_initializer", read=lambda l: _initializer(l.bias_initializer), fixable=False)),
            params=(Param("W", "kernel"), Param("b", "bias")), positional=lambda l: str(l.units),
            unsupported=_unsupported_if(use_bias=True)),
    Binding("keras", "keras.layers.BatchNormalization", "batchnorm", _BN,
            code_name="keras.layers.BatchNormalization", args=(Arg("eps", "epsilon"), _KERAS_MOMENTUM),
            params=(Param("gamma", "gamma"), Param("beta", "beta"),
                    Param("running_mean", "moving_mean", trainable=False),
                    Param("running_var", "moving_variance", trainable=False)),
            unsupported=_keras_bn_unsupported),
    Binding("keras", "keras.layers.ReLU", "relu", ("relu",), code_name="keras.layers.ReLU",
            unsupported=_unsupported_if(max_value=None, negative_slope=0.0, threshold=0.0)),
    Binding("keras", "keras.layers.LeakyReLU", "leaky_relu", ("leaky_relu",), code_name="keras.layers.LeakyReLU",
            args=(Arg("negative_slope", "negative_slope"),)),
    Binding("keras", "keras.layers.PReLU", "prelu", ("prelu",), code_name="keras.layers.PReLU",
            params=(Param("alpha", "alpha"),), unsupported=_unsupported_if(shared_axes=None)),
    Binding("keras", "keras.layers.ELU", "elu", ("elu",), code_name="keras.layers.ELU", args=(Arg("alpha", "alpha"),)),
    Binding("keras", "keras.layers.Softmax", "softmax", ("softmax",), code_name="keras.layers.Softmax",
            args=(Arg("axis", "axis"),)),
    Binding("keras", "keras.layers.Dropout", "dropout", code_name="keras.layers.Dropout"),
    Binding("keras", "keras.layers.Flatten", "flatten", code_name="keras.layers.Flatten"),
    Binding("keras", "keras.layers.Identity", "identity", code_name="keras.layers.Identity"),
)


def _underlying(fn):
    return fn.func if isinstance(fn, functools.partial) else fn


def _keyword(name):
    """A Keras activation function's keyword: a ``functools.partial``'s value, else the function's default."""
    def read(fn):
        if isinstance(fn, functools.partial) and name in fn.keywords:
            return fn.keywords[name]
        return signature_default(_underlying(fn), name)
    return read


_GELU_APPROXIMATE = Arg("approximate", "approximate", read=lambda fn: "tanh" if _keyword("approximate")(fn) else "none",
                        uncommon=lambda v: v == "tanh")
_KERAS_FUNCTION_ARGS = {
    "leaky_relu": (Arg("negative_slope", "negative_slope", read=_keyword("negative_slope")),),
    "elu": (Arg("alpha", "alpha", read=_keyword("alpha")),),
    "gelu": (_GELU_APPROXIMATE,),
    "softmax": (Arg("axis", "axis", read=_keyword("axis")),),
    "log_softmax": (Arg("axis", "axis", read=_keyword("axis")),),
}

register(*(Binding("keras", f"keras.activations.{name}", name, (name,), args=_KERAS_FUNCTION_ARGS.get(name, ()),
                   code_name=f"keras.layers.Activation(keras.activations.{name})")
           for name in ACTIVATIONS if name != "prelu"))
register(Binding("keras", "keras.activations.linear", "identity", code_name='keras.layers.Activation("linear")'))
