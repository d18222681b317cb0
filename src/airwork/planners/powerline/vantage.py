"""Tower vantage geometry: sectors between the spans at a tower, vantage directions, the
standoff that keeps the clearance, and the excursion that photographs one side of a tower.

At tower ``i`` the forward ray points along span ``i`` and the backward ray along span
``i - 1``; they split the ground around the tower into a left (+1) and a right (-1)
*sector* of angle ``beta``.  Vantage directions lie in a sector at ``gamma`` from the line
(``vantage_angle_deg``, at most a third of the sector) and, with three per side, on its
bisector.  A vantage point at horizontal standoff ``S`` from the tower axis in a direction
at ``gamma`` from the line is ``S sin(gamma)`` from it, so ``S >= lateral / sin(gamma)``
keeps the low-flight distance from the centre line (see :mod:`.line`).  Moves between
vantage points go around the standoff circle in the fewest straight chords that keep that
distance (checked exactly; a chord between directions ``a`` and ``a + d`` passes
``S cos(d / 2)`` from the tower axis), at most 15° apart: every chord is a mission item,
and the autopilot brakes and speeds up on every one of them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from airwork.errors import InfeasibleMissionError
from airwork.mission.model import Action, ActionKind
from airwork.planners.powerline.line import PowerLine
from airwork.planners.powerline.pieces import TRANSIT, Spec, spec
from airwork.planners.powerline.problem import PowerlineParams

__all__ = ["TowerVantages", "sectors", "vantage_standoff_m"]

ARC_STEP_DEG = 15.0
"""Largest angle between consecutive points on the standoff circle. [°]"""


def _rot(v: np.ndarray, deg) -> np.ndarray:
    """Vectors ``v`` (..., 2) turned counter-clockwise by ``deg``. [°]"""
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.column_stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]])


def sectors(ln: PowerLine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward rays, backward rays (n, 2) and the sector angle (n, 2) on the left (+1) and
    right (-1) side at every tower. [°]"""
    u = ln.unit_m
    r_f = np.vstack([u, u[-1:]])
    r_b = -np.vstack([u[:1], u])
    ang_f = np.degrees(np.arctan2(r_f[:, 1], r_f[:, 0]))
    ang_b = np.degrees(np.arctan2(r_b[:, 1], r_b[:, 0]))
    left = (ang_b - ang_f) % 360.0  # counter-clockwise from r_f to r_b
    left = np.where(left == 0, 180.0, left)
    return r_f, r_b, np.column_stack([left, 360.0 - left])


def _vantage_gamma(ln: PowerLine, params: PowerlineParams) -> np.ndarray:
    """(n, 2) smallest angle between a vantage direction and the line, per tower and side."""
    _, _, beta = sectors(ln)
    k = params.vantage_per_side
    if k == 1:
        return beta / 2.0
    return np.minimum(params.vantage_angle_deg, beta / 3.0)


def _vantage_angles(beta: float, gamma: float, k: int) -> list[float]:
    """Angles of the ``k`` vantage directions from the forward ray in a sector. [°]"""
    if k == 1:
        return [beta / 2.0]
    if k == 2:
        return [gamma, beta - gamma]
    return [gamma, beta / 2.0, beta - gamma]


def vantage_standoff_m(lines, lateral: float, params: PowerlineParams) -> float:
    """Vantage standoff: the given one, checked, or the least that keeps ``lateral`` from
    the centre line at every tower (2 % margin for the legs along the standoff circle).
    [m]

    Raises
    ------
    InfeasibleMissionError
        A given standoff too small, naming the tower.
    """
    need, where = 0.0, None
    for ln in lines:
        gam = _vantage_gamma(ln, params)
        req = lateral / np.sin(np.radians(gam)) * 1.02
        i, j = np.unravel_index(int(np.argmax(req)), req.shape)
        if req[i, j] > need:
            need, where = float(req[i, j]), ln.tower_label(int(i))
    if params.standoff_m is None:
        return float(math.ceil(need))
    if params.standoff_m < need:
        raise InfeasibleMissionError(
            f"standoff {params.standoff_m:g} m is too close at {where}: vantage points need "
            f"{need:.1f} m to stay {lateral:.1f} m from the line (conductors + clearance)"
        )
    return float(params.standoff_m)


@dataclass(frozen=True)
class TowerVantages:
    """Vantage excursions around the towers of one line.

    Attributes
    ----------
    line : PowerLine
    standoff_m : float
        Horizontal distance of the vantage points from the tower axis. [m]
    lateral_m : float
        Least horizontal distance of every move from the line's centre line. [m]
    per_side : int
        Vantage directions per side of a tower. [-]
    pitch_deg : float
        Downward look of the photos. [°]
    hold_s : float
        Hover before each photo. [s]
    ray : ndarray
        (n, 2) forward ray at every tower.
    beta_deg, gamma_deg : ndarray
        (n, 2) sector angle and vantage angle from the line, per tower and side. [°]
    insulator_m : ndarray
        (n,) mean attachment (insulator) height at every tower, above the datum. [m]
    """

    line: PowerLine
    standoff_m: float
    lateral_m: float
    per_side: int
    pitch_deg: float
    hold_s: float
    ray: np.ndarray
    beta_deg: np.ndarray
    gamma_deg: np.ndarray
    insulator_m: np.ndarray
    chords: dict = field(default_factory=dict)

    @classmethod
    def for_line(
        cls, ln: PowerLine, standoff_m: float, lateral_m: float, params: PowerlineParams
    ) -> TowerVantages:
        """The vantages of ``ln`` at ``standoff_m`` with the photo settings of ``params``,
        every move at least ``lateral_m`` from the centre line."""
        r_f, _r_b, beta = sectors(ln)
        gamma = _vantage_gamma(ln, params)
        arcs = []  # (tower, side index, angle from, angle to) of every move on the circle
        for i in range(ln.n):
            for sidx in (0, 1):
                b, g = float(beta[i, sidx]), float(gamma[i, sidx])
                stops = [b / 2.0, *_vantage_angles(b, g, params.vantage_per_side), b / 2.0]
                arcs += [(i, sidx, a0, a1) for a0, a1 in itertools.pairwise(stops)]
        chords = _fewest_chords(ln, r_f, standoff_m, lateral_m, arcs)
        return cls(
            line=ln,
            standoff_m=standoff_m,
            lateral_m=lateral_m,
            per_side=params.vantage_per_side,
            pitch_deg=params.vantage_pitch_deg,
            hold_s=params.photo_hold_s,
            ray=r_f,
            beta_deg=beta,
            gamma_deg=gamma,
            insulator_m=ln.attach_height_m.mean(axis=1),
            chords=chords,
        )

    def excursion(self, i: int, side: float, forward: bool, start, speed_mps: float) -> list[Spec]:
        """Excursion from the track point ``start`` at tower ``i`` on ``side`` and back, at
        ``speed_mps``: out to the standoff circle on the sector bisector, around the circle
        to every vantage direction, a photo at the insulator and the top height at each
        (the camera pointed from the waypoint before, hovering ``hold_s``), back to
        ``start``.  Moves around the circle are the fewest chords that keep
        ``lateral_m`` from the centre line (at most :data:`ARC_STEP_DEG` apart)."""
        S = self.standoff_m
        sidx = 0 if side > 0 else 1
        b, g = float(self.beta_deg[i, sidx]), float(self.gamma_deg[i, sidx])
        angles = _vantage_angles(b, g, self.per_side)
        if forward:  # behind first (larger angles from the forward ray)
            angles = angles[::-1]
        c = self.line.xy_m[i]
        ray = self.ray[i]
        sign = 1.0 if side > 0 else -1.0
        z_ins, z_top = float(self.insulator_m[i]), float(self.line.top_m[i])
        lift = S * math.tan(math.radians(self.pitch_deg))
        specs = []
        # radial move out to the circle on the sector bisector, then around the circle
        mid = b / 2.0
        d = _rot(ray[None, :], sign * mid)[0]
        z_cur = start[2]
        specs.append(spec(c[0] + S * d[0], c[1] + S * d[1], z_cur, TRANSIT, speed_mps))
        cur = mid
        heights = [(z_ins, z_ins + lift), (z_top, z_top + lift)]
        for k, a in enumerate(angles):
            if abs(a - cur) > 1e-9:
                specs += self._chords(c, cur, a, sign, z_cur, speed_mps, ray, i)
            cur = a
            hs = heights if k % 2 == 0 else heights[::-1]
            for aim, zc in hs:
                self._photo(specs, (float(c[0]), float(c[1]), aim), zc, speed_mps)
                z_cur = zc
        if abs(cur - mid) > 1e-9:
            specs += self._chords(c, cur, mid, sign, z_cur, speed_mps, ray, i)
        back = (Action(ActionKind.POINT_CAMERA, target_m=None),)
        specs.append(spec(start[0], start[1], start[2], TRANSIT, speed_mps, actions=back))
        return specs

    def _chords(self, center, a0, a1, sign, z, speed, ray, i: int) -> list[Spec]:
        """Points around the standoff circle from angle a0 to a1 (from ``ray``, towards the
        side ``sign``), excluding a0, in the fewest chords of :func:`_fewest_chords`."""
        sidx = 0 if sign > 0 else 1
        n = self.chords[(i, sidx, min(a0, a1), max(a0, a1))]
        a = a0 + (a1 - a0) * np.arange(1, n + 1) / n
        pts = center[None, :] + self.standoff_m * _rot(ray[None, :], sign * a)
        return [spec(x, y, z, TRANSIT, speed) for x, y in pts]

    def _photo(self, specs: list[Spec], aim_at: tuple, z_m: float, speed_mps: float) -> None:
        """Point the camera at ``aim_at``, then go to ``z_m`` above the last spec, hover
        and photograph there (specs changed in place).  The camera is pointed on arrival at
        the waypoint before the photo point, so that it turns while the aircraft moves and
        the hover lets it settle; a photo at the last spec's own height is taken there
        (no zero-length leg, whose mission items an autopilot may skip)."""
        point = (
            Action(ActionKind.POINT_CAMERA, target_m=aim_at),
            Action(ActionKind.GIMBAL, value=-self.pitch_deg, value2=0.0),
        )
        shot = (Action(ActionKind.CAMERA_PHOTO),)
        w = specs[-1]
        if w[2] == z_m and w[6] == 0.0 and len(specs) > 1:
            v = specs[-2]
            specs[-2] = (*v[:7], v[7] + point)
            specs[-1] = (*w[:6], self.hold_s, w[7] + shot)
            return
        specs[-1] = (*w[:7], w[7] + point)
        specs.append(spec(w[0], w[1], z_m, TRANSIT, speed_mps, hold=self.hold_s, actions=shot))


def _fewest_chords(ln: PowerLine, ray, radius: float, lateral: float, arcs) -> dict:
    """For every move ``(tower, side index, a0, a1)`` around the standoff circle, the fewest
    equal chords (at most :data:`ARC_STEP_DEG` apart) that keep ``lateral`` from the whole
    centre line (shapely's exact distance, one vectorised call per chord count); where none
    does, the most.  Keyed ``(tower, side index, smaller angle, larger angle)``."""
    if not arcs:
        return {}
    tower = np.array([a[0] for a in arcs])
    sign = np.where(np.array([a[1] for a in arcs]) == 0, 1.0, -1.0)
    a0 = np.array([a[2] for a in arcs])
    a1 = np.array([a[3] for a in arcs])
    n_max = np.maximum(1, np.ceil(np.abs(a1 - a0) / ARC_STEP_DEG)).astype(int)
    best = n_max.copy()
    found = np.abs(a1 - a0) <= 1e-9  # no move
    centre = ln.xy_m[tower]
    c, s = ray[tower, 0], ray[tower, 1]
    for n in range(1, int(n_max.max()) + 1):
        todo = np.flatnonzero(~found & (n <= n_max))
        if not todo.size:
            continue
        ang = np.radians(
            sign[todo, None] * (a0[todo, None] + (a1 - a0)[todo, None] * np.arange(n + 1) / n)
        )
        cos, sin = np.cos(ang), np.sin(ang)
        x = centre[todo, 0, None] + radius * (cos * c[todo, None] - sin * s[todo, None])
        y = centre[todo, 1, None] + radius * (sin * c[todo, None] + cos * s[todo, None])
        paths = shapely.linestrings(np.stack([x, y], axis=-1))
        clear = shapely.distance(paths, ln.centreline) >= lateral * (1 - 1e-9)
        best[todo[clear]] = n
        found[todo[clear]] = True
    return {
        (int(t), int(sd), min(x0, x1), max(x0, x1)): int(n)
        for (t, sd, x0, x1), n in zip(arcs, best, strict=True)
    }
