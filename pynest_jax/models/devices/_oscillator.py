"""The exact sine oscillator of ac_generator and noise_generator.

NEST rotates ``(y_0, y_1)`` by ``omega * h`` each step (a propagator of the
harmonic oscillator) instead of evaluating ``sin``; both start values and the
rotation are computed on the host at Prepare with C's ``cos``/``sin`` (Python's
``math``, the same libm as NEST), so the iterated products match NEST's.
"""

import math

import numpy as np


def start_values(amplitude, frequency, phase, now_ms):
    """pre_run_hook: (y_0, y_1) = amplitude * (cos, sin)(omega * t + phi)."""
    y0, y1 = [], []
    for amp, f, ph in zip(amplitude, frequency, phase):
        omega = 2.0 * math.pi * f / 1000.0
        phi = ph * 2.0 * math.pi / 360.0
        y0.append(amp * math.cos(omega * now_ms + phi))
        y1.append(amp * math.sin(omega * now_ms + phi))
    return np.array(y0, float), np.array(y1, float)


def propagator(frequency, h):
    """(A_00, A_01, A_10, A_11): the rotation by omega * h."""
    A = np.zeros((4, len(frequency)))
    for i, f in enumerate(frequency):
        wh = 2.0 * math.pi * f / 1000.0 * h
        A[:, i] = (math.cos(wh), -math.sin(wh), math.sin(wh), math.cos(wh))
    return {"A_00": A[0], "A_01": A[1], "A_10": A[2], "A_11": A[3]}


def rotate(d, y0, y1):
    return d.A_00 * y0 + d.A_01 * y1, d.A_10 * y0 + d.A_11 * y1
