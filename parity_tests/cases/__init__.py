"""Every case row of every family. Families register by listing their rows here."""
from . import activations, losses_regression

__all__ = ["ALL_CASES"]

ALL_CASES = activations.CASES + losses_regression.CASES
