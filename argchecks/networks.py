"""The arguments of layers, networks and training loops, written once over a package's primitives:
:class:`NetworkChecks`. The layout is the suite's: ``x`` (N, D), ``W`` (in, out), ``b`` (out,)."""
from .base import BaseChecks

__all__ = ["NetworkChecks", "MLP_ACTIVATIONS", "DEEP_ACTIVATIONS", "mlp_names", "mlp_layers"]

MLP_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "leaky_relu")
DEEP_ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu")  # no leaky ReLU: its slope is a convention of its own


def mlp_names(n_layers, batchnorm=()):
    """The parameters of an MLP in order: ``W1, b1`` per layer, then ``gamma1, beta1`` when ``batchnorm`` (one bool
    per layer, or () for none) normalises that layer's pre-activation."""
    names = []
    for i in range(1, n_layers + 1):
        names += [f"W{i}", f"b{i}"] + ([f"gamma{i}", f"beta{i}"] if batchnorm and batchnorm[i - 1] else [])
    return names


def mlp_layers(params, batchnorm=()):
    """``(W, b, gamma, beta)`` per layer of ``params`` laid out as ``mlp_names`` says (gamma, beta None for a
    layer without batch normalisation)."""
    layers, rest = [], list(params)
    while rest:
        W, b, *rest = rest
        normed = bool(batchnorm) and batchnorm[len(layers)]
        gamma, beta = (rest[0], rest[1]) if normed else (None, None)
        rest = rest[2:] if normed else rest
        layers.append((W, b, gamma, beta))
    return layers


class NetworkChecks(BaseChecks):
    """Checks of layers', networks' and training runs' arguments (mixed into :class:`argchecks.Checks`)."""

    def check_alpha(self, alpha, x):
        """PReLU's slope: a float array of ``x``'s dtype, shared (shape () or (1,)) or one per channel (C,)."""
        self.check_floating(alpha, "alpha")
        self.check_same_dtype(x, "x", alpha, "alpha")
        if tuple(alpha.shape) not in ((), (1,), (x.shape[1],)):
            raise ValueError(f"alpha has shape {tuple(alpha.shape)}; expected (), (1,) or ({x.shape[1]},) for x of "
                             f"shape {tuple(x.shape)}")

    def check_logits(self, x, axis):
        """Softmax's input: a float array of at least one dimension, not empty, without NaN or +inf; ``axis`` in
        range."""
        self.check_floating(x, "x")
        self.check_min_ndim(x, 1, "x")
        self.check_axis(axis, len(x.shape))
        self.check_nonempty(x, "x")
        self.check_below_inf(x, "x")

    def check_input(self, x, *, batch=1):
        """``x``: a float (N, D) array without NaN and with at least ``batch`` rows."""
        self.check_floating(x, "x")
        self.check_ndim(x, 2, "x")
        self.check_no_nan(x, "x")
        if x.shape[0] < batch:
            raise ValueError(f"x has {x.shape[0]} rows; training statistics need at least {batch}")

    def check_operand(self, v, name, x, shape):
        """``v``: a float array of ``x``'s dtype and ``shape`` without NaN (a bias, a scale, a statistic, a
        target)."""
        self.check_floating(v, name)
        self.check_same_dtype(x, "x", v, name)
        self.check_shape(v, shape, name)
        self.check_no_nan(v, name)

    def check_weights(self, W, b, x, width, names=("W", "b"), source="x"):
        """``W`` (width, H) and ``b`` (H,) of ``x``'s dtype: ``source`` (the layer's input) has ``width``
        features."""
        name_w, name_b = names
        self.check_floating(W, name_w)
        self.check_same_dtype(x, "x", W, name_w)
        self.check_ndim(W, 2, name_w)
        if W.shape[0] != width:
            raise ValueError(f"{name_w} has {W.shape[0]} rows but {source} has {width} features; {name_w} is "
                             "(in, out)")
        self.check_no_nan(W, name_w)
        self.check_operand(b, name_b, x, (W.shape[1],))

    def check_batchnorm(self, x, gamma, beta, eps, *, batch=1):
        """``x`` with ``batch`` rows, ``gamma`` and ``beta`` (D,), ``eps`` positive and finite (torch raises for a
        negative one in training mode only; NumPy and Keras would return NaN)."""
        self.check_input(x, batch=batch)
        self.check_number(eps, "eps", positive=True)
        self.check_operand(gamma, "gamma", x, (x.shape[1],))
        self.check_operand(beta, "beta", x, (x.shape[1],))

    def check_running_stats(self, x, running_mean, running_var, *, nonnegative=False):
        """``running_mean`` and ``running_var`` (D,) of ``x``'s dtype; with ``nonnegative``, no negative
        variance."""
        self.check_operand(running_mean, "running_mean", x, (x.shape[1],))
        self.check_operand(running_var, "running_var", x, (x.shape[1],))
        readable = nonnegative and self.readable(running_var) and self.numel(running_var)
        if readable and self.extrema(running_var)[0] < 0:
            raise ValueError("running_var has negative entries")

    def check_residual(self, x, W1, b1, W2, b2):
        """A residual block's input and two dense layers, D -> H -> D."""
        self.check_input(x)
        self.check_weights(W1, b1, x, x.shape[1], names=("W1", "b1"))
        self.check_weights(W2, b2, x, W1.shape[1], names=("W2", "b2"), source="the hidden layer")
        if W2.shape[1] != x.shape[1]:
            raise ValueError(f"W2 has {W2.shape[1]} columns; the residual sum needs x's {x.shape[1]}")

    def check_mlp(self, x, params, activations, negative_slope=None, *, batchnorm=(), eps=None):
        """``x`` (N, D); ``params`` W1, b1, ... chained by shape, with gamma_i, beta_i (H_i,) after the layers
        ``batchnorm`` marks (one bool per layer, or () for none; then N >= 2 and ``eps`` positive); one of
        MLP_ACTIVATIONS per layer (a tuple or list: a bare string is a TypeError); ``negative_slope`` (None: not
        checked) a finite real number."""
        self.check_input(x)
        if not isinstance(activations, (tuple, list)):
            raise TypeError(f"activations must be a tuple of names, got {type(activations).__name__}")
        if not activations:
            raise ValueError("activations must name at least one layer, got ()")
        self.check_number(negative_slope, "negative_slope", optional=True)
        for name in activations:
            self.check_choice(name, MLP_ACTIVATIONS, "activations")
        self._check_batchnorm_layers(x, activations, batchnorm, eps)
        names = mlp_names(len(activations), batchnorm)
        if len(params) != len(names):
            raise ValueError(f"activations names {len(activations)} layers but params hold {len(params)} arrays "
                             f"({', '.join(names)})")
        width = x.shape[1]
        for i, (W, b, gamma, beta) in enumerate(mlp_layers(params, batchnorm), start=1):
            source = "x" if i == 1 else f"layer {i}'s input"
            self.check_weights(W, b, x, width, names=(f"W{i}", f"b{i}"), source=source)
            width = W.shape[1]
            if gamma is not None:
                self.check_operand(gamma, f"gamma{i}", x, (width,))
                self.check_operand(beta, f"beta{i}", x, (width,))

    def _check_batchnorm_layers(self, x, activations, batchnorm, eps):
        if not isinstance(batchnorm, (tuple, list)) or not all(isinstance(flag, bool) for flag in batchnorm):
            raise TypeError(f"batchnorm must be a tuple of bools (one per layer), got {batchnorm!r}")
        if batchnorm and len(batchnorm) != len(activations):
            raise ValueError(f"batchnorm has {len(batchnorm)} entries for {len(activations)} layers")
        if any(batchnorm):
            if x.shape[0] < 2:
                raise ValueError(f"x has {x.shape[0]} rows; batch normalisation in training mode needs at least 2")
            self.check_number(eps, "eps", positive=True)

    def check_network(self, x, params, activations, *, batchnorm=False, residual=False, eps=None):
        """An MLP's checks, one of DEEP_ACTIVATIONS per layer, a batch of at least two rows and a positive finite
        ``eps`` for batch statistics, and square weights for residual connections."""
        self.check_mlp(x, params, activations)
        for name in activations:
            self.check_choice(name, DEEP_ACTIVATIONS, "activations")
        if batchnorm and x.shape[0] < 2:
            raise ValueError(f"x has {x.shape[0]} rows; batch normalisation in training mode needs at least 2")
        if batchnorm:
            self.check_number(eps, "eps", positive=True)
        for i, W in enumerate(params[::2], start=1):
            if residual and W.shape[0] != W.shape[1]:
                raise ValueError(f"W{i} is {tuple(W.shape)}; a residual connection needs square weights")

    def check_training(self, x, y, batch_size, epochs):
        """``x`` (M, D) and ``y`` (M, K) float; ``batch_size`` divides M; ``epochs`` >= 1 (ints)."""
        self.check_floating(x, "x")
        self.check_ndim(x, 2, "x")
        self.check_floating(y, "y")
        self.check_ndim(y, 2, "y")
        self.check_shape(y, (x.shape[0], y.shape[1]), "y", what="expected one target row per row of x:")
        self.check_number(batch_size, "batch_size", low=1, integer=True)
        self.check_number(epochs, "epochs", low=1, integer=True)
        if x.shape[0] % batch_size:
            raise ValueError(f"batch_size {batch_size} must divide the {x.shape[0]} samples (no partial batch)")

    def check_perceptron(self, x, y, w, b, lr, epochs):
        """x (N, D), N >= 1; y (N,), w (D,), b () of x's dtype; no NaN; labels 0 or 1; ``lr`` > 0; ``epochs``
        >= 1."""
        self.check_floating(x, "x")
        self.check_ndim(x, 2, "x")
        if x.shape[0] == 0:
            raise ValueError("x must hold at least one sample, got shape (0, ...)")
        self.check_no_nan(x, "x")
        for value, name, shape in ((y, "y", x.shape[:1]), (w, "w", x.shape[1:]), (b, "b", ())):
            self.check_operand(value, name, x, shape)
        if not self.is_binary(y):
            raise ValueError("y must hold labels 0 or 1")
        self.check_number(lr, "lr", positive=True)
        self.check_number(epochs, "epochs", low=1, integer=True)
