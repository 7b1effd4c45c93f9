"""``Default``: the marker of a hyperparameter the caller did not pass, the one home of its logic for the framework
packages (``torch_impl.DEFAULT`` and ``keras_impl.DEFAULT`` are each an instance of it; the NumPy reference, which
calls no framework, has none)."""
import inspect

__all__ = ["Default", "framework_default"]


class Default:
    """A framework package's ``DEFAULT``, the default value of a wrapper's hyperparameter: the wrapper leaves such
    an argument out of the framework call, so the framework's own default applies -- what a user gets -- and every
    check of that package lets it pass. ``given`` keeps the arguments that were passed. Each package makes its own
    instance: torch's marker means nothing to Keras."""
    __slots__ = ()

    def __repr__(self):
        return "DEFAULT"

    def given(self, **kwargs):
        """The keyword arguments that were passed (not this marker), for the framework call."""
        return {name: value for name, value in kwargs.items() if value is not self}


def framework_default(fn, name):
    """The default of ``fn``'s parameter ``name`` (a class: its constructor's), as installed: for a wrapper that
    needs the value itself (a check of the blank index against the labels, a base learning rate)."""
    return inspect.signature(fn).parameters[name].default
