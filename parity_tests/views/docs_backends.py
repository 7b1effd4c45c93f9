r"""The README's generated regions about Keras on its other backends (``parity docs``): the backend conventions
(``conventions/keras-backends``) and Keras's cross-backend claim measured (``conventions/keras-backends-claim``: per
family, the largest float32 gap between Keras on TensorFlow and on JAX / torch in the committed reference report,
forward and gradients, with the statuses and the convention keys that explain them). No framework is imported."""
import csv
import os

__all__ = ["REGIONS", "CLAIM_PAIRS", "conventions_region", "claim_region", "claim_rows", "found_region"]

REPORT = os.path.join("reports", "reference", "divergence.csv")
CLAIM_PAIRS = ("keras~keras[jax]", "keras~keras[torch]")
CLAIM = 1e-7  # "numerics identical across backends up to 1e-7 in float32 per function execution" (Keras's docs)


def conventions_region():
    """Where Keras on JAX or torch computes differently from Keras on TensorFlow, one row per key, with the reason."""
    from ..conventions import KERAS_BACKEND_FLOAT64, KERAS_BACKEND_FORMULA, convention
    from ..conventions.keras_backends import ROWS
    from .docs import _code, _table, _value
    wide = [("every concept with the key", b, _code(key), _value("float32"), _value(v), "Python floats convert "
             "straight to the dtype (TensorFlow: a float32 tensor first)") for b, keys in KERAS_BACKEND_FORMULA.items()
            for key, v in keys.items()]
    wide += [("every float64 run", framework, "", "float64", precision, "Keras's result_type maps 64-bit results to "
              "32-bit off TensorFlow: held to that precision's tolerance") for framework, precision in
             KERAS_BACKEND_FLOAT64.items()]
    def keras_value(row):
        keras = convention(row.concept, "keras")
        return _value(keras.formula[row.key] if row.key in keras.formula else keras.defaults[row.key])
    rows = [(r.concept, r.backend, _code(r.key), keras_value(r), _value(r.value), r.reason) for r in ROWS]
    caption = (f"{len(ROWS)} per-concept rows and {len(wide)} backend-wide ones (`parity_tests/conventions/"
               "keras_backends.py`); every other key is Keras's on TensorFlow.\n\n")
    header = ("concept", "backend", "key", "keras (TensorFlow)", "this backend", "why")
    return caption + _table(header, wide + rows) + "\n"


def _number(text):
    try:
        return float(text)
    except ValueError:
        return float("nan")


def claim_rows(path=REPORT):
    """{(family, pair, "forward" | "gradients"): [max_abs, max_rel, rows, over the claim, statuses, cause keys]}
    over the float32 rows of the cross-backend pairs in the report at ``path``."""
    out = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            pair = f"{row['impl_a']}~{row['impl_b']}"
            if pair not in CLAIM_PAIRS or row["dtype"] != "float32":
                continue
            kind = "gradients" if row["quantity"].startswith("grad") else "forward"
            entry = out.setdefault((row["family"], pair, kind), [0.0, 0.0, 0, 0, {}, set()])
            max_abs, max_rel = _number(row["max_abs"]), _number(row["max_rel"])
            entry[0] = max(entry[0], max_abs if max_abs == max_abs else 0.0)  # NaN (no metrics): not a gap
            entry[1] = max(entry[1], max_rel if max_rel == max_rel else 0.0)
            entry[2] += 1
            entry[3] += max_abs > CLAIM
            entry[4][row["status"]] = entry[4].get(row["status"], 0) + 1
            entry[5].update(k for k in row["cause_keys"].split(";") if k)
    return out


def claim_region(path=REPORT):
    """The measured table (float32 rows of the reference report; none yet: a line saying so)."""
    from .docs import _table
    if not os.path.exists(path):
        return "No reference report yet (`make reference`).\n"
    rows = claim_rows(path)
    if not rows:
        return "The reference report has no cross-backend rows yet (`make reference` runs `--keras-backends`).\n"
    body = [(family, pair.split("~")[1], kind, f"{a:.3g}", f"{r:.3g}", f"{over} of {n}",
             ", ".join(f"{k} {v}" for k, v in sorted(statuses.items())), ", ".join(sorted(keys)) or "—")
            for (family, pair, kind), (a, r, n, over, statuses, keys) in sorted(rows.items())]
    header = ("family", "vs keras (TensorFlow)", "quantity", "largest abs gap", "largest rel gap",
              f"rows over {CLAIM:g}", "statuses", "explained by")
    return ("Float32 rows of the reference report (aligned and defaults variants, every regime): Keras on "
            "TensorFlow against Keras on JAX and on torch.\n\n" + _table(header, body) + "\n")


def found_region():
    """The inconsistencies found in Keras itself, each with its minimal reproduction."""
    from ..conventions.keras_backends import FOUND
    return "".join(f"- **{', '.join(f.backends)}**: {f.name}. Reproduce: `{f.reproduction}`\n" for f in FOUND)


REGIONS = {"keras-backends": conventions_region, "keras-backends-claim": claim_region,
           "keras-backends-found": found_region}
