"""Parity harness: runs reference_numpy, torch_impl and keras_impl on shared inputs and reports gaps.

Modules: ``tolerance`` (the one policy), ``compare`` (metrics), ``inputs`` (seeded regimes),
``conventions`` (what each framework does, as data), ``cases`` (table rows), ``frameworks``
(calling each implementation), ``runner`` (the matrix and statuses), ``gradcheck`` (finite
differences), ``report`` (CSV + metadata), ``cli`` (``python -m parity_tests``).
"""
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TensorFlow's start-up chatter out of reports
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
