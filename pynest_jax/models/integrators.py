"""How a neuron model advances its dynamics over one step: a value in its declaration.

A ``NeuronModel`` names its integrator (``integrator=Exact()``,
``integrator=RKF45(control)``, ...). The kernel hands it to ``update`` as
``ctx.integrator``; a GSL model's step (neurons/_gsl.advance) takes its step
control from there and refuses to run under any other declaration, so the
declaration and the arithmetic cannot drift apart. Precise (off-grid) models
will add their own category here.
"""

from __future__ import annotations

import dataclasses
from typing import Any, ClassVar


@dataclasses.dataclass(frozen=True)
class Integrator:
    category: ClassVar[str] = ""


@dataclasses.dataclass(frozen=True)
class Exact(Integrator):
    """Exact integration on the grid (NEST's propagators, computed in pre_run_hook):
    the step is a closed-form map. Also the category of nodes without dynamics to
    integrate (parrot_neuron)."""

    category: ClassVar[str] = "exact"


@dataclasses.dataclass(frozen=True)
class Euler(Integrator):
    """NEST's own explicit Euler step inside the model's update (izhikevich)."""

    category: ClassVar[str] = "euler"


@dataclasses.dataclass(frozen=True)
class RKF45(Integrator):
    """GSL's adaptive rkf45 with NEST's step control (numerics/rkf45.py).

    ``control`` is a ``numerics.rkf45.StandardControl``, or ``control(p) ->
    StandardControl`` when the tolerances are model parameters (the aeif models'
    ``gsl_error_tol``)."""

    control: Any
    category: ClassVar[str] = "gsl_rkf45"

    def control_for(self, p):
        return self.control(p) if callable(self.control) else self.control
