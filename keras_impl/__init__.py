"""Idiomatic Keras 3 implementations on the TensorFlow backend; gradients from ``tf.GradientTape``.

Public names and signatures mirror ``reference_numpy``. Never imports the harness or other packages.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
