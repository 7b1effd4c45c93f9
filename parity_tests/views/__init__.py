"""Views for people: ``show`` (a concept side by side in the terminal), ``site`` (``parity html``: a static
report with plots), ``docs`` (README tables generated from the conventions), ``catalog`` (what exists).
Importing this package imports no framework."""
