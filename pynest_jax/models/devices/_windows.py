"""When a stimulation device is active (nestkernel/stimulation_device.cpp).

``StimulationDevice::is_active(T)`` is ``t_min < T <= t_max`` with
``t_min = steps(origin + start)``, ``t_max = steps(origin + stop)``; what ``T``
is differs between models, so each says which step it tests:

* current generators (dc, ac, step_current, noise) pass the step ``n`` being
  computed and is_active adds 2: their current is sent one step early so that
  it arrives, with the minimal delay, in the step it belongs to;
* poisson_generator passes ``n`` itself (its spikes carry stamp ``n + 1``, so
  start=5 ms gives a first spike at 5.2 ms at h=0.1 ms);
* spike_generator tests the stamp of each spike (host side, see spike_generator.py).
"""


def _bounds(p, ctx):
    # origin + start in ms, as NEST adds the two Time objects (both on the grid)
    return ctx.steps(p.origin + p.start), ctx.steps(p.origin + p.stop)


def active_at(p, ctx, step):
    t_min, t_max = _bounds(p, ctx)
    return (t_min < step) & (step <= t_max)


def current_active(p, ctx):
    return active_at(p, ctx, ctx.n + 2)


def step_active(p, ctx):
    return active_at(p, ctx, ctx.n)
