"""A/B: spatial layers, positions, masks and deterministic spatial connections.

The same PyNEST code runs on real NEST 3.10 and on pynest_jax (the ``ab`` fixture).
Everything here is deterministic in NEST, so it must be identical: positions and
displacements bit for bit (same floating-point operations), connection sets of
masks with p = 1 as sets (NEST's listing order within a source is its sort's), spatial
weights and delays to 1e-12 (one rounding step of a distance), errors by class.
"""

import numpy as np
import pytest


def _conn_set(nest, keys=("source", "target")):
    c = nest.GetConnections()
    if len(c) == 0:
        return []
    v = c.get(list(keys))
    cols = [np.atleast_1d(v[k]) for k in keys]
    return sorted(zip(*[col.tolist() for col in cols]))


def _spatial(d):
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in d.items()}


LAYERS = [
    ("grid2", lambda nest: nest.spatial.grid(shape=[3, 2])),
    ("grid2_extent_center", lambda nest: nest.spatial.grid(shape=[4, 5], extent=[2.0, 3.0], center=[0.5, -1.0])),
    ("grid3", lambda nest: nest.spatial.grid(shape=[2, 3, 2], extent=[2.0, 2.0, 1.0], center=[1.0, 0.0, 0.0])),
    ("grid_wrap", lambda nest: nest.spatial.grid(shape=[5, 5], edge_wrap=True)),
    ("free2", lambda nest: nest.spatial.free([[0.1, 0.2], [0.5, -0.3], [0.2, 0.25], [-0.7, 0.4]])),
    ("free2_extent_wrap", lambda nest: nest.spatial.free([[0.1, 0.2], [0.5, -0.3], [0.2, 0.25]],
                                                         extent=[2.0, 2.0], edge_wrap=True)),
    ("free3", lambda nest: nest.spatial.free([[0.1, 0.2, 0.3], [0.5, -0.3, 1.2], [0.2, 0.25, -1.1]])),
]


@pytest.mark.parametrize("name, positions", LAYERS, ids=[n for n, _ in LAYERS])
def test_layer_positions_and_metadata(ab, name, positions):
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", positions=positions(nest))
        sub = layer[1:3]
        return (_spatial(layer.spatial), nest.GetPosition(layer), _spatial(sub.spatial),
                nest.GetPosition(sub), str(layer), str(sub), str(layer[::2]),
                nest.Displacement(layer[0], layer), nest.Distance(layer[1], layer),
                nest.Displacement([[0.05, -0.02] + [0.0] * (len(layer.spatial["extent"]) - 2)], layer),
                nest.FindNearestElement(layer, nest.GetPosition(layer[2])).tolist(),
                nest.FindCenterElement(layer).tolist(), layer[[0, 2]].spatial)
    ref, jax = ab(run)
    assert jax == ref


def test_free_layer_from_parameters_is_uniform(ab):
    """Positions drawn from nest.random.uniform: extent and center follow NEST's rule
    (bounding box rounded up), values uniform in [0, 1) per axis."""
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", 400, positions=nest.spatial.free(nest.random.uniform(),
                                                                                 num_dimensions=2))
        pos = np.asarray(nest.GetPosition(layer))
        return layer.spatial["extent"].tolist(), len(pos), pos.min() >= 0, pos.max() < 1, pos.mean()
    ref, jax = ab(run)
    assert jax[:4] == ref[:4]
    assert abs(jax[4] - 0.5) < 0.03  # 800 uniforms: sd of the mean 0.01


def test_joining_layers(ab):
    def run(nest):
        a = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[2, 2]))
        b = nest.Create("iaf_psc_alpha", 2)
        out = []
        for f in (lambda: a + b, lambda: a[0:1] + a[2:3], lambda: a + a[1:2]):
            try:
                out.append(str(f()))
            except Exception as e:
                out.append(type(e).__name__)
        return out
    ref, jax = ab(run)
    assert jax == ref


def test_node_parameter_from_position(ab):
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 3], extent=[3.0, 3.0]),
                            params={"V_m": -70.0 + 2.0 * nest.spatial.pos.x - nest.spatial.pos.y})
        return layer.V_m
    ref, jax = ab(run)
    np.testing.assert_allclose(jax, ref, rtol=0, atol=1e-12)


MASKS = [
    ("circular", {"circular": {"radius": 0.34}}, {}),
    ("rect_rotated", {"rectangular": {"lower_left": [-0.3, -0.1], "upper_right": [0.26, 0.3],
                                      "azimuth_angle": 30.0}}, {}),
    ("elliptical", {"elliptical": {"major_axis": 0.7, "minor_axis": 0.3, "azimuth_angle": 45.0}}, {}),
    ("doughnut_anchor", {"doughnut": {"inner_radius": 0.2, "outer_radius": 0.4}, "anchor": [0.1, 0.0]},
     {"use_on_source": True}),
    ("grid_anchor", {"grid": {"shape": [2, 3]}, "anchor": [1, 1]}, {}),
    ("rect_no_autapses", {"rectangular": {"lower_left": [-0.3, -0.1], "upper_right": [0.26, 0.3]}},
     {"allow_autapses": False}),
]


@pytest.mark.parametrize("wrap", [False, True], ids=["bounded", "periodic"])
@pytest.mark.parametrize("name, mask, extra", MASKS, ids=[m[0] for m in MASKS])
def test_mask_connections_identical(ab, name, mask, extra, wrap):
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[5, 4], edge_wrap=wrap))
        nest.Connect(layer, layer, dict({"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask}, **extra))
        return _conn_set(nest)
    ref, jax = ab(run)
    assert jax == ref


def test_3d_masks_identical(ab):
    def run(nest):
        out = []
        for mask in ({"spherical": {"radius": 0.45}},
                     {"box": {"lower_left": [-0.3, -0.3, -0.2], "upper_right": [0.3, 0.2, 0.4],
                              "azimuth_angle": 20.0, "polar_angle": 35.0}},
                     {"ellipsoidal": {"major_axis": 0.8, "minor_axis": 0.4, "polar_axis": 0.5,
                                      "polar_angle": 30.0}}):
            nest.ResetKernel()
            layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[4, 3, 3]))
            nest.Connect(layer, layer, {"rule": "pairwise_bernoulli", "p": 1.0, "mask": mask})
            out.append(_conn_set(nest))
        return out
    ref, jax = ab(run)
    assert jax == ref


def test_spatial_weights_and_delays(ab):
    """Distance-dependent weights and delays on a periodic layer, identical to 1e-12."""
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[4, 4], edge_wrap=True))
        nest.Connect(layer, layer,
                     {"rule": "pairwise_bernoulli", "p": 1.0, "allow_autapses": False,
                      "mask": {"rectangular": {"lower_left": [-0.3, -0.1], "upper_right": [0.26, 0.3]}}},
                     {"weight": nest.spatial_distributions.gaussian(nest.spatial.distance, std=0.3),
                      "delay": 1.0 + nest.spatial.distance.x + 2 * nest.spatial.target_pos.y})
        return _conn_set(nest, ("source", "target", "weight", "delay"))
    ref, jax = ab(run)
    assert [c[:2] for c in jax] == [c[:2] for c in ref]
    np.testing.assert_allclose(np.array(jax)[:, 2:], np.array(ref)[:, 2:], rtol=0, atol=1e-12)


def test_mask_algebra_and_selection(ab):
    def run(nest):
        layer = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[6, 6], extent=[3.0, 3.0]))
        c = nest.CreateMask("circular", {"radius": 1.0})
        r = nest.CreateMask("rectangular", {"lower_left": [-0.2, -1.2], "upper_right": [1.3, 0.4]})
        out = []
        for m in (c, r, c & r, c | r, c - r, nest.CreateMask("circular", {"radius": 0.6}, anchor=[0.5, 0.5])):
            out.append(nest.SelectNodesByMask(layer, [0.1, -0.2], m).tolist())
            out.append([m.Inside(p) for p in ([0.0, 0.0], [0.9, 0.3], [-0.2, 0.4], [1.3, -1.2])])
        return out
    ref, jax = ab(run)
    assert jax == ref


BAD = [
    ("3d_mask_on_2d", lambda nest, g: nest.Connect(g, g, {"rule": "pairwise_bernoulli", "p": 1.0,
                                                           "mask": {"spherical": {"radius": 0.3}}})),
    ("oversized", lambda nest, g: nest.Connect(
        g, g, {"rule": "pairwise_bernoulli", "mask": {"circular": {"radius": 3.0}}})),
    ("non_spatial", lambda nest, g: nest.Connect(nest.Create("iaf_psc_alpha", 3), g,
                                                 {"rule": "pairwise_bernoulli", "p": nest.spatial.distance})),
    ("radius", lambda nest, g: nest.CreateMask("circular", {"radius": -1.0})),
    ("mask_type", lambda nest, g: nest.CreateMask("foo", {"radius": 1.0})),
    ("box_corners", lambda nest, g: nest.CreateMask("rectangular", {"lower_left": [0.0, 0.0],
                                                                    "upper_right": [0.0, 1.0]})),
    ("not_enough_sources", lambda nest, g: nest.Connect(
        g, g, {"rule": "fixed_indegree", "indegree": 30, "allow_multapses": False,
               "mask": {"circular": {"radius": 0.3}}})),
    ("rule", lambda nest, g: nest.Connect(g, g, {"rule": "all_to_all", "mask": {"circular": {"radius": 0.3}}})),
    ("conn_key", lambda nest, g: nest.Connect(g, g, {"rule": "pairwise_bernoulli", "p": 0.5,
                                                     "mask": {"circular": {"radius": 0.3}}, "foo": 1})),
    ("position_of_non_spatial", lambda nest, g: nest.Create("iaf_psc_alpha", 2, {"V_m": nest.spatial.pos.x})),
    ("grid_n", lambda nest, g: nest.Create("iaf_psc_alpha", 3, positions=nest.spatial.grid(shape=[2, 2]))),
    ("free_outside_extent", lambda nest, g: nest.Create(
        "iaf_psc_alpha", positions=nest.spatial.free([[0.0, 0.0], [2.0, 0.0]], extent=[1.0, 1.0]))),
]


@pytest.mark.parametrize("name, call", BAD, ids=[b[0] for b in BAD])
def test_bad_input_raises_nest_error_and_changes_nothing(ab, name, call):
    def run(nest):
        g = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[4, 4], edge_wrap=True))
        try:
            call(nest, g)
            err = None
        except Exception as e:
            err = type(e).__name__
        return err, len(nest.GetConnections()), nest.network_size
    ref, jax = ab(run)
    assert ref[0] is not None
    if ref[1:] != jax[1:]:
        # NEST keeps what it made before failing; pynest_jax makes nothing (documented)
        assert jax[1] == 0 and jax[2] == 16
    assert jax[0] == ref[0]


@pytest.mark.parametrize("rule", [{"rule": "pairwise_bernoulli", "p": 1.0},
                                  {"rule": "pairwise_bernoulli", "p": 1.0, "use_on_source": True},
                                  {"rule": "fixed_indegree", "indegree": 300},
                                  {"rule": "fixed_outdegree", "outdegree": 300}],
                         ids=["on_target", "on_source", "indegree", "outdegree"])
def test_layers_of_different_extent_and_wrap(ab, rule):
    """Which layer's extent and periodicity a rule wraps the mask with: NEST's choice per
    rule (the pool's layer; the target's for pairwise_bernoulli on targets). Degree rules
    draw with replacement from their pools; the pools are compared through the set of
    pairs, which equals the pool when the degree far exceeds it."""
    def run(nest):
        small = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[3, 3], edge_wrap=True))
        big = nest.Create("iaf_psc_alpha", positions=nest.spatial.grid(shape=[4, 4], extent=[2.0, 2.0]))
        out = []
        for pre, post in ((small, big), (big, small)):
            nest.Connect(pre, post, dict(rule, mask={"rectangular": {"lower_left": [-0.45, -0.2],
                                                                     "upper_right": [0.3, 0.5]}}))
            out.append(sorted(set(_conn_set(nest))))
        return out
    ref, jax = ab(run)
    assert jax == ref
