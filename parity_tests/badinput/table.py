"""The one bad-input table, every family's rows in one tuple, and the rows a run selects."""
from ..conventions import concepts as known_concepts
from ..selection import concepts_by_family
from .activations import ROWS as ACTIVATIONS
from .losses import ROWS as LOSSES
from .optimizers import ROWS as OPTIMIZERS
from .other import ROWS as OTHERS
from .rows import BadInput

__all__ = ["TABLE", "chosen"]

TABLE: tuple[BadInput, ...] = ACTIVATIONS + LOSSES + OPTIMIZERS + OTHERS


def chosen(concepts, table=TABLE):
    """The rows of ``table`` a run of ``concepts`` (the selected concept names) covers: a row of a concept of the
    conventions table when that concept is selected; a row named after a function the conventions table does not
    list (``mlp_forward``, ``batchnorm_forward``, ``train`` ...) when every concept of its family is."""
    wanted, known, by_family = set(concepts), set(known_concepts()), concepts_by_family()
    return tuple(row for row in table if row.concept in wanted
                 or (row.concept not in known and set(by_family.get(row.family, ("",))) <= wanted))
