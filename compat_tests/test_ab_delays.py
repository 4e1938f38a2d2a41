"""A/B: delays on coarse and fine grids, min_delay/max_delay, resolution changes.

NEST turns a delay into whole steps with ld_round(delay * steps_per_ms), i.e. halves
rounded up, and reports it back as steps * ms_per_step; min_delay/max_delay follow
every delay a connection was made or set with, are reported as a Time in ms, and
freeze at the first Simulate. Reported delays and min/max_delay must be identical
(exact floats); spike times identical.
"""

import pytest

from _ab_compare import assert_same_probes, probe

# Off-grid values for 0.2 ms and 0.05 ms, including halfway cases (0.3 = 1.5 steps of
# 0.2; 0.125 = 2.5 steps of 0.05) and values whose product with steps_per_ms lands just
# below a half in floating point (0.175 * 20 = 3.4999999999999996).
DELAYS = [0.2, 0.25, 0.3, 0.35, 0.45, 0.5, 0.55, 0.7, 1.0, 1.05, 1.1, 1.15, 1.25, 1.3, 2.1,
          3.333, 0.125, 0.175, 0.375, 0.625, 0.9, 4.75]


def _delay_network(nest, h, delays):
    """A regular driver neuron; each target fires when its one input spike arrives, so a
    target's spike times are the driver's plus its delay, on the grid."""
    nest.resolution = h
    driver = nest.Create("iaf_psc_delta", params={"I_e": 1000.0, "t_ref": 0.5})
    targets = nest.Create("iaf_psc_delta", len(delays), params={"t_ref": 0.5})
    sr = nest.Create("spike_recorder")
    out = {"before": probe(lambda: (nest.min_delay, nest.max_delay))}
    ok = [d for d in delays if d >= h]
    for t, d in zip(targets, delays):
        out[f"connect {d}"] = probe(lambda: nest.Connect(driver, t, syn_spec={"weight": 30.0,
                                                                            "delay": d}))
    nest.Connect(driver + targets, sr)
    out["delays"] = nest.GetConnections(source=driver, target=targets).get("delay")
    out["after"] = (nest.min_delay, nest.max_delay)
    out["n ok"] = len(ok)
    nest.Simulate(round(60.0 / h) * h)  # a multiple of the resolution
    out["spikes"] = sr.get("events")
    out["frozen"] = (nest.min_delay, nest.max_delay)
    return out


@pytest.mark.parametrize("h", [0.2, 0.05, 0.1, 0.7])
def test_delays_round_to_steps_and_spike_times(ab, h):
    ref, got = ab(lambda nest: _delay_network(nest, h, DELAYS))
    assert len(ref["spikes"]["times"]) > 30
    assert_same_probes(ref, got)


def test_min_max_delay_reporting(ab):
    def scenario(nest):
        out = {}
        a = nest.Create("iaf_psc_delta", 3)
        out["empty"] = (nest.min_delay, nest.max_delay)
        nest.Connect(a[0], a[1], syn_spec={"delay": 2.0})
        out["one delay"] = (nest.min_delay, nest.max_delay)
        nest.Connect(a[1], a[2], syn_spec={"delay": 0.35})
        out["two"] = (nest.min_delay, nest.max_delay)
        c = nest.GetConnections(source=a[1])
        c.set(delay=5.55)
        out["set on connection widens"] = (nest.min_delay, nest.max_delay)
        nest.Disconnect(a[0], a[1])
        out["disconnect does not narrow"] = (nest.min_delay, nest.max_delay)
        nest.SetDefaults("static_synapse", {"delay": 7.0})
        out["SetDefaults does not widen"] = (nest.min_delay, nest.max_delay)
        nest.Connect(a[2], a[0])
        out["connect with the default"] = (nest.min_delay, nest.max_delay)
        nest.CopyModel("static_synapse", "slow", {"delay": 9.25})
        nest.Connect(a[0], a[2], syn_spec="slow")
        out["copied model default"] = (nest.min_delay, nest.max_delay)
        out["reported"] = nest.GetConnections().get(["source", "target", "delay"])
        return out

    ref, got = ab(scenario)
    assert_same_probes(ref, got)


def test_user_set_min_max_delay(ab):
    def scenario(nest):
        out = {}
        out["set"] = probe(lambda: nest.SetKernelStatus({"min_delay": 0.55, "max_delay": 3.04}))
        out["reported"] = (nest.min_delay, nest.max_delay)
        out["set again"] = probe(lambda: nest.set(min_delay=0.5, max_delay=4.0))
        out["reported again"] = (nest.min_delay, nest.max_delay)
        out["new resolution"] = probe(lambda: nest.SetKernelStatus({"resolution": 0.2}))
        out["recalibrated"] = (nest.min_delay, nest.max_delay, nest.resolution)
        a = nest.Create("iaf_psc_delta", 2)
        out["inside"] = probe(lambda: nest.Connect(a[0], a[1], syn_spec={"delay": 1.3}))
        out["below min"] = probe(lambda: nest.Connect(a[0], a[1], syn_spec={"delay": 0.2}))
        out["above max"] = probe(lambda: nest.Connect(a[0], a[1], syn_spec={"delay": 4.4}))
        out["at max"] = probe(lambda: nest.Connect(a[0], a[1], syn_spec={"delay": 4.0}))
        out["default below min"] = probe(lambda: nest.Connect(a[1], a[0], syn_spec={"delay": 0.4}))
        out["after"] = (nest.min_delay, nest.max_delay, nest.num_connections)
        out["set after connect"] = probe(lambda: nest.set(min_delay=0.2, max_delay=4.0))
        out["delays"] = nest.GetConnections().get("delay")
        return out

    ref, got = ab(scenario)
    assert_same_probes(ref, got)


def test_resolution_changes_before_nodes(ab):
    """Several resolutions in a row before Create; delays and spike times on the last grid."""
    def scenario(nest):
        out = {}
        for h in (0.05, 0.7, 0.3, 0.025, 0.5, 0.2):
            out[f"set {h}"] = probe(lambda: setattr(nest, "resolution", h))
            out[f"state {h}"] = (nest.resolution, nest.tics_per_step, nest.ms_per_tic,
                                 nest.min_delay, nest.max_delay)
        res = _delay_network(nest, 0.2, [0.3, 0.5, 0.7, 1.1, 2.5])
        out.update({k: v for k, v in res.items()})
        return out

    ref, got = ab(scenario)
    assert_same_probes(ref, got)


def test_simulate_lengths_on_coarse_grid(ab):
    """Simulate times must be multiples of the resolution; runs add up exactly."""
    def scenario(nest):
        nest.resolution = 0.2
        n = nest.Create("iaf_psc_delta", 2, params={"I_e": [600.0, 450.0]})
        sr = nest.Create("spike_recorder")
        nest.Connect(n, sr)
        nest.Connect(n[0], n[1], syn_spec={"delay": 0.5, "weight": 3.0})
        # (an off-grid time is refused: test_ab_errors; NEST is left prepared afterwards)
        out = {"time": nest.biological_time}
        for t in (0.2, 1.0, 10.4, 0.0, 25.6):
            out[f"run {t}"] = probe(lambda: nest.Simulate(t))
            out[f"time {t}"] = nest.biological_time
        out["spikes"] = sr.get("events")
        return out

    ref, got = ab(scenario)
    assert_same_probes(ref, got)
