"""Where NEST's example gallery is installed and which of its files are entry points."""

import importlib.util
from pathlib import Path

# Folders whose every top-level *.py is a script of its own.
WHOLE_FOLDERS = ("spatial", "astrocytes", "compartmental_model", "eprop_plasticity")

# Folders of one example: only the script that runs it; the other files are its helpers,
# its plotting step, or (music) a second program that needs MUSIC's launcher.
SINGLE_SCRIPTS = (
    "brette_et_al_2007/coba.py",
    "brette_et_al_2007/cuba.py",
    "brette_et_al_2007/cuba_ps.py",
    "brette_et_al_2007/cuba_stdp.py",
    "brette_et_al_2007/hh_coba.py",
    "EI_clustered_network/run_simulation.py",
    "pong/run_simulations.py",
    "sudoku/sudoku_solver.py",
    "sonata_example/sonata_network.py",
    "music_cont_out_proxy_example/nest_script.py",
)

EXPECTED_COUNT = 96  # the gallery of NEST 3.10

# Command-line arguments a script expects after its name. None needs any: the one that
# parses arguments (pong/run_simulations.py) has defaults for all of them.
SCRIPT_ARGS = {}


def gallery_dir():
    """`<site-packages>/nest/doc/examples/pynest`, found without importing NEST (its banner)."""
    spec = importlib.util.find_spec("nest")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("NEST (nest-simulator) is not installed in this interpreter")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / "doc" / "examples" / "pynest"
        if candidate.is_dir():
            return candidate
    raise RuntimeError(f"no doc/examples/pynest under {list(spec.submodule_search_locations)}")


def entry_points(root):
    """Entry points as paths relative to the gallery folder (posix strings), sorted."""
    root = Path(root)
    found = [p.name for p in root.glob("*.py")]
    for folder in WHOLE_FOLDERS:
        found += [f"{folder}/{p.name}" for p in (root / folder).glob("*.py")]
    found += [rel for rel in SINGLE_SCRIPTS if (root / rel).is_file()]
    return sorted(found, key=str.lower)


def select(entries, names):
    """Entries matching any of `names` (relative path, file name or stem); all if none."""
    if not names:
        return list(entries)
    chosen, unknown = [], []
    for name in names:
        hits = [e for e in entries if name in (e, Path(e).name, Path(e).stem, e.removesuffix(".py"))]
        if not hits:
            unknown.append(name)
        chosen += [h for h in hits if h not in chosen]
    if unknown:
        raise SystemExit(f"unknown gallery script(s): {', '.join(unknown)}")
    return chosen


def scratch_source(root, entry):
    """The folder copied for a run and whether to copy it with its subfolders.

    A top-level script gets the top folder's files only: the subfolders are other examples.
    """
    folder = (Path(root) / entry).parent
    return folder, folder != Path(root)
