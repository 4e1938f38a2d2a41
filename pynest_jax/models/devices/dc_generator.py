"""dc_generator: a constant current while active (models/dc_generator.cpp)."""

from ..._brainunit import u
from .._spec import GeneratorModel, Param, State
from ._common import CURRENT_RECORDABLES, STIMULATION_PARAMS, device_check, device_on_set
from ._windows import current_active


def emit(p, d, s, ctx):
    on = current_active(p, ctx)
    I = u.math.where(on, p.amplitude, 0.0 * u.pA)
    return s.replace(I=I), I.to_decimal(u.pA)


dc_generator = GeneratorModel(
    name="dc_generator", event="current", doc="Constant current source.",
    params=STIMULATION_PARAMS + (Param("amplitude", 0.0, u.pA, "current"),),
    state=(State("I", 0.0, u.pA, "current emitted in the last step", hidden=True),),
    **CURRENT_RECORDABLES,
    check=device_check, on_set=device_on_set, emit=emit)
