"""numerics.rkf45's compaction of the active neurons: gathering the few neurons
still busy into narrower columns must change nothing, bit for bit, against the
loop that iterates the whole population until its busiest neuron is done
(``widths=()``, itself checked against a scalar transcription of GSL's loop in
test_rkf45.py)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from pynest_jax.numerics.rkf45 import StandardControl, compaction_widths, integrate_step

jax.config.update("jax_enable_x64", True)


def test_widths():
    assert compaction_widths(1000) == (128, 16)
    assert compaction_widths(32) == (4,)
    assert compaction_widths(17) == (4,)
    assert compaction_widths(16) == ()
    assert compaction_widths(1) == ()
    assert compaction_widths(1000, ratio=4) == (256, 64, 16, 4)


def _vdp(t, y, aux, params):
    # Van der Pol with a per-neuron mu: stiff phases force rejections and small steps
    return jnp.stack([y[1], params["mu"] * (1 - y[0] ** 2) * y[1] - y[0] + aux["I"]])


def _reset(y, aux, params):
    # a spike test inside the loop: reset and count above a per-neuron threshold
    hit = y[0] >= params["theta"]
    return jnp.where(hit, -2.0, y), dict(aux, n=aux["n"] + hit)


@pytest.mark.parametrize("widths", [None, (64, 8), (4,)])
def test_compaction_changes_nothing(widths):
    rng = np.random.default_rng(7)
    n = 300
    y = jnp.asarray(rng.uniform(-2.5, 2.5, (2, n)))
    h = jnp.asarray(rng.choice([0.1, 0.01, 1e-4, 0.5], n))
    params = {"mu": jnp.asarray(rng.choice([0.5, 2.0, 8.0, 20.0], n)),
              "theta": jnp.asarray(rng.uniform(1.5, 3.0, n)), "shared": jnp.float64(1.0)}
    aux = {"I": jnp.asarray(rng.uniform(-0.5, 0.5, n)), "n": jnp.zeros(n, jnp.int32)}
    ctl = StandardControl(jnp.asarray(rng.choice([1e-6, 1e-8], n)), 1e-7, 0.0, 1.0)

    def run(w):
        return jax.jit(lambda y, h, aux: integrate_step(_vdp, y, h, 0.1, ctl, aux, _reset,
                                                        widths=w, params=params))

    full, compact = run(()), run(widths)
    a = b = (y, h, aux)
    total = 0
    for _ in range(20):
        ya, ha, aa, ita = full(*a)
        yb, hb, ab, itb = compact(*b)
        np.testing.assert_array_equal(np.asarray(yb), np.asarray(ya))
        np.testing.assert_array_equal(np.asarray(hb), np.asarray(ha))
        np.testing.assert_array_equal(np.asarray(ab["n"]), np.asarray(aa["n"]))
        assert int(itb) == int(ita)  # the same attempts, the busiest neuron's count
        total += int(ita)
        a, b = (ya, ha, aa), (yb, hb, ab)
    assert int(np.asarray(a[2]["n"]).sum()) > 0
    assert total > 20 * 5  # several sub-steps and retries per resolution step
