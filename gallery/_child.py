"""Child bootstrap: run one gallery script with `nest` bound to an implementation and
capture what every recorder recorded.

    python _child.py --impl {nest,pynest_jax} --script FILE --out FILE.pkl
                     [--repo DIR] [--seed-offset N] [-- SCRIPT_ARGS...]

This file is run as a plain script in a fresh interpreter and imports nothing from the
`gallery` package, so that nothing but the script and the implementation under test is
loaded. It writes one pickle with plain data (see `_write`) that `gallery.run` reads.
"""

import argparse
import importlib
import importlib.abc
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


class _ScriptTimeout(BaseException):
    """Raised by SIGTERM (the parent's time limit) so that the snapshots still get written."""


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Resolve `nest.X` to the already imported `pynest_jax.X` (or attribute X).

    Loading pynest_jax's files a second time under the name `nest.X` would give the
    script a second copy of module state, so the alias hands back the same object.
    """

    def __init__(self, package):
        self._package = package
        self._specs = {}

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith("nest."):
            return None
        return importlib.util.spec_from_loader(fullname, self)

    def create_module(self, spec):
        rest = spec.name[len("nest.") :]
        target = f"{self._package.__name__}.{rest}"
        try:
            module = importlib.import_module(target)
        except ModuleNotFoundError as err:
            if err.name != target:
                raise
            module = self._package
            for part in rest.split("."):
                if not hasattr(module, part):
                    raise ModuleNotFoundError(f"No module named {spec.name!r}", name=spec.name) from None
                module = getattr(module, part)
        # The import system overwrites __spec__ on what we return; restore it in exec_module.
        self._specs[id(module)] = getattr(module, "__spec__", None)
        return module

    def exec_module(self, module):
        try:
            module.__spec__ = self._specs.pop(id(module))
        except (KeyError, AttributeError, TypeError):
            pass


def _bind(impl, repo):
    """Import the implementation and make `import nest` (and `nest.X`) resolve to it."""
    if impl == "nest":
        import nest

        return nest
    sys.path.insert(1, repo)  # after the script's folder, so the script's own helpers win
    package = importlib.import_module(impl)
    if package.__name__ != "nest":  # a wrapper that hands back NEST itself needs no alias
        sys.modules["nest"] = package
        sys.meta_path.insert(0, _AliasFinder(package))
    return package


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


def _snapshot(nest, when):
    """Global id, model and recorded data of every recorder that exists now."""
    try:
        recorders = nest.GetNodes(properties={"element_type": "recorder"})
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
            found.append({"gid": int(status["global_id"]), "model": str(status["model"]), "data": data})
        found.sort(key=lambda r: r["gid"])
        return {"when": when, "recorders": found, "error": None}
    except Exception as err:  # noqa: BLE001 -- a failing snapshot is a result, not a crash
        return {"when": when, "recorders": [], "error": _last_line(err)}


def _last_line(err):
    return traceback.format_exception_only(type(err), err)[-1].strip()


def _install_snapshots(nest, snapshots, after_reset):
    original = getattr(nest, "ResetKernel", None)
    if original is None:
        return  # the script will fail on its own call, with its own message

    def ResetKernel(*args, **kwargs):
        snapshots.append(_snapshot(nest, f"before ResetKernel #{len(snapshots) + 1}"))
        result = original(*args, **kwargs)
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

    snapshots, exception, nest = [], None, None
    try:
        nest = _bind(opts.impl, opts.repo)
        reseed = _install_seed_offset(nest, opts.seed_offset) if opts.seed_offset else (lambda: None)
        _install_snapshots(nest, snapshots, reseed)
        runpy.run_path(script, run_name="__main__")
    except SystemExit as err:
        if err.code not in (None, 0):
            exception = f"SystemExit: {err.code}"
    except BaseException as err:  # noqa: BLE001 -- everything the script raises is reported
        exception = _last_line(err)
        traceback.print_exc()
    # From here on the parent's SIGTERM must not cut the result file short; it will SIGKILL.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if nest is not None:
        snapshots.append(_snapshot(nest, "end"))
    _write(opts.out, {"impl": opts.impl, "exception": exception, "snapshots": snapshots})
    return 0 if exception is None else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
