"""A/B: GetDefaults of every model pynest_jax has, and the status of a new node, equal NEST's.

Parametrised over the registry, so a model added to ``pynest_jax.models.registry`` is
covered here without editing this file. Keys, values and Python types must be equal;
floats exactly (defaults are constants, no numerics). One key is left out:
``elementsize``, the size in bytes of NEST's C++ node object.
"""

import pytest

import pynest_jax
from _ab_compare import assert_same

NOT_COMPARED = {"elementsize"}  # sizeof of a C++ object, meaningless here

NODE_MODELS = sorted(pynest_jax.node_models)
SYNAPSE_MODELS = sorted(pynest_jax.synapse_models)


def _defaults(nest, model):
    return {k: v for k, v in nest.GetDefaults(model).items() if k not in NOT_COMPARED}


@pytest.mark.parametrize("model", NODE_MODELS + SYNAPSE_MODELS)
def test_defaults_equal_nest(ab, model):
    ref, got = ab(lambda nest: _defaults(nest, model))
    assert_same(ref, got, f"GetDefaults('{model}')")


@pytest.mark.parametrize("model", NODE_MODELS)
def test_new_node_status_equals_nest(ab, model):
    """nc.get() of a freshly created node (and of a second one, as a tuple per key)."""
    def scenario(nest):
        nodes = nest.Create(model, 2)
        return nodes[0].get(), nodes.get()

    ref, got = ab(scenario)
    assert_same(ref, got, f"Create('{model}').get()")


@pytest.mark.parametrize("model", NODE_MODELS)
def test_copied_model_defaults(ab, model):
    """A copy differs from its original in name and id only; SetDefaults on it is its own."""
    def scenario(nest):
        nest.CopyModel(model, "copy_of_" + model)
        return _defaults(nest, "copy_of_" + model), nest.GetDefaults(model, "model")

    ref, got = ab(scenario)
    assert_same(ref, got, f"CopyModel('{model}')")
