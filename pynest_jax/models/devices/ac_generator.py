"""ac_generator: a sine current, amplitude * sin(omega t + phase) + offset
(models/ac_generator.cpp). The sine is integrated by rotation (_oscillator.py)."""

from ..._brainunit import u
from .._spec import GeneratorModel, Param, State
from . import _oscillator as osc
from ._common import (CURRENT_RECORDABLES, STIMULATION_PARAMS, device_check, device_on_set,
                      h_ms, now_ms)
from ._windows import current_active


def pre_run(v, ctx):
    y0, y1 = osc.start_values(v["amplitude"], v["frequency"], v["phase"], now_ms(ctx))
    return {"y_0": y0, "y_1": y1}


def host_prepare(v, ctx):
    return osc.propagator(v["frequency"], h_ms(ctx.grid))


def emit(p, d, s, ctx):
    # The rotation runs every step, active or not (ac_generator::update).
    y0, y1 = osc.rotate(p, s.y_0, s.y_1)
    I = u.math.where(current_active(p, ctx), y1 + p.offset, 0.0 * u.pA)
    return s.replace(y_0=y0, y_1=y1, I=I), I.to_decimal(u.pA)


ac_generator = GeneratorModel(
    name="ac_generator", event="current", doc="Sine-shaped current source.",
    params=STIMULATION_PARAMS + (
        Param("amplitude", 0.0, u.pA, "amplitude of the sine"),
        Param("offset", 0.0, u.pA, "constant offset"),
        Param("frequency", 0.0, None, "frequency (Hz)"),
        Param("phase", 0.0, None, "phase (degrees)"),
    ),
    state=(State("y_0", 0.0, u.pA, "cosine component"),
           State("y_1", 0.0, u.pA, "sine component"),
           State("I", 0.0, u.pA, "current emitted in the last step", hidden=True)),
    **CURRENT_RECORDABLES,
    check=device_check, on_set=device_on_set,
    pre_run=pre_run, host_prepare=host_prepare, emit=emit)
