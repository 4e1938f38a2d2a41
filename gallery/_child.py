"""Child bootstrap: run one gallery script with `nest` bound to an implementation and
capture what every recorder recorded.

    python _child.py --impl {nest,pynest_jax} --script FILE --out FILE.pkl
                     [--repo DIR] [--seed-offset N] [-- SCRIPT_ARGS...]

Where a snapshot would hold nothing (no recorder recorded anything and the script read
nothing back), it holds the kernel's observable state instead: positions, connections and
neuron state, as pseudo-recorders with negative gids (see `_kernel_state.py`).

This file is run as a plain script in a fresh interpreter and imports nothing from the
`gallery` package, so that nothing but the script and the implementation under test is
loaded. It writes one pickle with plain data (see `_write`) that `gallery.run` reads.
"""

import argparse
import functools
import importlib.util
import os
import pickle
import runpy
import signal
import sys
import traceback

import numpy as np

# Status keys that hold what a recorder recorded: `events` for the memory backend, the
# rest for the correlation detectors, which keep their results outside `events`.
RESULT_KEYS = ("events", "histogram", "count_histogram", "covariance", "count_covariance")
# Column names of the ascii backend -> field names of `events` in the memory backend.
ASCII_COLUMNS = {"sender": "senders", "time_ms": "times", "time_step": "times", "time_offset": "offsets"}
SEED_MODULUS = 2**32 - 1  # NEST accepts rng_seed in [1, 2**32 - 1]
# The pseudo-recorder that holds what the script read back from the kernel (gid 0: no node
# has it, so it sorts first). Recorders are not all a script produces: hh_phaseplane
# reads V_m, plot_weight_matrices reads weights, pong reads weights and events.
READS_GID, READS_MODEL = 0, "values read by the script"


class _ScriptTimeout(BaseException):
    """Raised by SIGTERM (the parent's time limit) so that the snapshots still get written."""


def _binding():
    """pynest_jax/_bind.py of this repository, loaded by path, as a module of its own.

    Importing it as `pynest_jax._bind` would load pynest_jax (and jax) into a child that
    may run another implementation; the file imports nothing from the package.
    """
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "pynest_jax", "_bind.py")
    spec = importlib.util.spec_from_file_location("_pynest_jax_bind", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def _kernel_state():
    """gallery/_kernel_state.py, loaded by path as `_binding` loads its file (see there)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_kernel_state.py")
    spec = importlib.util.spec_from_file_location("_gallery_kernel_state", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _bind(impl, repo):
    """Import the implementation and make `import nest` (and `nest.X`) resolve to it."""
    if impl == "nest":
        import nest

        return nest
    sys.path.insert(1, repo)  # after the script's folder, so the script's own helpers win
    return _binding().bind(impl)


def _set_module_attr(module, name, value):
    # NEST's module class forbids setattr (it raises for unknown names); the module's
    # __dict__ is still the namespace scripts read `nest.ResetKernel` from.
    vars(module)[name] = value


def _as_plain(value):
    if isinstance(value, dict):
        return {str(k): np.asarray(v) for k, v in value.items()}
    return np.asarray(value)


def _read_ascii(filenames):
    """Columns of the ascii backend's files, under the names the memory backend uses.

    Each file (one per virtual process) has '#' lines, one line of column names, then
    rows; the files are joined in name order.
    """
    names, rows = None, []
    for filename in sorted(filenames):
        with open(filename) as f:
            lines = [line for line in f if line.strip() and not line.startswith("#")]
        if not lines:
            continue
        names = [ASCII_COLUMNS.get(c, c) for c in lines[0].split()]
        if len(lines) > 1:
            rows.append(np.loadtxt(lines[1:], ndmin=2))
    if names is None:
        return {}
    table = np.concatenate(rows) if rows else np.zeros((0, len(names)))
    data = {name: table[:, i] for i, name in enumerate(names)}
    for name in ("senders", "targets", "receptors", "ports"):
        if name in data:
            data[name] = data[name].astype(np.int64)
    return data


class _Reads:
    """Values the script reads back with GetStatus, `get`, attribute access and GetConnections.

    Reads are kept by what was read (call and key), each kind's values concatenated in
    the order read, so that a loop that reads a data-dependent number of times changes a
    field's length, not the set of fields. Reads that ask for no key (a whole status
    dictionary) are left out: they hold keys the script may never look at. Reads made
    inside another read, by the snapshot itself (`depth`), or by the implementation's own
    code (NEST's NodeCollection reads `local` when it is indexed) are not counted.
    """

    def __init__(self, internal=("nest", "pynest_jax")):
        self.values = {}
        self.depth = 0
        self.internal = frozenset(internal)

    def add(self, call, value):
        for name, array in _flatten(call, value):
            if array.dtype.kind in "biuf":
                array = array.astype(np.float64).ravel()
            elif array.dtype.kind in "US":
                name, array = f"{name} (text)", array.astype(str).ravel()
            else:
                continue
            self.values.setdefault(name, []).append(array)

    def take(self):
        """The pseudo-recorder of the reads since the last take, or None."""
        values, self.values = self.values, {}
        if not values:
            return None
        return {"gid": READS_GID, "model": READS_MODEL, "data": {k: np.concatenate(v) for k, v in values.items()}}

    def wrap(self, call, name, record, convert=lambda result: result):
        """`call` recording convert(result) as `name` when `record(args, kwargs)` gives a label."""

        def wrapper(*args, **kwargs):
            caller = sys._getframe(1).f_globals.get("__name__", "")
            outer = self.depth == 0 and caller.split(".")[0] not in self.internal
            self.depth += 1
            try:
                result = call(*args, **kwargs)
            finally:
                self.depth -= 1
            if outer:
                label = record(args, kwargs)
                if label is not None:
                    try:
                        self.add(f"{name} {label}", convert(result))
                    except Exception:  # noqa: BLE001 -- an odd value must not break the script
                        pass
            return result

        return wrapper


def _flatten(name, value):
    """(field name, array) pairs of a read's result: dictionaries by key, else whole."""
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            yield from _flatten(f"{name}.{key}", value[key])
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, dict) for v in value):
        for item in value:
            yield from _flatten(name, item)
    else:
        yield name, np.asarray(value)


def _keys_label(keys):
    if isinstance(keys, str):
        return keys
    if isinstance(keys, (list, tuple)) and keys and all(isinstance(k, str) for k in keys):
        return ",".join(keys)
    return None


def _install_reads(nest, reads):
    """Wrap the calls by which a script reads values back from the kernel (see `_Reads`)."""

    def get_label(args, kwargs):
        if kwargs or not args:
            return None  # a whole status dictionary, or pandas/json output
        labels = [_keys_label(a) for a in args]
        return None if None in labels else "/".join(labels)

    def attr_label(args, kwargs):
        attr = args[1] if len(args) > 1 else None
        return attr if isinstance(attr, str) and not attr.startswith("_") and attr != "spatial" else None

    def status_label(args, kwargs):
        keys = args[1] if len(args) > 1 else kwargs.get("keys")
        return None if keys is None else _keys_label(keys)

    for cls_name in ("NodeCollection", "SynapseCollection"):
        cls = getattr(nest, cls_name, None)
        if cls is None:
            continue
        prefix = cls_name.replace("Collection", "").lower()
        for method, kind, record in (("get", "get", lambda a, k: get_label(a[1:], k)),
                                     ("__getattr__", "attribute", attr_label)):
            if method in vars(cls):
                setattr(cls, method, reads.wrap(vars(cls)[method], f"{prefix}.{kind}", record))
    if hasattr(nest, "GetStatus"):
        _set_module_attr(nest, "GetStatus", reads.wrap(nest.GetStatus, "GetStatus", status_label))
    if hasattr(nest, "GetConnections"):
        # The number of connections found, not their whole table (which the script may
        # never read, and which is large): what it reads from them is recorded by `get`.
        _set_module_attr(nest, "GetConnections", reads.wrap(nest.GetConnections, "GetConnections",
                                                            lambda a, k: "count", convert=len))


def _snapshot(nest, when, reads=None, layers=None):
    """Global id, model and recorded data of every recorder that exists now.

    Where that holds nothing (no recorder recorded anything and the script read nothing)
    and `layers` is given, the kernel's state instead (`_kernel_state.capture`).
    """
    if reads is not None:
        reads.depth += 1
    try:
        recorders = nest.GetNodes(properties={"element_type": "recorder"})
        ms_per_tic = float(nest.GetKernelStatus("ms_per_tic"))  # tells grid from precise times
        found = []
        for node in recorders:
            status = node.get()
            data = {}
            for key in RESULT_KEYS:
                if key not in status:
                    continue
                value = _as_plain(status[key])
                if isinstance(value, dict):
                    data.update(value)
                else:
                    data[key] = value
            if status.get("record_to") == "ascii":
                data.update(_read_ascii(status.get("filenames", [])))
            found.append({"gid": int(status["global_id"]), "model": str(status["model"]), "data": data,
                          "ms_per_tic": ms_per_tic})
        read = reads.take() if reads is not None else None
        if read is not None:
            found.append(read)
        if layers is not None and not any(np.size(v) for r in found for v in r["data"].values()):
            found.extend(_kernel_state().capture(nest, layers))
        found.sort(key=lambda r: r["gid"])
        return {"when": when, "recorders": found, "error": None}
    except Exception as err:  # noqa: BLE001 -- a failing snapshot is a result, not a crash
        return {"when": when, "recorders": [], "error": _last_line(err)}
    finally:
        if reads is not None:
            reads.depth -= 1


def _last_line(err):
    return traceback.format_exception_only(type(err), err)[-1].strip()


def _install_snapshots(nest, snapshots, after_reset, reads=None, layers=None):
    original = getattr(nest, "ResetKernel", None)
    if original is None:
        return  # the script will fail on its own call, with its own message

    def ResetKernel(*args, **kwargs):
        snapshots.append(_snapshot(nest, f"before ResetKernel #{len(snapshots) + 1}", reads, layers))
        result = original(*args, **kwargs)
        if layers is not None:
            layers.clear()
        after_reset()
        return result

    _set_module_attr(nest, "ResetKernel", ResetKernel)


def _install_seed_offset(nest, offset):
    """Shift every rng_seed the script sets, and the default seed, by `offset`.

    Scripts set the seed as `nest.rng_seed = s`, `nest.set(rng_seed=s)` or
    `nest.SetKernelStatus({'rng_seed': s})`; all three are wrapped. A depth counter keeps
    a wrapper that calls another wrapped entry point from shifting twice. Returns the
    function that re-seeds after ResetKernel (which restores NEST's default seed).
    """
    depth = [0]

    def shift(seed):
        return (int(seed) - 1 + offset) % SEED_MODULUS + 1

    def guarded(call, value_fix):
        def wrapper(*args, **kwargs):
            if depth[0] == 0:
                args, kwargs = value_fix(args, kwargs)
            depth[0] += 1
            try:
                return call(*args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    def fix_dict(args, kwargs):
        if args and isinstance(args[0], dict) and "rng_seed" in args[0]:
            args = (dict(args[0], rng_seed=shift(args[0]["rng_seed"])),) + args[1:]
        return args, kwargs

    def fix_kwargs(args, kwargs):
        if "rng_seed" in kwargs:
            kwargs = dict(kwargs, rng_seed=shift(kwargs["rng_seed"]))
        return args, kwargs

    _set_module_attr(nest, "SetKernelStatus", guarded(nest.SetKernelStatus, fix_dict))
    _set_module_attr(nest, "set", guarded(nest.set, fix_kwargs))

    descriptor = type(nest).__dict__.get("rng_seed")
    if hasattr(descriptor, "__set__"):
        # `nest.rng_seed = s` goes through a descriptor on the module's class.
        class ShiftedSeed:
            def __get__(self, instance, owner=None):
                # On the class, return this wrapper: NEST's module __setattr__ looks the
                # descriptor up with getattr(type(nest), name) and calls its __set__.
                return self if instance is None else descriptor.__get__(instance, owner)

            def __set__(self, instance, value):
                set_shifted(instance, value)

        set_shifted = guarded(descriptor.__set__, lambda a, k: ((a[0], shift(a[1])), k))
        setattr(type(nest), "rng_seed", ShiftedSeed())

    def reseed():
        nest.SetKernelStatus({"rng_seed": nest.GetKernelStatus("rng_seed")})

    reseed()
    return reseed


def _write(path, payload):
    tmp = f"{path}.tmp"
    with open(tmp, "wb") as f:
        pickle.dump(payload, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)


def main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("--impl", required=True)
    parser.add_argument("--script", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--repo", default=os.getcwd())
    parser.add_argument("--seed-offset", type=int, default=0)
    parser.add_argument("script_args", nargs="*")
    opts = parser.parse_args(argv)

    def on_term(signum, frame):
        raise _ScriptTimeout(f"killed by the time limit (signal {signum})")

    signal.signal(signal.SIGTERM, on_term)

    script = os.path.abspath(opts.script)
    # The script sees itself as `python script.py args`: its folder first on sys.path.
    sys.path[0] = os.path.dirname(script)
    sys.argv = [script] + list(opts.script_args)

    snapshots, exception, nest, reads = [], None, None, _Reads(("nest", opts.impl.split(".")[0]))
    layers, timed_out = _kernel_state().Layers(), False
    try:
        nest = _bind(opts.impl, opts.repo)
        reseed = _install_seed_offset(nest, opts.seed_offset) if opts.seed_offset else (lambda: None)
        _install_snapshots(nest, snapshots, reseed, reads, layers)
        _install_reads(nest, reads)
        layers.install(nest, _set_module_attr)
        runpy.run_path(script, run_name="__main__")
    except SystemExit as err:
        if err.code not in (None, 0):
            exception = f"SystemExit: {err.code}"
    except BaseException as err:  # noqa: BLE001 -- everything the script raises is reported
        exception = _last_line(err)
        timed_out = isinstance(err, _ScriptTimeout)
        traceback.print_exc()
    # From here on the parent's SIGTERM must not cut the result file short; it will SIGKILL.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if nest is not None:
        # After the time limit the parent kills within seconds: no time to read the kernel.
        snapshots.append(_snapshot(nest, "end", reads, None if timed_out else layers))
    _write(opts.out, {"impl": opts.impl, "exception": exception, "snapshots": snapshots})
    return 0 if exception is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
