"""``print(result)`` of a model comparison: per layer the worst torch~keras status and its largest gap, then
the first divergence, then the differing conventions with the fix on each side."""
from collections import OrderedDict

__all__ = ["render"]

_ORDER = {"match": 0, "expected": 1, "FAIL": 2, "ERROR": 3}


def _position(item):
    """Layers in model order (their labels start with the index), then the loss, then the input."""
    head = item[0].split(":")[0]
    return (0, int(head)) if head.isdigit() else (1, item[0] != "loss")


def _table(rows):
    per = OrderedDict()
    for r in rows:
        if (r["impl_a"], r["impl_b"]) != ("torch", "keras"):
            continue
        worst = per.setdefault(r["concept"], {"status": "match", "max_abs": 0.0, "where": ""})
        gap = float(r["max_abs"]) if r["max_abs"] != "" else float("inf")
        if _ORDER[r["status"]] > _ORDER[worst["status"]] or (r["status"] == worst["status"] and gap > worst["max_abs"]):
            worst.update(status=r["status"], max_abs=gap, where=f"{r['inputs']} {r['quantity']}")
    lines = [("layer", "worst status", "largest gap", "at")]
    lines += [(name, w["status"], f"{w['max_abs']:.3g}", w["where"]) for name, w in sorted(per.items(), key=_position)]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    return ["  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip() for line in lines]


def render(result):
    out = [f"compare_models: {len(result.layers)} paired layers, {result.steps} training step(s), "
           f"{len(result.rows)} checks (torch~keras, numpy[torch]~torch, numpy[keras]~keras)"]
    out += _table(result.rows)
    out.append(f"first divergence: {result.first_divergence}" if result.first_divergence else
               "first divergence: none (every torch~keras value within tolerance)")
    if result.causes:
        out.append("conventions that differ (* = moves the run beyond tolerance on its own):")
        out += [f"  {'*' if c.matters else ' '} {c}" for c in result.causes]
    else:
        out.append("conventions that differ: none")
    return "\n".join(out)
