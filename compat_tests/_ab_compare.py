"""Deep A/B comparison of what real NEST and pynest_jax return: values, types and printing.

``probe(fn)`` runs one call and records its result, or the class of the error it raised
(``("raises", module, name)``), so that one scenario can check many calls in a row.
``assert_same(ref, got)`` compares two results recursively: the same Python types
(tuple vs list vs ndarray, int vs float), equal values (floats exactly unless a
tolerance is given), NodeCollections by their printed form, SynapseCollections by
their contents, DataFrames cell by cell.
"""

from __future__ import annotations

import numpy as np


class Raised(tuple):
    """("raises", module, class name) of an exception."""


def probe(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - the class is what is compared
        return Raised(("raises", type(e).__module__, type(e).__name__))


def _kind(x):
    name = type(x).__name__
    if name in ("NodeCollection", "SynapseCollection", "VerbosityLevel", "DataFrame"):
        return name
    if isinstance(x, Raised):
        return "raised"
    if isinstance(x, np.ndarray):
        return "ndarray"
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, (float, np.floating)):
        return "float"
    return name


def assert_same(ref, got, path="result", rtol=0.0):
    kr, kg = _kind(ref), _kind(got)
    assert kr == kg, f"{path}: NEST gives {kr} {ref!r:.200}, pynest_jax {kg} {got!r:.200}"
    if kr == "raised":
        assert tuple(ref) == tuple(got), f"{path}: NEST raises {ref[1]}.{ref[2]}, " \
                                         f"pynest_jax {got[1]}.{got[2]}"
    elif kr == "NodeCollection":
        assert str(ref) == str(got), f"{path}: NEST {ref}\npynest_jax {got}"
    elif kr == "SynapseCollection":
        assert len(ref) == len(got), f"{path}: {len(ref)} vs {len(got)} connections"
        assert_same(ref.get(), got.get(), path + ".get()", rtol)
    elif kr == "VerbosityLevel":
        assert (ref.name, int(ref)) == (got.name, int(got)), f"{path}: {ref} vs {got}"
    elif kr == "DataFrame":
        assert list(ref.columns) == list(got.columns), f"{path}: columns {list(ref.columns)} " \
                                                       f"vs {list(got.columns)}"
        assert list(ref.index) == list(got.index), f"{path}: index {list(ref.index)} vs " \
                                                   f"{list(got.index)}"
        for c in ref.columns:
            assert_same(list(ref[c]), list(got[c]), f"{path}[{c}]", rtol)
    elif kr == "ndarray":
        assert ref.dtype.kind == got.dtype.kind, f"{path}: dtype {ref.dtype} vs {got.dtype}"
        assert ref.shape == got.shape, f"{path}: shape {ref.shape} vs {got.shape}"
        if ref.dtype.kind == "f":
            np.testing.assert_allclose(got, ref, rtol=rtol, atol=0, err_msg=path)
        else:
            np.testing.assert_array_equal(got, ref, err_msg=path)
    elif kr == "dict":
        assert list(ref) == list(got), f"{path}: keys\n NEST {list(ref)}\n ours {list(got)}"
        for k in ref:
            assert_same(ref[k], got[k], f"{path}[{k!r}]", rtol)
    elif kr in ("list", "tuple"):
        assert len(ref) == len(got), f"{path}: length {len(ref)} vs {len(got)}"
        for i, (a, b) in enumerate(zip(ref, got)):
            assert_same(a, b, f"{path}[{i}]", rtol)
    elif kr == "float":
        if np.isnan(ref):
            assert np.isnan(got), f"{path}: {ref} vs {got}"
        elif rtol:
            np.testing.assert_allclose(got, ref, rtol=rtol, atol=0, err_msg=path)
        else:
            assert ref == got, f"{path}: NEST {ref!r}, pynest_jax {got!r}"
    else:
        assert ref == got, f"{path}: NEST {ref!r}, pynest_jax {got!r}"


def assert_same_probes(ref: dict, got: dict, rtol=0.0):
    """Two {label: probe result} dicts, compared label by label (the first difference fails)."""
    assert list(ref) == list(got)
    for label in ref:
        assert_same(ref[label], got[label], label, rtol)


def assert_traces_close(ref, got, keys, rtol, floor):
    """Multimeter events of both sides, in (time, sender) order, each recordable within
    ``rtol`` relative to max(|value|, floor x the trace's largest |value|)."""
    oa = np.lexsort((np.asarray(ref["senders"]), np.asarray(ref["times"])))
    ob = np.lexsort((np.asarray(got["senders"]), np.asarray(got["times"])))
    for k in keys:
        x, y = np.asarray(ref[k])[oa], np.asarray(got[k])[ob]
        assert x.shape == y.shape, k
        scale = np.maximum(np.abs(x), floor * np.max(np.abs(x)))
        err = np.max(np.abs(x - y) / np.where(scale > 0, scale, 1.0))
        assert err <= rtol, f"{k}: {err:.3g}"
