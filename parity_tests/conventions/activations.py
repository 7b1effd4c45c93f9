"""Activation conventions: torch (torch.nn.functional) vs Keras 3 (keras.activations, TF backend).

Each value is checked against the installed framework by parity_tests/test_conventions.py.
"""
from . import Convention as C, Source, register
from .sourcing import agree

_PLAIN = ("step", "sigmoid", "tanh", "hard_sigmoid", "relu", "mish")
_TORCH_API = {"step": "torch.heaviside(x, 1)", "sigmoid": "torch.sigmoid", "tanh": "torch.tanh",
              "hard_sigmoid": "F.hardsigmoid", "relu": "F.relu", "mish": "F.mish"}
_KERAS_API = {"step": "ops.cast(x >= 0)", "sigmoid": "keras.activations.sigmoid", "tanh": "keras.activations.tanh",
              "hard_sigmoid": "keras.activations.hard_sigmoid", "relu": "keras.activations.relu",
              "mish": "keras.activations.mish"}
register(*(C(fw, name, api[name]) for name in _PLAIN for fw, api in (("torch", _TORCH_API), ("keras", _KERAS_API))))


def keras_gelu_form(approximate):
    """keras.activations.gelu's ``approximate`` flag as the table's form name (False: "none", True: "tanh")."""
    return {False: "none", True: "tanh"}.get(approximate, approximate)


# F.softplus and F.gelu are builtins without a Python signature: their defaults are read off torch.nn.Softplus and
# torch.nn.GELU. F.softmax's dim (None, deprecated implicit dim) and Keras's softplus/silu beta (none: the wrappers')
# are not framework defaults of the table's value: unsourced.

register(
    C("torch", "leaky_relu", "F.leaky_relu",
      defaults={"negative_slope": 0.01}, formula={"constant_dtype": None, "grad_at_zero": "slope"},
      related={"torch.nn.LeakyReLU.negative_slope": 0.01},
      notes={"negative_slope": "F.leaky_relu(input, negative_slope=0.01)",
             "constant_dtype": "the slope is a double scalar, cast to the input dtype",
             "grad_at_zero": "leaky_relu_backward tests x > 0: x == 0 gets the slope",
             "torch.nn.LeakyReLU.negative_slope": "the module has the same default"},
      sources={"negative_slope": (Source("torch.nn.functional.leaky_relu", "negative_slope"),),
               "torch.nn.LeakyReLU.negative_slope": Source("torch.nn.LeakyReLU", "negative_slope")}),
    C("keras", "leaky_relu", "keras.activations.leaky_relu",
      defaults={"negative_slope": 0.2}, formula={"constant_dtype": "float32", "grad_at_zero": "slope"},
      related={"keras.layers.LeakyReLU.negative_slope": 0.3},
      notes={"negative_slope": "keras.activations.leaky_relu(x, negative_slope=0.2)",
             "constant_dtype": "tf.nn.leaky_relu passes alpha as a float32 op attribute, even for float64 x",
             "grad_at_zero": "TF's LeakyReluGrad tests x > 0: x == 0 gets the slope",
             "keras.layers.LeakyReLU.negative_slope": "the layer's default differs from the function's"},
      sources={"negative_slope": Source("keras.activations.leaky_relu", "negative_slope"),
               "keras.layers.LeakyReLU.negative_slope": Source("keras.layers.LeakyReLU", "negative_slope")}),
    C("torch", "prelu", "F.prelu",
      formula={"grad_at_zero": "left"}, param_init={"alpha": 0.25},
      related={"torch.nn.PReLU.num_parameters": 1},
      notes={"grad_at_zero": "prelu backward tests x > 0, so x == 0 gets the slope alpha",
             "alpha": "torch.nn.PReLU(init=0.25)",
             "torch.nn.PReLU.num_parameters": "one slope shared by all channels by default"},
      sources={"torch.nn.PReLU.num_parameters": Source("torch.nn.PReLU", "num_parameters")}),
    C("keras", "prelu", "keras.layers.PReLU.call",
      formula={"grad_at_zero": "zero"}, param_init={"alpha": 0.0},
      related={"keras.layers.PReLU.shared_axes": None},
      notes={"grad_at_zero": "relu(x) - alpha*relu(-x): both relu gradients are 0 at 0",
             "alpha": "keras.layers.PReLU(alpha_initializer='Zeros')",
             "keras.layers.PReLU.shared_axes": "one slope per input element by default"},
      sources={"keras.layers.PReLU.shared_axes": Source("keras.layers.PReLU", "shared_axes")}),
    C("torch", "elu", "F.elu", defaults={"alpha": 1.0}, formula={"exp_form": "expm1"},
      notes={"alpha": "F.elu(input, alpha=1.0)", "exp_form": "ATen's elu uses expm1"},
      sources={"alpha": agree(("torch.nn.functional.elu", "torch.nn.ELU"), "alpha")}),
    C("keras", "elu", "keras.activations.elu", defaults={"alpha": 1.0}, formula={"exp_form": "exp_minus_1"},
      notes={"alpha": "keras.activations.elu(x, alpha=1.0)",
             "exp_form": "TF's Elu kernel evaluates exp(x) - 1: 0 instead of x for tiny |x|"},
      sources={"alpha": agree(("keras.activations.elu", "keras.layers.ELU"), "alpha")}),
    C("torch", "selu", "F.selu", formula={"exp_form": "expm1", "grad_branch": "input"},
      notes={"exp_form": "ATen's selu uses expm1", "grad_branch": "ATen's elu backward tests x <= 0"}),
    C("keras", "selu", "keras.activations.selu", formula={"exp_form": "exp_minus_1", "grad_branch": "output"},
      notes={"exp_form": "TF's Selu kernel evaluates exp(x) - 1",
             "grad_branch": "TF's SeluGrad tests the output < 0: x == 0 and tiny x (output 0) get the positive slope"}),
    C("torch", "softplus", "F.softplus", defaults={"beta": 1.0}, formula={"threshold": 20.0},
      notes={"beta": "F.softplus(input, beta=1, threshold=20)",
             "threshold": "returns x (gradient 1) where beta*x > 20"},
      sources={"beta": Source("torch.nn.Softplus", "beta")}),
    C("keras", "softplus", "keras.activations.softplus", defaults={"beta": 1.0}, formula={"threshold": None},
      notes={"beta": "Keras has no beta; the wrapper computes softplus(beta*x)/beta",
             "threshold": "TF switches to x / exp(x) beyond -/+(log(eps)+2); its gradient never switches"}),
    C("torch", "silu", "F.silu", defaults={"beta": 1.0}, notes={"beta": "F.silu has no beta; 1 is SiLU"}),
    C("keras", "silu", "keras.activations.silu", defaults={"beta": 1.0},
      notes={"beta": "keras.activations.silu has no beta; 1 is SiLU"}),
    C("torch", "gelu", "F.gelu", defaults={"approximate": "none"},
      notes={"approximate": "F.gelu(input, approximate='none')"},
      sources={"approximate": Source("torch.nn.GELU", "approximate")}),
    C("keras", "gelu", "keras.activations.gelu", defaults={"approximate": "none"},
      related={"keras.ops.gelu.approximate": True},
      notes={"approximate": "keras.activations.gelu(x, approximate=False)",
             "keras.ops.gelu.approximate": "the ops-level function defaults to the tanh form"},
      sources={"approximate": Source("keras.activations.gelu", "approximate", read=keras_gelu_form),
               "keras.ops.gelu.approximate": Source("keras.ops.gelu", "approximate")}),
    C("torch", "softmax", "F.softmax", defaults={"axis": -1},
      notes={"axis": "F.softmax has no default dim (implicit dim is deprecated); -1 chosen to match Keras"}),
    C("keras", "softmax", "keras.activations.softmax", defaults={"axis": -1},
      notes={"axis": "keras.activations.softmax(x, axis=-1)"},
      sources={"axis": agree(("keras.activations.softmax", "keras.layers.Softmax"), "axis")}),
    C("torch", "log_softmax", "F.log_softmax", defaults={"axis": -1},
      notes={"axis": "F.log_softmax has no default dim; -1 chosen to match Keras"}),
    C("keras", "log_softmax", "keras.activations.log_softmax", defaults={"axis": -1},
      notes={"axis": "keras.activations.log_softmax(x, axis=-1)"},
      sources={"axis": Source("keras.activations.log_softmax", "axis")}),
)
