"""Every case row of every family. Families register by listing their rows here: single-call cases in
ALL_CASES (parity_tests.runner), update rules in ALL_RULES (parity_tests.trajectory), initialisers in
ALL_INITS (parity_tests.distribution), training runs in ALL_TRAININGS (parity_tests.training); ALL_ROWS is all
of them."""
from . import (activations, clipping, gradcheck, gradient_flow, initializers, layers, losses_classification, losses_ctc,
               losses_probabilistic, losses_regression, losses_similarity, models, optimizers_adam,
               optimizers_adaptive, optimizers_large_batch, optimizers_sgd, perceptron, schedules, training)

__all__ = ["ALL_CASES", "ALL_RULES", "ALL_INITS", "ALL_TRAININGS", "ALL_ROWS"]

ALL_CASES = (activations.CASES + losses_regression.CASES + losses_classification.CASES + losses_probabilistic.CASES
             + losses_similarity.CASES + losses_ctc.CASES + schedules.CASES + clipping.CASES + perceptron.CASES
             + layers.CASES + models.CASES + gradient_flow.CASES + gradcheck.CASES)

ALL_RULES = (optimizers_sgd.RULES + optimizers_adam.RULES + optimizers_adaptive.RULES
             + optimizers_large_batch.RULES)

ALL_INITS = initializers.INITS

ALL_TRAININGS = training.TRAININGS

ALL_ROWS = ALL_CASES + ALL_RULES + ALL_INITS + ALL_TRAININGS
