"""The arguments of updates and tools, written once over a package's primitives: :class:`ToolChecks` -- an
update's gradients, clipping, Adam's hyperparameters, an SGD run, the learning-rate schedules, gradcheck and the
initialisers."""
from collections.abc import Mapping

from .base import BaseChecks

__all__ = ["ToolChecks"]


class ToolChecks(BaseChecks):
    """Checks of optimizers', schedules' and tools' arguments (mixed into :class:`argchecks.Checks`)."""

    def gradcheck_dtype(self, name):
        """What :meth:`check_gradcheck` returns for the parameters' dtype ``name``: the key of the package's
        ``STEPS`` and ``TOLERANCES`` (by default the name itself)."""
        return name

    # ------------------------------------------------------------ updates

    def check_grads(self, grads, params):
        """One float gradient per parameter, with its shape and dtype (static checks: traceable)."""
        if not isinstance(grads, (tuple, list)):
            raise TypeError(f"grads must be a tuple or list of arrays, one per parameter, got {type(grads).__name__}")
        if len(grads) != len(params):
            raise ValueError(f"grads has {len(grads)} arrays for {len(params)} parameters")
        for g, p in zip(grads, params):
            self.check_floating(g, "grads")
            self.check_shape(g, p.shape, "grads", what="each must match its parameter's shape")
            self.check_same_dtype(p, "params", g, "grads")

    def check_clipping(self, grads, name, threshold, threshold_name):
        """Gradients to clip: at least one, float arrays of one dtype without NaN; the threshold positive and
        finite."""
        if not grads:
            raise ValueError(f"{name} must hold at least one gradient")
        for g in grads:
            self.check_floating(g, name)
            self.check_no_nan(g, name)
            self.check_same_dtype(grads[0], name, g, name)
        self.check_number(threshold, threshold_name, positive=True)

    def check_adam(self, lr, beta1, beta2, eps, weight_decay):
        """Adam's family: ``lr`` and ``weight_decay`` >= 0, ``beta1`` and ``beta2`` in [0, 1), ``eps`` > 0 (the
        order of ``optimizers_common.check_hyperparameter``'s calls each rule made)."""
        self.check_number(lr, "lr", low=0.0)
        for name, beta in (("beta1", beta1), ("beta2", beta2)):
            self.check_number(beta, name, low=0.0, high=1.0, high_open=True)
        self.check_number(eps, "eps", low=0.0, low_open=True)
        self.check_number(weight_decay, "weight_decay", low=0.0)

    def check_sgd_run(self, steps, learning_rate, max_norm):
        """``steps`` a positive int, ``learning_rate`` and ``max_norm`` (or None) positive and finite."""
        self.check_number(steps, "steps", low=1, integer=True)
        self.check_number(learning_rate, "learning_rate", positive=True)
        self.check_number(max_norm, "max_norm", positive=True, optional=True)

    # ------------------------------------------------------------ learning-rate schedules

    def check_steps(self, steps):
        """Step indices: a non-empty 1-D integer array of non-negative values."""
        self.check_integer(steps, "steps", "step indices")
        self.check_ndim(steps, 1, "steps")
        if self.numel(steps) == 0 or self.extrema(steps)[0] < 0:
            raise ValueError("steps must be a non-empty array of non-negative step indices")

    def check_plateau(self, val_loss, lr, factor, patience, threshold, cooldown, min_lr):
        """ReduceLROnPlateau's inputs: the losses a non-empty 1-D float array without NaN; its numbers."""
        self.check_floating(val_loss, "val_loss")
        self.check_ndim(val_loss, 1, "val_loss")
        self.check_nonempty(val_loss, "val_loss")
        self.check_no_nan(val_loss, "val_loss")
        self.check_number(lr, "lr", positive=True)
        self.check_number(factor, "factor", positive=True, high=1.0, high_open=True)
        self.check_number(patience, "patience", low=0.0, integer=True)
        self.check_number(threshold, "threshold", low=0.0)
        self.check_number(cooldown, "cooldown", low=0.0, integer=True)
        self.check_number(min_lr, "min_lr", low=0.0)

    def check_lr_range(self, x, y, w0, lr_min, lr_max, num_steps, batch_size):
        """The LR range test's: x (N, D), y (N,), w0 (D,) float arrays of one dtype without NaN; 0 < lr_min <
        lr_max; ``num_steps`` a positive int; ``batch_size`` divides N."""
        for a, name in ((x, "x"), (y, "y"), (w0, "w0")):
            self.check_floating(a, name)
            self.check_no_nan(a, name)
        self.check_same_dtype(x, "x", y, "y")
        self.check_same_dtype(x, "x", w0, "w0")
        self.check_ndim(x, 2, "x")
        self.check_shape(y, x.shape[:1], "y", what="expected one target per row of x:")
        self.check_shape(w0, x.shape[1:], "w0", what="expected one weight per column of x:")
        for value, name, low in ((lr_min, "lr_min", 0.0), (lr_max, "lr_max", lr_min), (num_steps, "num_steps", 1)):
            self.check_number(value, name, low=low, low_open=True, integer=name == "num_steps")
        self.check_number(batch_size, "batch_size", positive=True, integer=True, high=x.shape[0])
        if x.shape[0] % batch_size:
            raise ValueError(f"batch_size must divide the {x.shape[0]} rows of x, got {batch_size}")

    # ------------------------------------------------------------ the tools: gradcheck, initialisers

    def check_gradcheck(self, f, params, eps, atol, rtol):
        """``f`` callable; ``eps`` positive, ``atol``, ``rtol`` non-negative (or None); ``params`` a non-empty dict
        of non-empty float32/float64 arrays of one dtype, without NaN. Returns :meth:`gradcheck_dtype` of it."""
        if not callable(f):
            raise TypeError(f"f must be callable, got {type(f).__name__}")
        self.check_number(eps, "eps", positive=True, optional=True)
        self.check_number(atol, "atol", low=0.0, optional=True)
        self.check_number(rtol, "rtol", low=0.0, optional=True)
        if not isinstance(params, Mapping):
            raise TypeError(f"params must be a dict of {self.ARRAYS}, got {type(params).__name__}")
        if not params:
            raise ValueError("params must hold at least one parameter")
        for key, p in params.items():
            self.check_floating(p, f"params[{key!r}]")
            self.check_nonempty(p, f"params[{key!r}]")
            self.check_no_nan(p, f"params[{key!r}]")
        dtypes = {self.dtype_name(p) for p in params.values()}
        if len(dtypes) > 1 or not dtypes <= {"float32", "float64"}:
            raise TypeError(f"params must all be float32 or all float64, got {sorted(dtypes)}")
        return self.gradcheck_dtype(dtypes.pop())

    def check_initializer(self, fan_in, fan_out, seed, dtype, dtypes):
        """Every initialiser's arguments: fans positive ints, ``seed`` a non-negative int or None, ``dtype`` one of
        ``dtypes`` (a string, or the package's ``DEFAULT``)."""
        self.check_number(fan_in, "fan_in", low=1, integer=True)
        self.check_number(fan_out, "fan_out", low=1, integer=True)
        self.check_number(seed, "seed", low=0, integer=True, optional=True)
        if dtype is not self.default and not isinstance(dtype, str):
            raise TypeError(f"dtype must be a string, got {type(dtype).__name__}")
        self.check_choice(dtype, dtypes, "dtype")
