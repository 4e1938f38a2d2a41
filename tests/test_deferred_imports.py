"""`import pynest_jax` leaves matplotlib and scipy.special unimported (saiunit's matplotlib
set-up is deferred, pynest_jax/_deferred_matplotlib.py), and once the user imports pyplot,
brainunit quantities plot exactly as with saiunit's own import-time set-up. Each case runs
in a fresh interpreter, as the import order is the point."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run(code):
    proc = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.split()


_PLOT = """
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt, matplotlib.units as mu
import brainunit as u, saiunit._matplotlib_compat as compat
fig, (ax, ax2) = plt.subplots(2)
ax.plot([1, 2, 3] * u.ms, [1, 2, 3] * u.mV)
ax.errorbar([1, 2] * u.ms, [1, 2] * u.mV, yerr=[0.1, 0.1] * u.mV)
ax2.hist([1, 2, 3] * u.mV)
print(ax.xaxis.get_units(), ax.yaxis.get_units(), ax.xaxis.get_label_text(), ax2.xaxis.get_units(),
      type(mu.registry[u.Quantity]).__name__, compat.matplotlib_axes_patch_installed,
      compat.matplotlib_reshape_patch_installed)
"""
_EXPECTED = ["ms", "mV", "ms", "mV", "QuantityConverter", "True", "True"]


def test_import_leaves_matplotlib_and_scipy_special_alone():
    out = _run("import sys, pynest_jax\n"
               "print(*[m in sys.modules for m in ('matplotlib', 'scipy.special')])")
    assert out == ["False", "False"]


def test_quantities_plot_after_pynest_jax():
    # the reference: saiunit's own set-up, brainunit imported with nothing deferred
    assert _run("import brainunit\n" + _PLOT) == _EXPECTED
    assert _run("import pynest_jax\n" + _PLOT) == _EXPECTED


def test_matplotlib_imported_first():
    assert _run("import matplotlib.pyplot\nimport pynest_jax\n" + _PLOT) == _EXPECTED
    assert _run("import matplotlib\nimport pynest_jax\n" + _PLOT) == _EXPECTED


def test_raster_plot_after_import():
    code = ("import matplotlib\nmatplotlib.use('Agg')\nimport pynest_jax as nest\n"
            "nest.set_verbosity('M_ERROR')\n"
            "n = nest.Create('iaf_psc_alpha', 2, params={'I_e': 400.0})\n"
            "sr = nest.Create('spike_recorder')\nnest.Connect(n, sr)\nnest.Simulate(100.0)\n"
            "nest.raster_plot.from_device(sr)\nimport matplotlib.pyplot as plt\n"
            "print(len(plt.gcf().axes) > 0)")
    assert _run(code) == ["True"]


def test_brainunit_sparse_is_imported_at_first_use():
    """brainunit's sparse submodule (jax.experimental.sparse) waits for its first use,
    and then is brainunit's own."""
    out = _run("import sys, pynest_jax as nest\n"
               "nest.Create('iaf_psc_alpha')\n"
               "import brainunit as u\n"
               "print('jax.experimental.sparse' in sys.modules, (3 * u.mV).to_decimal(u.volt))\n"
               "csr = u.sparse.CSR\n"
               "import brainunit.sparse as bs, saiunit.sparse\n"
               "print('jax.experimental.sparse' in sys.modules, csr is saiunit.sparse.CSR,\n"
               "      bs is sys.modules['brainunit.sparse'], type(bs).__name__, bs.__file__ is not None)")
    assert out == ["False", "0.003", "True", "True", "True", "module", "True"]
