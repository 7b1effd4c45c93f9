"""Shared by the bad-input tests: each framework's view of a NumPy argument, and the one assertion that
all three implementations reject an input alike."""
import numpy as np
import pytest
import tensorflow as tf
import torch

__all__ = ["CONVERT", "assert_rejected_alike"]

CONVERT = {"numpy": lambda a: a, "torch": lambda a: torch.from_numpy(np.array(a)), "keras": tf.convert_to_tensor}


def assert_rejected_alike(fns, args, kwargs, exc, name):
    """The (numpy, torch, keras) callables ``fns`` each raise ``exc`` with a message naming ``name``."""
    for framework, fn in zip(CONVERT, fns):
        with pytest.raises(exc, match=rf"\b{name}\b"):
            fn(*map(CONVERT[framework], args), **kwargs)
