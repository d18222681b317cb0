"""Independent re-check pieces for delivery trips, written apart from the planner and the
sortie builder: shared by ``test_delivery.py`` and ``bench/bench_delivery.py``."""

from __future__ import annotations

import math

import numpy as np

from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2

__all__ = ["corner_losses", "ground_speed"]


def ground_speed(v, w, d):
    """Solve |g u - w| = V for g > 0 (air velocity = ground velocity - wind)."""
    u = d / np.linalg.norm(d)
    # g^2 - 2 g (u.w) + |w|^2 - V^2 = 0
    b = float(u @ w)
    return b + math.sqrt(b * b - float(w @ w) + v * v)


def corner_losses(sortie, v: float, accel: float = WAYPOINT_ACCEL_MPS2) -> np.ndarray:
    """Hover time each leg loses to its corners (uniform acceleration, written here
    apart from the builder): speed through a waypoint min(v_in, v_out) max(0, cos turn), 0
    at a hold or a vertical leg, lowered where a leg is too short to brake or speed up
    (forward and backward passes); a leg that reaches its speed loses (v-u)^2/2av + (v-w)^2/2av,
    a short one peaks at p = sqrt(aL + (u^2+w^2)/2). [s]"""
    wps = sortie.waypoints
    n = len(sortie.legs)
    d = np.array([(wps[i + 1].x_m - wps[i].x_m, wps[i + 1].y_m - wps[i].y_m) for i in range(n)])
    horiz = np.hypot(d[:, 0], d[:, 1])
    vert = np.array([leg.kind.value in ("takeoff", "landing") for leg in sortie.legs])
    speed = np.where((horiz > 0) & ~vert, v, 0.0)
    vc = np.zeros(n + 1)  # speed through each waypoint; rest at both ends
    for j in range(1, n):
        if wps[j].hold_s > 0 or horiz[j - 1] == 0 or horiz[j] == 0:
            c = 0.0
        else:
            c = max(0.0, float(d[j - 1] @ d[j]) / (horiz[j - 1] * horiz[j]))
        vc[j] = min(speed[j - 1], speed[j]) * c
    for j in range(n):  # forward: can speed up along each leg
        vc[j + 1] = min(vc[j + 1], math.sqrt(vc[j] ** 2 + 2 * accel * horiz[j]))
    for j in range(n - 1, -1, -1):  # backward: can brake along each leg
        vc[j] = min(vc[j], math.sqrt(vc[j + 1] ** 2 + 2 * accel * horiz[j]))
    out = np.zeros(n)
    for i in range(n):
        x, length = speed[i], horiz[i]
        if x <= 0 or length <= 0:
            continue
        u, w = min(vc[i], x), min(vc[i + 1], x)
        if length >= (2 * x * x - u * u - w * w) / (2 * accel):  # reaches its speed
            out[i] = ((x - u) ** 2 + (x - w) ** 2) / (2 * accel * x)
        else:  # peaks below it
            p = math.sqrt(max(accel * length + 0.5 * (u * u + w * w), max(u, w) ** 2))
            out[i] = max((p - u) / accel + (p - w) / accel - length / x, 0.0)
    return out
