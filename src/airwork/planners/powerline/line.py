"""Power-line model: ordered towers, phase conductors with sag, clearance by voltage.

Coordinates are metres in the job's local frame (``x`` east, ``y`` north).  A tower's
``height_m`` is measured from its foot, which stands ``ground_m`` above the job's *datum*
(z = 0: the lowest tower foot or station, from a DEM; every ``ground_m`` is 0 on flat
ground); every other height here (tops, attachments, conductors) is above the datum.  A line
is an ordered chain of towers; the conductors of span ``i`` join tower ``i`` to tower
``i + 1``.

Crossarms lie along the bisector of the two spans meeting at a tower (a mitre), so a phase
with lateral offset ``o`` is exactly ``o`` metres from the centre line of both spans; every
conductor point is therefore within ``max |o|`` of the centre-line polyline, and any point
at least ``max |o| + c`` from that polyline is at least ``c`` from every conductor.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import shapely

from airwork.errors import GeometryError

__all__ = [
    "DEFAULT_PHASES",
    "MIN_CLEARANCE_TABLE",
    "PowerLine",
    "Tower",
    "conductor_height_m",
    "min_approach_distance_m",
    "sag_m",
]

MIN_CLEARANCE_TABLE: tuple[tuple[float, float], ...] = (
    (50.0, 10.0),
    (200.0, 15.0),
    (350.0, 20.0),
    (500.0, 25.0),
    (750.0, 35.0),
    (1000.0, 45.0),
)
"""(highest nominal AC voltage [kV], minimum clearance [ft]) rows of OSHA 29 CFR 1926.1408
Table A ("Minimum clearance distances"), the distance equipment near power lines keeps from
them; a row covers voltages above the previous row's up to and including its own."""

_FT_M = 0.3048

DEFAULT_PHASES: tuple[tuple[float, float], ...] = (
    (-1.0, 4.0),
    (0.0, 4.0),
    (1.0, 4.0),
    (0.0, 0.0),
)
"""Conductors of a single-circuit tower: (lateral offset as a share of the crossarm
half-width [-], drop below the tower top [m]); three phases on the crossarm 4 m below the
top and an earth wire at the top."""


def min_approach_distance_m(voltage_kv) -> np.ndarray:
    """Minimum clearance of equipment from an energised AC line, by voltage [1]_.

    Parameters
    ----------
    voltage_kv : numeric
        Nominal line voltage (phase to phase). [kV]

    Returns
    -------
    numeric
        Clearance of Table A of [1]_ converted from feet. [m]

    Raises
    ------
    GeometryError
        For a voltage above 1000 kV (the table leaves it to the utility) or not > 0.

    References
    ----------
    .. [1] OSHA, 29 CFR 1926.1408 "Power line safety (up to 350 kV) - equipment
           operations", Table A "Minimum clearance distances" (up to 50 kV: 10 ft, over 50
           to 200: 15 ft, 200-350: 20 ft, 350-500: 25 ft, 500-750: 35 ft, 750-1000: 45 ft).

    Examples
    --------
    >>> float(min_approach_distance_m(110.0))
    4.572
    """
    v = np.asarray(voltage_kv, dtype=float)
    if np.any(~np.isfinite(v)) or np.any(v <= 0):
        raise GeometryError(f"line voltage must be > 0 kV, got {voltage_kv}")
    if np.any(v > MIN_CLEARANCE_TABLE[-1][0]):
        raise GeometryError(
            f"no tabulated clearance above 1000 kV (got {np.max(v):g} kV): give the clearance "
            "set by the line's owner"
        )
    limits = np.array([r[0] for r in MIN_CLEARANCE_TABLE])
    feet = np.array([r[1] for r in MIN_CLEARANCE_TABLE])
    return np.round(feet[np.searchsorted(limits, v, side="left")] * _FT_M, 6)


def sag_m(span_m, sag_frac=0.03, weight_n_per_m=None, tension_n=None):
    r"""Mid-span sag of a conductor, parabolic approximation of the catenary [1]_.

    Parameters
    ----------
    span_m : numeric
        Horizontal span length :math:`L`. [m]
    sag_frac : float
        Sag as a share of the span, used when weight and tension are not given. [-]
    weight_n_per_m : float or None
        Conductor weight per metre :math:`w`. [N/m]
    tension_n : float or None
        Horizontal tension :math:`H`. [N]

    Returns
    -------
    numeric
        :math:`s = w L^2 / (8 H)` ([1]_, parabola approximation of the catenary, good for
        sags below about 5 % of the span), else :math:`s = f L`. [m]

    References
    ----------
    .. [1] F. Kiessling, P. Nefzger, J. F. Nolasco, U. Kaintzyk, *Overhead Power Lines:
           Planning, Design, Construction*, Springer 2003, section 14.2 (parabola sag
           :math:`f = g' a^2 / (8 H)`).
    """
    span = np.asarray(span_m, dtype=float)
    if weight_n_per_m is not None and tension_n is not None:
        return weight_n_per_m * span**2 / (8.0 * tension_n)
    return sag_frac * span


def conductor_height_m(t, z_a_m, z_b_m, sag_m_):
    r"""Height of a sagged conductor at a share ``t`` of its span (parabola [1]_).

    :math:`z(t) = z_a + (z_b - z_a) t - 4 s t (1 - t)`: the chord between the attachment
    heights less a parabola whose depth at mid-span (``t = 0.5``) is the sag ``s``.

    Parameters
    ----------
    t : numeric
        Share of the span from attachment ``a``, in [0, 1]. [-]
    z_a_m, z_b_m : numeric
        Attachment heights. [m]
    sag_m_ : numeric
        Mid-span sag below the chord. [m]

    Returns
    -------
    numeric
        [m]

    References
    ----------
    .. [1] Kiessling et al. 2003 (see :func:`sag_m`), parabola of the inclined span.
    """
    t = np.asarray(t, dtype=float)
    return z_a_m + (z_b_m - z_a_m) * t - 4.0 * sag_m_ * t * (1.0 - t)


@dataclass(frozen=True)
class Tower:
    """One tower (pylon) of a line, in the local frame.

    Attributes
    ----------
    id : str
    x_m, y_m : float
        Position. [m]
    height_m : float
        Height of the top above the ground. [m]
    crossarm_half_m : float
        Half-width of the crossarm: lateral offset of the outer phases. [m]
    voltage_kv : float or None
        Nominal voltage. [kV]
    sag_m : float or None
        Sag of the span that starts at this tower; default from the span. [m]
    ground_m : float
        Elevation of the tower's foot above the job's datum, the planner's z = 0 (from a
        DEM; 0 on flat ground). [m]
    """

    id: str
    x_m: float
    y_m: float
    height_m: float
    crossarm_half_m: float = 3.0
    voltage_kv: float | None = None
    sag_m: float | None = None
    ground_m: float = 0.0


@dataclass(frozen=True)
class PowerLine:
    """An ordered chain of towers with sagged conductors.

    Parameters
    ----------
    line_id : str
    towers : tuple of Tower
        In line order; at least two.
    phases : tuple of (float, float)
        (lateral offset as a share of each tower's crossarm half-width [-], drop below the
        tower top [m]) of every conductor.
    sag_frac : float
        Default sag as a share of the span. [-]
    max_turn_deg : float
        Largest change of direction at a tower; a sharper one means towers out of order. [°]

    Raises
    ------
    GeometryError
        Fewer than two towers, duplicated ids or positions, a line that turns back (towers
        out of order), a height not > 0, a conductor below the ground: each names the tower
        or the span.
    """

    line_id: str
    towers: tuple[Tower, ...]
    phases: tuple[tuple[float, float], ...] = DEFAULT_PHASES
    sag_frac: float = 0.03
    max_turn_deg: float = 120.0
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        name = f"line {self.line_id!r}"
        if len(self.towers) < 2:
            raise GeometryError(f"{name}: needs at least two towers, got {len(self.towers)}")
        ids = [t.id for t in self.towers]
        seen: dict[str, int] = {}
        for i, tid in enumerate(ids):
            if tid in seen:
                raise GeometryError(
                    f"{name}: tower {tid!r} appears twice (positions {seen[tid] + 1} and {i + 1})"
                )
            seen[tid] = i
        if not (0.0 <= self.sag_frac < 0.2):
            raise GeometryError(f"{name}: sag_frac must be in [0, 0.2), got {self.sag_frac}")
        if not self.phases:
            raise GeometryError(f"{name}: no conductor (phases) given")
        g = self.ground_m
        if not np.all(np.isfinite(g)):
            i = int(np.argmax(~np.isfinite(g)))
            raise GeometryError(f"{name}: tower {ids[i]!r} ground elevation is not finite")
        h = self.height_m
        bad = ~np.isfinite(h) | (h <= 0)
        if bad.any():
            i = int(np.argmax(bad))
            raise GeometryError(f"{name}: tower {ids[i]!r} height_m must be > 0, got {h[i]}")
        half = np.array([t.crossarm_half_m for t in self.towers], dtype=float)
        if np.any(~np.isfinite(half) | (half < 0)):
            i = int(np.argmax(~np.isfinite(half) | (half < 0)))
            raise GeometryError(f"{name}: tower {ids[i]!r} crossarm half-width must be >= 0")
        length = self.span_length_m
        if np.any(length < 1.0):
            i = int(np.argmax(length < 1.0))
            raise GeometryError(
                f"{name}: towers {ids[i]!r} and {ids[i + 1]!r} are {length[i]:.2f} m apart: "
                "duplicated tower"
            )
        turn = self.turn_deg
        if np.any(turn > self.max_turn_deg):
            i = int(np.argmax(turn > self.max_turn_deg))
            raise GeometryError(
                f"{name}: the line turns by {turn[i]:.0f}° at tower {ids[i]!r} (more than "
                f"{self.max_turn_deg:g}°): towers out of order? (span {ids[i - 1]!r}-{ids[i]!r} "
                f"then {ids[i]!r}-{ids[i + 1]!r})"
            )
        drops = np.array([p[1] for p in self.phases])
        if np.any(drops < 0):
            raise GeometryError(f"{name}: a conductor drop below the tower top is negative")
        attach = h[:, None] - drops[None, :]
        if np.any(attach <= 0):
            i = int(np.argmax((attach <= 0).any(axis=1)))
            raise GeometryError(
                f"{name}: tower {ids[i]!r} ({h[i]:g} m) is lower than its conductor drops"
            )
        low = np.minimum(attach[:-1], attach[1:]).min(axis=1)
        lowest = self.lowest_point_m
        if np.any(lowest <= 0):
            i = int(np.argmax(lowest <= 0))
            raise GeometryError(
                f"{name}: span {ids[i]!r}-{ids[i + 1]!r} ({length[i]:.0f} m): the conductor "
                f"sags {self.sag_per_span_m[i]:.1f} m and reaches the ground (attachments "
                f"{low[i]:.1f} m above their feet)"
            )

    # ------------------------------------------------------------------ basic arrays
    @property
    def n(self) -> int:
        return len(self.towers)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.towers]

    @property
    def xy_m(self) -> np.ndarray:
        """(n, 2) tower positions. [m]"""
        if "xy" not in self._cache:
            self._cache["xy"] = np.array([(t.x_m, t.y_m) for t in self.towers], dtype=float)
        return self._cache["xy"]

    @property
    def height_m(self) -> np.ndarray:
        """(n,) tower heights above their feet. [m]"""
        return np.array([t.height_m for t in self.towers], dtype=float)

    @property
    def ground_m(self) -> np.ndarray:
        """(n,) elevation of the tower feet above the datum (z = 0). [m]"""
        return np.array([t.ground_m for t in self.towers], dtype=float)

    @property
    def top_m(self) -> np.ndarray:
        """(n,) tower tops above the datum: ground plus height. [m]"""
        return self.ground_m + self.height_m

    @property
    def half_m(self) -> np.ndarray:
        """(n,) crossarm half-widths. [m]"""
        return np.array([t.crossarm_half_m for t in self.towers], dtype=float)

    @property
    def span_length_m(self) -> np.ndarray:
        """(n - 1,) horizontal span lengths. [m]"""
        d = np.diff(self.xy_m, axis=0)
        return np.hypot(d[:, 0], d[:, 1])

    @property
    def chainage_m(self) -> np.ndarray:
        """(n,) distance along the line to each tower. [m]"""
        return np.concatenate([[0.0], np.cumsum(self.span_length_m)])

    @property
    def length_m(self) -> float:
        return float(self.span_length_m.sum())

    @property
    def unit_m(self) -> np.ndarray:
        """(n - 1, 2) unit direction of each span. [-]"""
        d = np.diff(self.xy_m, axis=0)
        return d / np.maximum(np.hypot(d[:, 0], d[:, 1]), 1e-12)[:, None]

    @property
    def turn_deg(self) -> np.ndarray:
        """(n,) change of direction at each tower (0 at the ends). [°]"""
        u = self.unit_m
        out = np.zeros(self.n)
        if len(u) > 1:
            cos = np.clip(np.einsum("ij,ij->i", u[:-1], u[1:]), -1.0, 1.0)
            out[1:-1] = np.degrees(np.arccos(cos))
        return out

    @property
    def mitre_m(self) -> np.ndarray:
        """(n, 2) crossarm vectors: a point ``P_i + o * mitre_i`` is ``o`` metres left of
        both spans meeting at tower ``i``. [-]"""
        u = self.unit_m
        nrm = np.column_stack([-u[:, 1], u[:, 0]])  # left normals of the spans
        n_in = np.vstack([nrm[:1], nrm])
        n_out = np.vstack([nrm, nrm[-1:]])
        b = n_in + n_out
        dot = np.einsum("ij,ij->i", b, n_out)
        return b / dot[:, None]

    def offset_xy_m(self, lateral_m) -> np.ndarray:
        """(n, 2) points ``lateral_m`` left (negative: right) of the centre line at each
        tower, on the crossarm bisector. [m]"""
        lat = np.asarray(lateral_m, dtype=float)
        lat = np.broadcast_to(lat, (self.n,))
        return self.xy_m + lat[:, None] * self.mitre_m

    @property
    def sag_per_span_m(self) -> np.ndarray:
        """(n - 1,) mid-span sag of every span. [m]"""
        out = np.asarray(sag_m(self.span_length_m, self.sag_frac), dtype=float).copy()
        for i, t in enumerate(self.towers[:-1]):
            if t.sag_m is not None:
                out[i] = float(t.sag_m)
        return out

    @property
    def attach_height_m(self) -> np.ndarray:
        """(n, k) attachment height of every conductor at every tower, above the datum. [m]"""
        drops = np.array([p[1] for p in self.phases])
        return self.top_m[:, None] - drops[None, :]

    @property
    def lowest_point_m(self) -> np.ndarray:
        """(n - 1,) lowest height of each span's conductors above the straight line joining
        the two tower feet (the ground itself on flat ground). [m]"""
        z = self.attach_height_m
        t = np.linspace(0.0, 1.0, 41)
        s = self.sag_per_span_m
        zz = conductor_height_m(t[None, None, :], z[:-1, :, None], z[1:, :, None], s[:, None, None])
        g = self.ground_m
        foot = g[:-1, None, None] + t[None, None, :] * (g[1:] - g[:-1])[:, None, None]
        return (zz - foot).min(axis=(1, 2))

    @property
    def max_lateral_m(self) -> float:
        """Largest lateral offset of any conductor from the centre line. [m]"""
        fr = np.abs(np.array([p[0] for p in self.phases]))
        return float(fr.max() * self.half_m.max())

    def mean_phase_height_m(self, t) -> np.ndarray:
        """Mean height of the conductors at shares ``t`` ((n - 1, m) or (m,)) of every
        span: (n - 1, m). [m]"""
        z = self.attach_height_m.mean(axis=1)
        s = self.sag_per_span_m
        t = np.asarray(t, dtype=float)
        if t.ndim == 1:
            t = np.broadcast_to(t, (self.n - 1, len(t)))
        return conductor_height_m(t, z[:-1, None], z[1:, None], s[:, None])

    def conductor_points(self, step_m: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Points along every conductor of every span, about ``step_m`` apart.

        Returns
        -------
        xyz : (N, 3) array
            [m]
        span : (N,) int array
            Span index of each point.
        """
        length = self.span_length_m
        sag = self.sag_per_span_m
        mitre = self.mitre_m
        out, spans = [], []
        for i in range(self.n - 1):
            t = np.linspace(0.0, 1.0, max(math.ceil(length[i] / step_m), 1) + 1)
            for frac, drop in self.phases:
                a = self.xy_m[i] + frac * self.half_m[i] * mitre[i]
                b = self.xy_m[i + 1] + frac * self.half_m[i + 1] * mitre[i + 1]
                za, zb = self.top_m[i] - drop, self.top_m[i + 1] - drop
                xy = a[None, :] + t[:, None] * (b - a)[None, :]
                z = conductor_height_m(t, za, zb, sag[i])
                out.append(np.column_stack([xy, z]))
                spans.append(np.full(len(t), i))
        return np.vstack(out), np.concatenate(spans)

    @property
    def centreline(self) -> shapely.LineString:
        return shapely.LineString(self.xy_m)

    def span_label(self, i: int) -> str:
        return f"span {self.towers[i].id!r}-{self.towers[i + 1].id!r} of line {self.line_id!r}"

    def tower_label(self, i: int) -> str:
        return f"tower {self.towers[i].id!r} of line {self.line_id!r}"
