"""Regression-loss conventions: torch.nn.functional vs keras.losses."""
from . import register
from .losses_common import loss_pair

register(
    *loss_pair("mse", "F.mse_loss", "keras.losses.MeanSquaredError"),
    *loss_pair("mae", "F.l1_loss", "keras.losses.MeanAbsoluteError"),
    *loss_pair("huber", "F.huber_loss", "keras.losses.Huber", hyper={"delta": 1.0},
               notes={"torch": {"delta": "F.huber_loss(delta=1.0)"}, "keras": {"delta": "keras.losses.Huber(delta=1.0)"}}),
    *loss_pair("smooth_l1", "F.smooth_l1_loss", "keras.losses.Huber(delta=beta) / beta", hyper={"beta": 1.0},
               notes={"torch": {"beta": "F.smooth_l1_loss(beta=1.0) = huber(delta=beta) / beta"},
                      "keras": {"beta": "no SmoothL1 in Keras: the wrapper divides Huber(delta=beta) by beta"}}),
    *loss_pair("log_cosh", "e + softplus(-2e) - log 2", "keras.losses.LogCosh"),
    *loss_pair("quantile", "torch.maximum(q*u, (q-1)*u)", "keras.losses.Loss subclass: ops.maximum",
               hyper={"q": 0.5}, torch_formula={"grad_at_zero": "split"}, keras_formula={"grad_at_zero": "first"},
               notes={"torch": {"q": "neither framework ships a pinball loss; the wrappers default to the median",
                                "grad_at_zero": "torch.maximum shares a tie's gradient equally"},
                      "keras": {"q": "neither framework ships a pinball loss; the wrappers default to the median",
                                "grad_at_zero": "TF's Maximum gradient goes to the first argument on ties (x >= y)"}}),
    *loss_pair("weighted_mse", "w * (p - t)**2 reduced by torch_impl.losses_common.reduce",
               "keras.losses.Loss subclass"),
)
