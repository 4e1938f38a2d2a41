"""Connection rules and NEST's Parameter expressions (host side, numpy)."""

from pynest_jax.connect.parameters import Parameter, as_parameter, create_parameter, set_default_rng
from pynest_jax.connect.rules import RULES, RuleResult, validate_conn_spec

__all__ = [
    "RULES",
    "Parameter",
    "RuleResult",
    "as_parameter",
    "create_parameter",
    "set_default_rng",
    "validate_conn_spec",
]
