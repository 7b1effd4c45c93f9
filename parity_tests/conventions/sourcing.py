"""Helpers for ``Convention.sources`` (see ``parity_tests.introspect``): one default stated by several APIs."""
from . import Source

__all__ = ["agree"]


def agree(apis, param, index=None, read=None):
    """A ``Source`` per dotted path in ``apis`` (e.g. a torch function and its module): they must all agree."""
    return tuple(Source(api, param, index, read) for api in apis)
