"""The ``translate`` CLI's expression parser: ``Class(literal, key=literal, ...)`` with the class from a whitelist
(the registered bindings' classes) and values read by ``ast.literal_eval`` on the nodes -- never ``eval``."""
import ast

from .bindings import bindings, resolve

__all__ = ["parse", "instantiate"]


def _whitelist():
    """Dotted class paths a CLI expression may name, with their short spellings (``nn.X``, ``torch.optim.X``)."""
    names = {}
    for b in bindings():
        if b.cls.startswith("keras.activations."):
            continue
        names[b.cls] = b.cls
        names[b.name] = b.cls
        if b.cls.startswith("torch.nn."):
            names["nn." + b.cls.rsplit(".", 1)[1]] = b.cls
    return names


def _dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise ValueError(f"not a class name: {ast.dump(node)}")


def parse(expression):
    """(dotted class path, positional literals, keyword literals) of ``Class(arg, key=value, ...)``; ValueError
    for anything else (names outside the whitelist, non-literal values)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"not a constructor call: {exc.msg}") from None
    call = tree.body
    if not isinstance(call, ast.Call):
        raise ValueError("expected Class(key=value, ...)")
    name = _dotted(call.func)
    allowed = _whitelist()
    if name not in allowed:
        raise ValueError(f"{name!r} is not a class translate knows (e.g. torch.optim.Adam, nn.BatchNorm1d, "
                         f"keras.optimizers.Adam)")
    try:
        args = tuple(ast.literal_eval(a) for a in call.args)
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords if k.arg}
    except ValueError:
        raise ValueError("only literal values (numbers, strings, booleans, None, tuples) are accepted") from None
    if any(k.arg is None for k in call.keywords):
        raise ValueError("**kwargs is not accepted")
    return allowed[name], args, kwargs


def instantiate(path, args, kwargs):
    """The object a parsed expression names: a torch optimizer on a dummy parameter, a torch scheduler on a
    dummy SGD (``lr`` keyword: its base LR), anything else called as written."""
    cls = resolve(path)
    if path.startswith("torch.optim.lr_scheduler."):
        import torch
        lr = kwargs.pop("lr", 1e-3)
        return cls(torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=lr), *args, **kwargs)
    if path.startswith("torch.optim."):
        import torch
        return cls([torch.nn.Parameter(torch.zeros(1))], *args, **kwargs)
    obj = cls(*args, **kwargs)
    if path == "keras.layers.BatchNormalization" or path == "keras.layers.Dense":
        obj.build((None, int(kwargs.pop("features", 16))))
    return obj
