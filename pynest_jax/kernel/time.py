"""NEST's time grid: tics, steps and milliseconds (nestkernel/nest_time.h).

All conversions between ms and steps go through here, so that every part of
the kernel rounds exactly as NEST does.
"""

import math

import numpy as np

TICS_PER_MS = 1000.0  # NEST's compiled-in default: 1 tic = 1 µs


class TimeGrid:
    """The simulation grid for one resolution."""

    def __init__(self, resolution_ms: float, tics_per_ms: float = TICS_PER_MS):
        self.tics_per_ms = float(tics_per_ms)
        self.tics_per_step = int(round(resolution_ms * self.tics_per_ms))
        self.h = self.tics_per_step / self.tics_per_ms
        # steps_scalar of the few window and interval values a recorder or a run asks
        # for again at every Simulate call (one of a short call's fixed costs)
        self._steps_memo: dict = {}
        # the greatest simulation time nest.cpp run() accepts
        self.max_ms = float(self.steps_to_ms(2 ** 60 // self.tics_per_step))

    # Time(Time::ms(t)): round to the nearest tic, half up.
    def ms_to_tics(self, t):
        if type(t) is float and -1e15 < t < 1e15:
            # a Python float (Simulate's time, a device's window), by the same IEEE
            # operations as below without numpy's per-call overhead: ~1 us instead of ~8
            tics = math.floor(t * self.tics_per_ms + 0.5) if t >= 0 else \
                -math.floor(-t * self.tics_per_ms + 0.5)
            return np.array(tics, dtype=np.int64)
        t = np.asarray(t, dtype=float)
        return np.where(t >= 0, np.floor(t * self.tics_per_ms + 0.5),
                        -np.floor(-t * self.tics_per_ms + 0.5)).astype(np.int64)

    # Time::get_steps(): tics rounded *up* to the next whole step.
    def ms_to_steps(self, t):
        tics = self.ms_to_tics(t)
        return -((-tics) // self.tics_per_step)

    # Time::delay_ms_to_steps(): round to nearest (ld_round), used for delays.
    def delay_to_steps(self, d):
        # ld_round(ms * STEPS_PER_MS), STEPS_PER_MS = 1 / MS_PER_STEP: multiplying by the
        # rounded inverse, not dividing, decides halfway cases exactly as NEST does.
        return np.floor(np.asarray(d, dtype=float) * (1.0 / self.h) + 0.5).astype(np.int64)

    def delays_on_grid(self, d):
        """delay_to_steps, then delay_steps_to_ms, over one array of float64 delays:
        (delays in ms, least step, greatest step). The floored values stay floats, as
        an integer below 2**53 converts to int64 and back unchanged: the same bits with
        one temporary instead of five."""
        t = np.multiply(d, 1.0 / self.h)
        t += 0.5
        np.floor(t, out=t)
        lo, hi = t.min(), t.max()
        if not (-2.0 ** 53 < lo and hi < 2.0 ** 53):  # NaN or huge: int64's own casts
            steps = t.astype(np.int64)
            return self.delay_steps_to_ms(steps), int(steps.min()), int(steps.max())
        t *= self.h
        return t, int(lo), int(hi)

    def delay_steps_to_ms(self, steps):
        """Time::delay_steps_to_ms: steps * MS_PER_STEP (a connection's reported delay)."""
        return np.asarray(steps, dtype=np.int64) * self.h

    def continuous_delay(self, d):
        """cont_delay_synapse::set_status: a delay off the grid becomes the next step up
        and an offset back from it; on the grid, the usual rounding. (steps, offset ms)."""
        h = float(self.steps_to_ms(1))
        frac, whole = np.modf(np.asarray(d, dtype=float) / h)
        on_grid = frac == 0
        steps = np.where(on_grid, self.delay_to_steps(d), whole.astype(np.int64) + 1)
        return steps, np.where(on_grid, 0.0, h * (1.0 - frac))

    def steps_to_ms(self, steps):
        # Time::get_ms(): tics times MS_PER_TIC (a double), the same rounding as NEST.
        return (np.asarray(steps, dtype=np.int64) * self.tics_per_step) * (1.0 / self.tics_per_ms)

    def is_multiple(self, t) -> bool:
        """True when t (ms) lies on the grid, as NEST's Time::is_grid_time()."""
        tics = self.ms_to_tics(t)
        return bool(np.all(tics % self.tics_per_step == 0))

    def steps_scalar(self, t: float) -> int:
        if isinstance(t, float):  # numpy's float64 too (a recorder's interval)
            t = float(t)
            steps = self._steps_memo.get(t)
            if steps is None:
                if len(self._steps_memo) > 4096:
                    self._steps_memo.clear()
                steps = self._steps_memo[t] = self._steps_scalar(t)
            return steps
        return self._steps_scalar(t)

    def _steps_scalar(self, t) -> int:
        if math.isinf(t):
            return np.iinfo(np.int64).max // 4 if t > 0 else -(np.iinfo(np.int64).max // 4)
        if type(t) is float and -1e15 < t < 1e15:  # ms_to_steps in Python ints
            return -((-int(self.ms_to_tics(t))) // self.tics_per_step)
        return int(self.ms_to_steps(t))
