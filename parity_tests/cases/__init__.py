"""Every case row of every family. Families register by listing their rows here."""
from . import (activations, losses_classification, losses_ctc, losses_probabilistic, losses_regression,
               losses_similarity)

__all__ = ["ALL_CASES"]

ALL_CASES = (activations.CASES + losses_regression.CASES + losses_classification.CASES + losses_probabilistic.CASES
             + losses_similarity.CASES + losses_ctc.CASES)
