"""torch's ``DEFAULT``, this package's own ``argchecks.Default`` (the marker's one home): an argument not passed is
left out of the torch call, so torch's own default applies. ``given(**kwargs)`` keeps the arguments that were
passed; ``framework_default(fn, name)`` reads a default from torch's signature."""
from argchecks import Default, framework_default

__all__ = ["DEFAULT", "given", "framework_default"]

DEFAULT = Default()
given = DEFAULT.given
