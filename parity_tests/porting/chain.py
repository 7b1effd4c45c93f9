"""A user's two models as one chain of paired layers.

A torch model is walked through ``children()`` (nested ``nn.Sequential``\\ s and Modules whose children run
in order); a Keras model through ``layers`` (``keras.Sequential`` or a single-chain functional ``Model``;
nested models are walked too). A Keras ``Dense(activation=...)`` becomes two elements, the dense layer and
its activation, to pair with a torch ``Linear`` followed by that activation module. Identities (``nn.Identity``,
``keras.layers.Identity``, ``Activation("linear")``) are dropped on both sides. Each remaining element is
bound to the conventions table (``bindings``) and paired by kind, in order.
"""
from dataclasses import dataclass

import keras
from torch import nn

from . import bindings_layers  # noqa: F401  (registers the layer bindings)
from .bindings import Binding, binding_for

__all__ = ["Element", "Pair", "torch_elements", "keras_elements", "pair_up"]


@dataclass(frozen=True)
class Element:
    """One layer of one framework: ``call`` runs it, ``source`` holds its conventions (the module, the layer,
    or a Keras activation function), ``binding`` maps them, ``name`` is what the user sees."""
    call: object
    source: object
    binding: Binding
    name: str

    @property
    def kind(self):
        return self.binding.kind

    def values(self):
        return self.binding.values(self.source)


@dataclass(frozen=True)
class Pair:
    index: int
    torch: Element
    keras: Element

    @property
    def kind(self):
        return self.torch.kind

    @property
    def label(self):
        return f"{self.index}: {self.torch.name} ~ {self.keras.name}"


def _bound(obj, source, name, argument, path):
    b = binding_for(source)
    if b is None:
        raise NotImplementedError(f"{argument}: layer {path} ({type(source).__name__}) is not supported; supported "
                                  "layers: Linear/Dense, BatchNorm1d/BatchNormalization, the suite's activations, "
                                  "Dropout, Flatten, Identity")
    reason = b.unsupported(source) if b.unsupported else ""
    if reason:
        raise NotImplementedError(f"{argument}: layer {path} ({type(source).__name__}): {reason}")
    return Element(obj, source, b, name)


def torch_elements(model, path=""):
    """The bound leaf modules of ``model`` in order (identities dropped)."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"torch_model must be a torch.nn.Module, got {type(model).__name__}")
    children = list(model.named_children())
    if not children or binding_for(model) is not None:
        element = _bound(model, model, type(model).__name__, "torch_model", path or "0")
        return [] if element.kind == "identity" else [element]
    return [e for name, child in children for e in torch_elements(child, f"{path}.{name}" if path else name)]


def _keras_activation(call, layer, name):
    """An ``Activation`` layer (``call`` is the layer) or a Dense's activation (``call`` is the function)."""
    return _bound(call, layer.activation, name, "keras_model", layer.name)


def _keras_layer(layer):
    if isinstance(layer, keras.layers.Activation):
        return [_keras_activation(layer, layer, layer.name)]
    element = _bound(layer, layer, layer.name, "keras_model", layer.name)
    if element.kind == "dense" and layer.activation is not keras.activations.linear:
        return [element, _keras_activation(layer.activation, layer, f"{layer.name}.activation")]
    return [element]


def keras_elements(model):
    """The bound layers of ``model`` in order, nested models walked, identities dropped."""
    if not isinstance(model, keras.Model):
        raise TypeError(f"keras_model must be a keras.Model (Sequential or functional), got {type(model).__name__}")
    out = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        elements = keras_elements(layer) if isinstance(layer, keras.Model) else _keras_layer(layer)
        out += [e for e in elements if e.kind != "identity"]
    return out


def _listing(elements):
    return ", ".join(f"{e.name} ({e.kind})" for e in elements)


def pair_up(torch_list, keras_list):
    """Pairs in order; a count or kind mismatch is a ValueError naming both layers (or both lists)."""
    if len(torch_list) != len(keras_list):
        raise ValueError(f"torch_model has {len(torch_list)} layers [{_listing(torch_list)}] but keras_model has "
                         f"{len(keras_list)} [{_listing(keras_list)}]; a Keras Dense(activation=...) counts as two")
    pairs = []
    for i, (t, k) in enumerate(zip(torch_list, keras_list)):
        if t.kind != k.kind:
            raise ValueError(f"layer {i}: torch_model's {t.name} ({t.kind}) cannot pair with keras_model's "
                             f"{k.name} ({k.kind})")
        pairs.append(Pair(i, t, k))
    return pairs
