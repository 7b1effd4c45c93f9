"""``DEFAULT`` marks a hyperparameter the caller did not pass: the wrapper leaves it out of the framework call,
so torch's own default applies -- what a user gets. ``given(**kwargs)`` keeps the arguments that were passed;
``framework_default(fn, name)`` reads a default from torch's signature when a wrapper needs the value itself."""
import inspect

__all__ = ["DEFAULT", "given", "framework_default"]


class _Default:
    __slots__ = ()

    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()


def given(**kwargs):
    """The keyword arguments that were passed (not ``DEFAULT``), for the framework call."""
    return {name: value for name, value in kwargs.items() if value is not DEFAULT}


def framework_default(fn, name):
    """The default of ``fn``'s parameter ``name`` (a class: its constructor's), as installed."""
    return inspect.signature(fn).parameters[name].default
