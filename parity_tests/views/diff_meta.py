r"""The metadata-level groups of ``parity diff``: the conventions tables of two ``run_metadata.json`` files
compared value by value, and the library versions (plus the seed) side by side.

A convention is identified by (framework, concept); its ``defaults``, ``formula``, ``param_init``, ``related``
and ``notes`` dicts are compared key by key (values as canonical JSON, so ``1e-07`` and ``"1e-07"`` differ),
other fields (``api``) as a whole under an empty key. A convention present on one side only is one
``convention added``/``convention removed`` line, not one line per key. Nothing here imports a framework."""
import json

import pandas as pd

__all__ = ["LIBRARIES", "METADATA_COLUMNS", "convention_changes", "versions"]

LIBRARIES = ("python", "numpy", "scipy", "torch", "tensorflow", "keras", "keras_backend", "keras_default_floatx",
             "platform")  # the order of the versions table; other keys follow, sorted
METADATA_COLUMNS = ("kind", "framework", "concept", "group", "key", "old", "new", "detail")
IDENTITY = ("framework", "concept", "occurrence")
UNKNOWN = "unknown"


def _canonical(value):
    return json.dumps(value, sort_keys=True, default=str)


def _flatten(conventions):
    r"""One row per (framework, concept, occurrence, group, key) with the value as canonical JSON."""
    rows = []
    seen = {}
    for entry in conventions if isinstance(conventions, list) else []:
        if not isinstance(entry, dict):
            continue
        identity = (str(entry.get("framework", "")), str(entry.get("concept", "")))
        occurrence = seen[identity] = seen.get(identity, -1) + 1
        for group, value in entry.items():
            if group in ("framework", "concept"):
                continue
            items = value.items() if isinstance(value, dict) else [("", value)]
            rows += [{"framework": identity[0], "concept": identity[1], "occurrence": occurrence,
                      "group": group, "key": str(key), "value": _canonical(v)} for key, v in items]
    return pd.DataFrame(rows, columns=[*IDENTITY, "group", "key", "value"])


def _whole(old, new):
    r"""Conventions (framework, concept) present on one side only: ``convention added``/``removed`` rows."""
    ids = old.loc[:, list(IDENTITY)].drop_duplicates().merge(new.loc[:, list(IDENTITY)].drop_duplicates(),
                                                              how="outer", indicator="side")
    ids = ids[ids["side"] != "both"]
    kind = ids["side"].astype(str).map({"left_only": "convention removed", "right_only": "convention added"})
    return ids.assign(kind=kind, group="", key="", old="", new="",
                      detail=kind + ": " + ids["framework"] + " " + ids["concept"])


def _label(row):
    name = f"{row.group}.{row.key}" if row.key else row.group
    return f"{row.framework} {row.concept} {name}"


def _keys(old, new):
    r"""Keys of the conventions on both sides whose values differ, appeared or disappeared."""
    common = old.loc[:, list(IDENTITY)].drop_duplicates().merge(new.loc[:, list(IDENTITY)].drop_duplicates())
    old, new = old.merge(common), new.merge(common)
    merged = old.merge(new, on=[*IDENTITY, "group", "key"], how="outer", suffixes=("_old", "_new"))
    merged = merged[merged["value_old"].fillna("\0") != merged["value_new"].fillna("\0")].copy()
    merged["kind"] = "value changed"
    merged.loc[merged["value_old"].isna(), "kind"] = "key added"
    merged.loc[merged["value_new"].isna(), "kind"] = "key removed"
    merged["old"] = merged["value_old"].fillna("")
    merged["new"] = merged["value_new"].fillna("")
    labels = [_label(r) for r in merged.itertuples()]
    merged["detail"] = [f"{label}: {o or '(absent)'} → {n or '(absent)'}"
                        for label, o, n in zip(labels, merged["old"], merged["new"])]
    return merged


def convention_changes(old_metadata, new_metadata):
    r"""The conventions that differ between two metadata dicts (``METADATA_COLUMNS``); ``None`` when either
    side has no metadata or no ``conventions`` list (nothing to compare)."""
    sides = [m.get("conventions") if isinstance(m, dict) else None for m in (old_metadata, new_metadata)]
    if any(not isinstance(s, list) for s in sides):
        return None
    old, new = (_flatten(s) for s in sides)
    frame = pd.concat([_keys(old, new), _whole(old, new)], ignore_index=True)
    frame = frame.sort_values(["framework", "concept", "occurrence"], kind="stable")
    return frame.loc[:, list(METADATA_COLUMNS)].astype(str).reset_index(drop=True)


def _version_map(metadata):
    if not isinstance(metadata, dict):
        return None
    found = metadata.get("versions")
    mapping = {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}
    if "seed" in metadata:
        mapping["seed"] = str(metadata["seed"])
    return mapping


def versions(old_metadata, new_metadata):
    r"""``library``, ``old``, ``new``, ``differs``: each side's library versions (and seed); ``unknown`` for a
    side without metadata, ``(absent)`` for a library one side does not record. ``differs`` only when both
    sides know their versions."""
    old, new = _version_map(old_metadata), _version_map(new_metadata)
    names = set(old or {}) | set(new or {})
    ordered = [n for n in LIBRARIES if n in names] + sorted(names - set(LIBRARIES) - {"seed"})
    ordered += ["seed"] if "seed" in names else []
    rows = [{"library": name,
             "old": UNKNOWN if old is None else old.get(name, "(absent)"),
             "new": UNKNOWN if new is None else new.get(name, "(absent)")} for name in ordered]
    frame = pd.DataFrame(rows, columns=["library", "old", "new"])
    frame["differs"] = (old is not None) & (new is not None) & (frame["old"] != frame["new"])
    return frame.astype({"differs": bool})
