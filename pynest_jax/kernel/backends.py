"""Recording backends: where a recorder's events go (``record_to``).

NEST 3.10 has ``memory`` (events kept, shown as ``events``), ``ascii`` (one
text file per recorder: ``<data_path>/<data_prefix><label or model>-<gid>-<vp>.<ext>``,
two header lines, a column line, values with ``precision`` decimals) and
``screen`` (lines printed). Each backend shows its own status keys
(nestkernel/recording_backend_*.cpp); ``n_events`` counts for all of them.
"""

from __future__ import annotations

import os

import numpy as np

from ..errors import NESTErrors

from ..models.devices import RECORDING_BACKENDS as BACKENDS  # noqa: E402


def _threads(kernel) -> int:
    return max(1, int(kernel.status.get("local_num_threads", 1)))


def _name(kernel, pop, li, gid, ext, vp=0):
    label = pop.host["label"][li] or pop.model_names[li]
    base = f"{kernel.status['data_prefix']}{label}-{gid}-{vp}.{ext}"
    path = kernel.status["data_path"]
    return os.path.join(path, base) if path else base


def extra_status(kernel, pop, li, gid) -> dict:
    """Backend keys of one recorder for GetStatus."""
    to = pop.host["record_to"][li]
    prec = kernel.backend_opts.get(gid, {}).get("precision", 3)
    if to == "ascii":
        ext = kernel.backend_opts.get(gid, {}).get("file_extension", "dat")
        # NEST writes one file per virtual process (the recorder's instance on each
        # thread) and its status shows the last one's name only
        return {"file_extension": ext,
                "filenames": [_name(kernel, pop, li, gid, ext, _threads(kernel) - 1)],
                "precision": prec}
    if to == "screen":
        return {"precision": prec}
    return {}


def _columns(events, time_in_steps):
    names = ["sender"]
    cols = [np.asarray(events["senders"]).astype(np.int64)]
    if time_in_steps:
        names += ["time_step", "time_offset"]
        cols += [np.asarray(events["times"]).astype(np.int64), np.asarray(events["offsets"])]
    else:
        names += ["time_ms"]
        cols += [np.asarray(events["times"])]
    for k, v in events.items():
        if k not in ("senders", "times", "offsets"):
            names.append(k)
            cols.append(np.asarray(v))
    return names, cols


def _lines(names, cols, prec):
    out = []
    for i in range(len(cols[0])):
        parts = []
        for name, c in zip(names, cols):
            v = c[i]
            parts.append(str(int(v)) if c.dtype.kind in "iub" else f"{float(v):.{prec}f}")
        out.append("\t".join(parts))
    return out


class Writers:
    """Open ascii files, one per recorder and virtual process (NEST: one per thread),
    created at the first run after a reset. A node's events go to the file of its
    virtual process, node id % number of threads."""

    def __init__(self):
        self.files: dict[int, list] = {}

    def open_all(self, kernel):
        """NEST opens every ascii recorder's file at Prepare, events or not."""
        graph = kernel.graph
        for pop in graph.pop_list:
            if "record_to" not in pop.host or "ascii" not in pop.host["record_to"]:
                continue
            for li, gid in enumerate(pop.gids):
                if pop.host["record_to"][li] == "ascii" and int(gid) not in self.files:
                    names, _ = _columns({"senders": [], "times": [], "offsets": []},
                                        bool(pop.arrays["time_in_steps"][li]))
                    extra = [v for v in (pop.host.get("record_from", [None] * len(pop))[li] or [])]
                    if getattr(pop.spec, "kind", None) == "weight":  # weight_recorder's values
                        extra = ["weights", "targets", "receptors", "ports"]
                    self._create(kernel, int(gid), names + list(extra))

    def _create(self, kernel, gid, names):
        graph = kernel.graph
        pop = graph.pop_list[graph.node_pop[gid]]
        li = int(graph.node_local[gid])
        ext = extra_status(kernel, pop, li, gid)["file_extension"]
        paths = [_name(kernel, pop, li, gid, ext, vp) for vp in range(_threads(kernel))]
        for path in paths:
            if os.path.exists(path) and not kernel.status["overwrite_files"]:
                raise NESTErrors.IOError(
                    f"The file '{path}' already exists and overwriting files is disabled. "
                    "Set nest.overwrite_files = True to allow it.")
        for path in paths:
            with open(path, "w") as f:
                f.write("# NEST version: 3.10.0\n# RecordingBackendASCII version: 2\n")
                f.write("\t".join(names) + "\n")
        self.files[gid] = paths

    def write(self, kernel, gid: int, events: dict):
        graph = kernel.graph
        pop = graph.pop_list[graph.node_pop[gid]]
        li = int(graph.node_local[gid])
        to = pop.host["record_to"][li]
        if to == "memory" or not len(events.get("senders", ())):
            return to == "memory"
        prec = kernel.backend_opts.get(gid, {}).get("precision", 3)
        names, cols = _columns(events, bool(pop.arrays["time_in_steps"][li]))
        lines = _lines(names, cols, prec)
        if to == "screen":
            print("\n".join(lines))
            return False
        if gid not in self.files:
            self._create(kernel, gid, names)
        paths = self.files[gid]
        vp = np.asarray(events["senders"]).astype(np.int64) % len(paths)
        for k, path in enumerate(paths):
            mine = [line for line, v in zip(lines, vp) if v == k]
            if mine:
                with open(path, "a") as f:
                    f.write("\n".join(mine) + "\n")
        return False
