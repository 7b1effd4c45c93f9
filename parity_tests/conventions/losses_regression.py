"""Regression-loss conventions: torch.nn.functional vs keras.losses."""
from . import register
from .losses_common import keras_loss_sources, loss_pair, torch_loss_sources

_MSE = ("torch.nn.functional.mse_loss", "torch.nn.MSELoss")
_MAE = ("torch.nn.functional.l1_loss", "torch.nn.L1Loss")
_HUBER = ("torch.nn.functional.huber_loss", "torch.nn.HuberLoss")
_SMOOTH_L1 = ("torch.nn.functional.smooth_l1_loss", "torch.nn.SmoothL1Loss")

register(
    *loss_pair("mse", "F.mse_loss", "keras.losses.MeanSquaredError",
               sources={"torch": torch_loss_sources(_MSE),
                        "keras": keras_loss_sources("keras.losses.MeanSquaredError")}),
    *loss_pair("mae", "F.l1_loss", "keras.losses.MeanAbsoluteError",
               torch_formula={"grad_at_zero": "zero"}, keras_formula={"grad_at_zero": "zero"},
               notes={"torch": {"grad_at_zero": "l1_loss backward is sgn(p - t): 0 where p == t"},
                      "keras": {"grad_at_zero": "ops.abs(y_true - y_pred): TF's Abs gradient is sign(x), 0 at a tie"}},
               sources={"torch": torch_loss_sources(_MAE),
                        "keras": keras_loss_sources("keras.losses.MeanAbsoluteError")}),
    *loss_pair("huber", "F.huber_loss", "keras.losses.Huber", hyper={"delta": 1.0},
               notes={"torch": {"delta": "F.huber_loss(delta=1.0)"}, "keras": {"delta": "keras.losses.Huber(delta=1.0)"}},
               sources={"torch": torch_loss_sources(_HUBER, "delta"),
                        "keras": keras_loss_sources("keras.losses.Huber", "delta")}),
    *loss_pair("smooth_l1", "F.smooth_l1_loss", "keras.losses.Huber(delta=beta) / beta", hyper={"beta": 1.0},
               notes={"torch": {"beta": "F.smooth_l1_loss(beta=1.0) = huber(delta=beta) / beta"},
                      "keras": {"beta": "no SmoothL1 in Keras: the wrapper divides Huber(delta=beta) by beta"}},
               sources={"torch": torch_loss_sources(_SMOOTH_L1, "beta"),
                        "keras": keras_loss_sources("keras.losses.Huber")}),
    *loss_pair("log_cosh", "e + softplus(-2e) - log 2", "keras.losses.LogCosh",
               sources={"keras": keras_loss_sources("keras.losses.LogCosh")}),
    *loss_pair("quantile", "torch.maximum(q*u, (q-1)*u)", "keras.losses.Loss subclass: ops.maximum",
               hyper={"q": 0.5}, torch_formula={"grad_at_zero": "split"}, keras_formula={"grad_at_zero": "first"},
               notes={"torch": {"q": "neither framework ships a pinball loss; the wrappers default to the median",
                                "grad_at_zero": "torch.maximum shares a tie's gradient equally"},
                      "keras": {"q": "neither framework ships a pinball loss; the wrappers default to the median",
                                "grad_at_zero": "TF's Maximum gradient goes to the first argument on ties (x >= y)"}},
               sources={"keras": keras_loss_sources("keras.losses.Loss")}),
    *loss_pair("weighted_mse", "w * (p - t)**2 reduced by torch_impl.losses_common.reduce",
               "keras.losses.Loss subclass", sources={"keras": keras_loss_sources("keras.losses.Loss")}),
)
