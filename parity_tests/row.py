"""What every case row has, whatever it runs: ``Row``. Each kind of row is a subclass adding its own fields and its
``quantities``: ``case.Case`` (a single call), ``trajectory.Rule`` (an update rule's trajectory),
``distribution.Init`` (an initialiser's distribution), ``training.Training`` (a training run).

A row is built with its family, concept and three implementations by position, its own required fields after them,
and every field with a default by keyword (hence the ``KW_ONLY`` markers: a subclass restating ``regimes``'s default
keeps it a keyword).
"""
from dataclasses import KW_ONLY, dataclass, field
from typing import Callable

__all__ = ["Row"]


@dataclass(frozen=True)
class Row:
    """A case row: the concept of a family, its three implementations (by object), the hyperparameters every
    variant gets (``required``: they define the concept), the aligned hyperparameter sets (each passed equally to
    every implementation), the regimes it runs in, and any tolerance overrides (``tolerance.Override``) or skips
    (``case.Skip``), each with its reason."""
    family: str
    concept: str
    numpy: Callable
    torch: Callable
    keras: Callable
    _: KW_ONLY
    required: dict = field(default_factory=dict)
    aligned: tuple = ({},)
    regimes: tuple = ()
    overrides: tuple = ()
    skips: tuple = ()

    @property
    def all_regimes(self):
        """Every regime a run of the row is made in."""
        return self.regimes

    @property
    def quantities(self):
        """The names of the compared quantities (the subclass's)."""
        raise NotImplementedError(f"{type(self).__name__} names no quantities")
