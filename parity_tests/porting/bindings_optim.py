"""Optimizer and LR-schedule bindings: ``torch.optim.*`` instances (hyperparameters read from
``param_groups[0]``) and ``keras.optimizers.*``; ``torch.optim.lr_scheduler.*`` instances and
``keras.optimizers.schedules.*``. Keys are the NumPy reference's (``lr``, ``beta1``, ``eps``, ...).

One kind per optimizer class pair (``sgd`` covers the concepts sgd / momentum / nesterov, chosen from the
object's values by ``Switched``); schedules pair by the formula they evaluate (``exponential_staircase`` is
``StepLR`` ~ ``ExponentialDecay(staircase=True)``, exact at the boundary, unlike ``PiecewiseConstantDecay``).
``extra`` holds what a translation needs beyond per-argument conversion: ``common(values)`` (a form compared
across frameworks when it spans several keys), ``build(common)`` (constructor keywords), ``optimizer_keys``
(a torch scheduler's keys that live on its optimizer) and ``usage`` (one line for the user).
"""
import numpy as np

from .bindings import Arg, Binding, register
from .bindings_losses import Switched

__all__ = ["OPTIMIZERS", "SCHEDULES", "keras_float"]


def keras_float(value):
    """A Keras hyperparameter held in a float32 Variable, as the shortest decimal that round-trips in float32
    (``learning_rate=1e-3`` reads back 0.0010000000474974513; this gives 0.001)."""
    return float(str(np.float32(float(value))))


def _group(name, index=None):
    """Read ``param_groups[0][name]`` (an element of it, for ``betas``)."""
    def read(opt):
        value = opt.param_groups[0][name]
        return float(value[index]) if index is not None else value
    return read


def _t(key, name=None):
    return Arg(key, name or key, read=_group(name or key))


_T_LR = _t("lr")
_T_BETAS = (Arg("beta1", "betas[0]", read=_group("betas", 0)), Arg("beta2", "betas[1]", read=_group("betas", 1)))
_T_WD = _t("weight_decay")
_K_LR = Arg("lr", "learning_rate", read=lambda o: keras_float(o.learning_rate))
_K_BETAS = (Arg("beta1", "beta_1"), Arg("beta2", "beta_2"))
_K_WD = Arg("weight_decay", "weight_decay", read=lambda o: float(o.weight_decay or 0.0), uncommon=lambda v: v or None)
_K_EPS = Arg("eps", "epsilon")


def _torch_unsupported(opt):
    group = opt.param_groups[0]
    bad = [k for k in ("maximize", "differentiable") if group.get(k)]
    if len(opt.param_groups) > 1:
        return "several param_groups: only the first one's hyperparameters are read"
    return f"{', '.join(bad)}=True is not modelled" if bad else ""


def _keras_unsupported(opt):
    if not hasattr(opt, "_learning_rate") or not hasattr(opt.learning_rate, "dtype"):
        return "learning_rate is a LearningRateSchedule: translate the schedule on its own"
    bad = [k for k in ("clipnorm", "clipvalue", "global_clipnorm") if getattr(opt, k, None)]
    bad += ["use_ema"] if getattr(opt, "use_ema", False) else []
    bad += ["gradient_accumulation_steps"] if getattr(opt, "gradient_accumulation_steps", None) else []
    return f"{', '.join(bad)} is not modelled (torch optimizers have no such argument)" if bad else ""


def _sgd_concept(values):
    return "sgd" if not values("momentum") else ("nesterov" if values("nesterov") else "momentum")


def _rmsprop_concept(values):
    return ("rmsprop_centered" if values("centered") else
            "rmsprop_momentum" if values("momentum") else "rmsprop")


def _adam_concept(values):
    return "amsgrad" if values("amsgrad") else "adam"


def _concept(choose, reader):
    return lambda obj: choose(lambda name: reader(obj, name))


def _torch_value(opt, name):
    return opt.param_groups[0][name]


def _keras_value(opt, name):
    return getattr(opt, name)


_SWITCHES = {"sgd": _sgd_concept, "rmsprop": _rmsprop_concept, "adam": _adam_concept}


def _torch_opt(cls, kind, concepts, args, **extra):
    switch = _SWITCHES.get(kind)
    factory = Switched if switch and len(concepts) > 1 else Binding
    more = {"concept": _concept(switch, _torch_value)} if factory is Switched else {}
    return factory("torch", f"torch.optim.{cls}", kind, concepts, args=args, code_name=f"torch.optim.{cls}",
                   positional=lambda opt: "model.parameters()", unsupported=_torch_unsupported,
                   extra={"family": "optimizer", **more, **extra})


def _keras_opt(cls, kind, concepts, args, **extra):
    switch = _SWITCHES.get(kind)
    factory = Switched if switch and len(concepts) > 1 else Binding
    more = {"concept": _concept(switch, _keras_value)} if factory is Switched else {}
    return factory("keras", f"keras.optimizers.{cls}", kind, concepts, args=args,
                   code_name=f"keras.optimizers.{cls}", unsupported=_keras_unsupported,
                   extra={"family": "optimizer", **more, **extra})


def _nadam_unsupported(opt):
    return "decoupled_weight_decay=True is not modelled" if opt.param_groups[0].get("decoupled_weight_decay") else \
        _torch_unsupported(opt)


def _adam_unsupported(opt):
    if opt.param_groups[0].get("decoupled_weight_decay"):
        return "decoupled_weight_decay=True is torch.optim.AdamW: translate an AdamW"
    return _torch_unsupported(opt)


_SGD = ("sgd", "momentum", "nesterov")
_RMS = ("rmsprop", "rmsprop_momentum", "rmsprop_centered")
_ADAM = ("adam", "amsgrad")
_COUPLED = ("torch's weight_decay is L2 added to the gradient (coupled); Keras's weight_decay is decoupled "
            "(p -= lr * wd * p): no Keras built-in is torch's coupled form")

OPTIMIZERS = (
    _torch_opt("SGD", "sgd", _SGD, (_T_LR, _t("momentum"), _t("dampening"), _t("nesterov"), _T_WD)),
    _torch_opt("Adam", "adam", _ADAM, (_T_LR, *_T_BETAS, _t("eps"), _T_WD, _t("amsgrad")), coupled=_COUPLED),
    _torch_opt("AdamW", "adamw", ("adamw",), (_T_LR, *_T_BETAS, _t("eps"), _T_WD, _t("amsgrad"))),
    _torch_opt("NAdam", "nadam", ("nadam",), (_T_LR, *_T_BETAS, _t("eps"), _T_WD, _t("momentum_decay")),
               coupled=_COUPLED),
    _torch_opt("Adamax", "adamax", ("adamax",), (_T_LR, *_T_BETAS, _t("eps"), _T_WD), coupled=_COUPLED),
    _torch_opt("RMSprop", "rmsprop", _RMS, (_T_LR, _t("rho", "alpha"), _t("eps"), _t("momentum"), _t("centered"),
                                            _T_WD), coupled=_COUPLED),
    _torch_opt("Adagrad", "adagrad", ("adagrad",), (_T_LR, _t("lr_decay"), _T_WD, _t("initial_accumulator_value"),
                                                    _t("eps")), coupled=_COUPLED),
    _torch_opt("Adadelta", "adadelta", ("adadelta",), (_T_LR, _t("rho"), _t("eps"), _T_WD), coupled=_COUPLED),
    _keras_opt("SGD", "sgd", _SGD, (_K_LR, Arg("momentum", "momentum"), Arg("nesterov", "nesterov"), _K_WD)),
    _keras_opt("Adam", "adam", _ADAM, (_K_LR, *_K_BETAS, _K_EPS, _K_WD, Arg("amsgrad", "amsgrad"))),
    _keras_opt("AdamW", "adamw", ("adamw",), (_K_LR, *_K_BETAS, _K_EPS,
                                              Arg("weight_decay", "weight_decay", read=lambda o: float(o.weight_decay)),
                                              Arg("amsgrad", "amsgrad"))),
    _keras_opt("Nadam", "nadam", ("nadam",), (_K_LR, *_K_BETAS, _K_EPS, _K_WD)),
    _keras_opt("Adamax", "adamax", ("adamax",), (_K_LR, *_K_BETAS, _K_EPS, _K_WD)),
    _keras_opt("RMSprop", "rmsprop", _RMS, (_K_LR, Arg("rho", "rho"), _K_EPS, Arg("momentum", "momentum"),
                                            Arg("centered", "centered"), _K_WD)),
    _keras_opt("Adagrad", "adagrad", ("adagrad",), (_K_LR, _K_WD, Arg("initial_accumulator_value",
                                                                      "initial_accumulator_value"), _K_EPS)),
    _keras_opt("Adadelta", "adadelta", ("adadelta",), (_K_LR, Arg("rho", "rho"), _K_EPS, _K_WD)),
)
OPTIMIZERS = tuple(b if b.cls != "torch.optim.Adam" else
                   Switched(**{**vars(b), "unsupported": _adam_unsupported}) for b in OPTIMIZERS)
OPTIMIZERS = tuple(b if b.cls != "torch.optim.NAdam" else
                   Binding(**{**vars(b), "unsupported": _nadam_unsupported}) for b in OPTIMIZERS)


# LR schedules ------------------------------------------------------------------------------------------------
def _base_lr(sched):
    return float(sched.base_lrs[0])


def _cfg(name, convert=float):
    return lambda s: convert(s.get_config()[name])


_S_LR = Arg("lr", "lr", read=_base_lr)
_K_INITIAL = Arg("lr", "initial_learning_rate", read=_cfg("initial_learning_rate", keras_float))


def _alpha_min_lr(s):
    config = s.get_config()
    return keras_float(config["alpha"]) * keras_float(config["initial_learning_rate"])


def _per_step(values):
    """Continuous exponential decay as one factor per step: r ** (1 / d), d = 1."""
    if values.get("staircase"):
        return values
    return {**values, "decay_rate": values["decay_rate"] ** (1.0 / values["decay_steps"]), "decay_steps": 1}


def _keras_cosine_unsupported(s):
    return "warmup_steps > 0 (warmup_cosine) is not modelled" if s.get_config().get("warmup_steps") else ""


def _alpha(v):
    return v["min_lr"] / v["lr"]


def _torch_sched(cls, kind, concept, args, build, **extra):
    return Binding("torch", f"torch.optim.lr_scheduler.{cls}", kind, (concept,), args=(_S_LR,) + args,
                   code_name=f"torch.optim.lr_scheduler.{cls}", positional=lambda s: "optimizer",
                   extra={"family": "schedule", "build": build, "optimizer_keys": ("lr",), **extra})


def _keras_sched(cls, kind, concept, args, build, **extra):
    factory = Switched if "concept" in extra else Binding
    return factory("keras", f"keras.optimizers.schedules.{cls}", kind, (concept,), args=(_K_INITIAL,) + args,
                   code_name=f"keras.optimizers.schedules.{cls}", unsupported=extra.pop("unsupported", None),
                   extra={"family": "schedule", "build": build, **extra})


_STAIRCASE = "staircase: torch.optim.lr_scheduler.StepLR(step_size=d, gamma=r) (the boundary step already decayed)"


class _ExponentialDecay(Switched):
    """``ExponentialDecay``: kind ``exponential_staircase`` (StepLR) with ``staircase=True``, else
    ``exponential_decay`` (ExponentialLR); the concept is exponential_decay either way."""

    def specialize(self, obj):
        kind = "exponential_staircase" if obj.get_config()["staircase"] else "exponential_decay"
        return Binding(**{**{k: getattr(self, k) for k in ("framework", "cls", "concepts", "args", "params",
                                                           "positional", "unsupported", "code_name", "extra")},
                          "kind": kind})


SCHEDULES = (
    _torch_sched("ExponentialLR", "exponential_decay", "exponential_decay", (Arg("decay_rate", "gamma"),),
                 lambda v: {"gamma": v["decay_rate"]}),
    _torch_sched("StepLR", "exponential_staircase", "exponential_decay",
                 (Arg("decay_rate", "gamma"), Arg("decay_steps", "step_size"),
                  Arg("staircase", "staircase", read=lambda s: True)),
                 lambda v: {"step_size": int(v["decay_steps"]), "gamma": v["decay_rate"]}),
    _torch_sched("CosineAnnealingLR", "cosine_annealing", "cosine_annealing",
                 (Arg("decay_steps", "T_max"), Arg("min_lr", "eta_min")),
                 lambda v: {"T_max": int(v["decay_steps"]), "eta_min": v["min_lr"]}),
    _torch_sched("CosineAnnealingWarmRestarts", "cosine_warm_restarts", "cosine_warm_restarts",
                 (Arg("first_decay_steps", "T_0"), Arg("t_mult", "T_mult"), Arg("min_lr", "eta_min")),
                 lambda v: {"T_0": int(v["first_decay_steps"]), "T_mult": _integer(v["t_mult"], "t_mult"),
                            "eta_min": v["min_lr"]}),
    _torch_sched("PolynomialLR", "polynomial_decay", "polynomial_decay",
                 (Arg("decay_steps", "total_iters"), Arg("power", "power")),
                 lambda v: {"total_iters": int(v["decay_steps"]), "power": v["power"]}),
    _ExponentialDecay("keras", "keras.optimizers.schedules.ExponentialDecay", "exponential_decay",
                      ("exponential_decay",), code_name="keras.optimizers.schedules.ExponentialDecay",
                      args=(_K_INITIAL, Arg("decay_rate", "decay_rate", read=_cfg("decay_rate")),
                            Arg("decay_steps", "decay_steps", read=_cfg("decay_steps")),
                            Arg("staircase", "staircase", read=_cfg("staircase", bool))),
                      extra={"family": "schedule", "common": _per_step, "kinds": ("exponential_staircase",),
                             "build": lambda v: {"initial_learning_rate": v["lr"], "decay_steps": v["decay_steps"],
                                                 "decay_rate": v["decay_rate"], "staircase": bool(v["staircase"])},
                             "usage": _STAIRCASE}),
    _keras_sched("CosineDecay", "cosine_annealing", "cosine_annealing",
                 (Arg("decay_steps", "decay_steps", read=_cfg("decay_steps", int)),
                  Arg("min_lr", "alpha", read=_alpha_min_lr)),
                 lambda v: {"initial_learning_rate": v["lr"], "decay_steps": int(v["decay_steps"]), "alpha": _alpha(v)},
                 unsupported=_keras_cosine_unsupported),
    _keras_sched("CosineDecayRestarts", "cosine_warm_restarts", "cosine_warm_restarts",
                 (Arg("first_decay_steps", "first_decay_steps", read=_cfg("first_decay_steps", int)),
                  Arg("t_mult", "t_mul", read=_cfg("t_mul")), Arg("m_mul", "m_mul", read=_cfg("m_mul")),
                  Arg("min_lr", "alpha", read=_alpha_min_lr)),
                 lambda v: {"initial_learning_rate": v["lr"], "first_decay_steps": int(v["first_decay_steps"]),
                            "t_mul": float(v["t_mult"]), "m_mul": float(v["m_mul"]), "alpha": _alpha(v)}),
    _keras_sched("PolynomialDecay", "polynomial_decay", "polynomial_decay",
                 (Arg("decay_steps", "decay_steps", read=_cfg("decay_steps", int)),
                  Arg("end_lr", "end_learning_rate", read=_cfg("end_learning_rate", keras_float)),
                  Arg("power", "power", read=_cfg("power")), Arg("cycle", "cycle", read=_cfg("cycle", bool))),
                 lambda v: {"initial_learning_rate": v["lr"], "decay_steps": int(v["decay_steps"]),
                            "end_learning_rate": v["end_lr"], "power": v["power"], "cycle": bool(v["cycle"])}),
)


def _integer(value, name):
    if int(value) != value:
        raise ValueError(f"{name}={value!r}: torch's CosineAnnealingWarmRestarts takes an integer T_mult")
    return int(value)


register(*OPTIMIZERS, *SCHEDULES)
