"""`python -m pynest_jax script.py` and `pynest_jax.bind()`: an unmodified script (or a
tool it imports) that says `import nest` gets pynest_jax, and `nest.X` the module or
attribute X of pynest_jax, never a second copy. No NEST needed."""

import json
import os
import subprocess
import sys
import textwrap
import types

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = """
import json, os, sys
import nest
import nest.ll_api
import nest.random
from nest.math import exp
import pynest_jax
import tool_helper  # a module next to the script, found as `python script.py` finds it
out = {"name": nest.__name__, "argv": sys.argv, "main": __name__,
       "same": [nest is pynest_jax, nest.ll_api is pynest_jax.ll_api,
                sys.modules["nest.random"] is pynest_jax.random, exp is pynest_jax.math.exp,
                tool_helper.nest is pynest_jax],
       "bind again": pynest_jax.bind() is pynest_jax}
try:
    import nest.no_such_module
except ModuleNotFoundError as err:
    out["missing"] = err.name
with open(os.environ["PROBE_OUT"], "w") as f:
    json.dump(out, f)
"""


def _run(args, tmp_path, **env):
    environment = dict(os.environ, PYNEST_QUIET="1", PROBE_OUT=str(tmp_path / "out.json"), **env,
                       PYTHONPATH=os.pathsep.join(p for p in (ROOT, os.environ.get("PYTHONPATH")) if p))
    return subprocess.run([sys.executable, "-m", "pynest_jax", *args], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def scripts(tmp_path):
    folder = tmp_path / "scripts"
    folder.mkdir()
    (folder / "probe.py").write_text(textwrap.dedent(PROBE))
    (folder / "tool_helper.py").write_text("import nest\n")
    return folder


def test_script_runs_with_nest_bound(tmp_path, scripts):
    proc = _run([str(scripts / "probe.py"), "a", "--b"], tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads((tmp_path / "out.json").read_text())
    assert out["name"] == "pynest_jax" and out["main"] == "__main__"
    assert out["argv"] == [str(scripts / "probe.py"), "a", "--b"]
    assert all(out["same"]) and out["bind again"]
    assert out["missing"] == "nest.no_such_module"


def test_module_runs_with_nest_bound(tmp_path, scripts):
    proc = _run(["-m", "probe", "x"], tmp_path)
    assert proc.returncode != 0 and "No module named probe" in proc.stderr  # cwd, not scripts/
    proc = _run(["-m", "probe", "x"], scripts)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads((scripts / "out.json").read_text())
    assert out["argv"][1:] == ["x"] and out["main"] == "__main__" and all(out["same"])


def test_usage_without_a_script(tmp_path):
    proc = _run([], tmp_path)
    assert proc.returncode == 2 and "usage: python -m pynest_jax" in proc.stderr


def test_bind_refuses_a_nest_already_imported(monkeypatch):
    import pynest_jax

    monkeypatch.setitem(sys.modules, "nest", types.ModuleType("nest"))
    with pytest.raises(ImportError, match="before anything imports nest"):
        pynest_jax.bind()
