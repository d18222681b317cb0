"""Litchi CSV (Litchi Mission Hub import, DJI consumer drones), one file per sortie.

Column layout (reference ``mission-formats.md`` section 5; no first-party specification,
the layout Mission Hub exports and independent tools reproduce), metric variant: one header
row, one row per airborne waypoint, ``.`` decimal point::

    latitude,longitude,altitude(m),heading(deg),curvesize(m),rotationdir,gimbalmode,
    gimbalpitchangle,actiontype1,actionparam1,...,actiontype15,actionparam15,altitudemode,
    speed(m/s),poi_latitude,poi_longitude,poi_altitude(m),poi_altitudemode,
    photo_timeinterval,photo_distinterval

What is written: altitude above the take-off point (``altitudemode`` 0); ``heading`` the
bearing to the next waypoint, or to the camera target where one is set (used when the
mission's heading mode is "Custom" in Mission Hub); ``curvesize`` 0 (straight through every
point); ``gimbalmode`` 2 (interpolate) with the pitch last set, or 0 when the mission never
sets one; actions: ``0`` stay (milliseconds) for a hover, ``4`` rotate aircraft (heading °)
to face a camera target, ``5`` tilt camera (pitch °), ``1`` take photo; ``speed(m/s)`` of the
leg to the next waypoint (0..15); the camera target as POI; ``photo_distinterval`` on the
waypoints of a distance-triggered camera run (-1 elsewhere), ``photo_timeinterval`` -1.

Refused (``problems``): spraying, payload release and winch, altitudes not above the take-off
point, more than 99 waypoints in a sortie (the DJI waypoint-mission limit Litchi works
within: split the sortie), more than 15 actions at a waypoint, a leg faster than 15 m/s, an
altitude outside -200..500 m.  Mission-level settings (heading mode, finish action, path
mode, cruise speed) are not stored in the file: set them in Mission Hub after import.
"""

from __future__ import annotations

from dataclasses import dataclass

from airwork.autopilot.pointing import bearing_deg
from airwork.export.registry import ExportOptions, sortie_stem
from airwork.export.waypoint_route import SortieRoute, route_problems, sortie_route
from airwork.mission.model import Mission, Sortie

__all__ = ["HEADER", "LITCHI", "MAX_ACTIONS", "MAX_WAYPOINTS", "to_litchi_csv"]

MAX_WAYPOINTS = 99
MAX_ACTIONS = 15
MAX_SPEED_MPS = 15.0
ALTITUDE_RANGE_M = (-200.0, 500.0)

HEADER = ",".join(
    [
        "latitude",
        "longitude",
        "altitude(m)",
        "heading(deg)",
        "curvesize(m)",
        "rotationdir",
        "gimbalmode",
        "gimbalpitchangle",
        *[f"{k}{i}" for i in range(1, MAX_ACTIONS + 1) for k in ("actiontype", "actionparam")],
        "altitudemode",
        "speed(m/s)",
        "poi_latitude",
        "poi_longitude",
        "poi_altitude(m)",
        "poi_altitudemode",
        "photo_timeinterval",
        "photo_distinterval",
    ]
)


def _n(value: float, decimals: int = 2) -> str:
    text = f"{float(value):.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _actions(route: SortieRoute, i: int) -> list[tuple[int, float]]:
    p = route.points[i]
    out: list[tuple[int, float]] = []
    if p.heading_deg is not None:
        out.append((4, round(p.heading_deg, 1)))
    if p.gimbal_pitch_deg is not None:
        out.append((5, round(max(-90.0, min(30.0, p.gimbal_pitch_deg)), 1)))
    if p.hold_s > 0:
        out.append((0, round(p.hold_s * 1000.0)))
    if p.photo:
        out.append((1, 0))
    return out


def to_litchi_csv(mission: Mission, sortie: Sortie) -> str:
    """The Litchi CSV text of one sortie (header and one row per airborne waypoint)."""
    route = sortie_route(mission, sortie)
    pts = route.points
    in_window: dict[int, float] = {}
    for start, end, d in route.windows:
        for i in range(start, end):
            in_window[i] = d
    uses_gimbal = any(p.gimbal_pitch_deg is not None for p in pts)
    pitch = -90.0
    rows = [HEADER]
    for i, p in enumerate(pts):
        if p.heading_deg is not None:
            heading = p.heading_deg
        elif i + 1 < len(pts):
            heading = bearing_deg(p.lat, p.lon, pts[i + 1].lat, pts[i + 1].lon)
        elif i > 0:
            heading = bearing_deg(pts[i - 1].lat, pts[i - 1].lon, p.lat, p.lon)
        else:
            heading = 0.0
        if p.gimbal_pitch_deg is not None:
            pitch = max(-90.0, min(30.0, p.gimbal_pitch_deg))
        acts = _actions(route, i)
        acts += [(-1, 0)] * (MAX_ACTIONS - len(acts))
        poi = p.poi or (0.0, 0.0, 0.0)
        cols = [
            f"{p.lat:.8f}",
            f"{p.lon:.8f}",
            _n(p.alt_m),
            _n(heading % 360.0, 1),
            "0",
            "0",
            "2" if uses_gimbal else "0",
            _n(pitch, 1) if uses_gimbal else "0",
            *[x for t, v in acts for x in (str(t), _n(v, 1))],
            "0",
            _n(min(p.speed_mps, MAX_SPEED_MPS), 2),
            f"{poi[0]:.8f}" if p.poi else "0",
            f"{poi[1]:.8f}" if p.poi else "0",
            _n(poi[2]) if p.poi else "0",
            "0",
            "-1",
            _n(in_window[i], 2) if i in in_window else "-1",
        ]
        rows.append(",".join(cols))
    return "\n".join(rows) + "\n"


@dataclass(frozen=True)
class _Litchi:
    name: str = "litchi"
    description: str = "sortie-NN.litchi.csv: Litchi Mission Hub waypoint CSV"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        out = route_problems(mission, "Litchi")
        if out:
            return out
        lo, hi = ALTITUDE_RANGE_M
        for s in mission.sorties:
            route = sortie_route(mission, s)
            n = len(route.points)
            if n > MAX_WAYPOINTS:
                out.append(
                    f"sortie {s.index}: {n} waypoints, more than the {MAX_WAYPOINTS} of a Litchi "
                    "mission: split the sortie"
                )
            for i, p in enumerate(route.points):
                if len(_actions(route, i)) > MAX_ACTIONS:
                    out.append(f"sortie {s.index}, waypoint {i + 1}: more than 15 actions")
                if not lo <= p.alt_m <= hi:
                    out.append(
                        f"sortie {s.index}, waypoint {i + 1}: altitude {p.alt_m:g} m outside "
                        f"Litchi's {lo:g}..{hi:g} m"
                    )
                if p.speed_mps > MAX_SPEED_MPS + 1e-9:
                    out.append(
                        f"sortie {s.index}, waypoint {i + 1}: {p.speed_mps:g} m/s over Litchi's "
                        f"{MAX_SPEED_MPS:g} m/s"
                    )
        return out

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        return {
            f"{sortie_stem(mission, s)}.litchi.csv": to_litchi_csv(mission, s).encode()
            for s in mission.sorties
        }


LITCHI = _Litchi()
