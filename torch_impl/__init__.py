"""Idiomatic PyTorch implementations; gradients come from autograd via ``autograd.vjp``.

Public names and signatures mirror ``reference_numpy`` (the NumPy reference additionally takes
keyword switches that select a framework's formula). Never imports the harness or other packages.
"""
