"""What a check is configured with and what it reports: :class:`CheckConfig`,
:class:`Violation` (each with sortie, item, place and amount), :class:`CheckReport`, and
the commands each autopilot accepts in a mission."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from pymavlink import mavutil

from airwork.aircraft.model import Aircraft
from airwork.autopilot.items import ARDUPILOT_COPTER_COMMANDS, PX4_MISSION_COMMANDS, Autopilot
from airwork.autopilot.profiles import AutopilotProfile
from airwork.errors import GeometryError
from airwork.site.terrain import Terrain
from airwork.site.wind import Wind
from airwork.site.zones import Obstacle, Zone

__all__ = ["ACCEPTED_COMMANDS", "CheckConfig", "CheckReport", "Violation"]

_ML = mavutil.mavlink

#: Commands each autopilot accepts in an uploaded mission: what our exporter emits
#: (:mod:`airwork.autopilot.mission_items`) plus the navigation and DO/CONDITION commands listed for
#: it in ``mission-formats.md`` sections 3.2-3.3 (loiters, RTL, spline, DO_JUMP, delays,
#: yaw, relay, land start for ArduPilot; loiters, RTL, VTOL, DO_JUMP, image capture and
#: camera interval for PX4).
ACCEPTED_COMMANDS: dict[Autopilot, frozenset[int]] = {
    Autopilot.ARDUPILOT: ARDUPILOT_COPTER_COMMANDS
    | {
        _ML.MAV_CMD_NAV_LOITER_UNLIM,
        _ML.MAV_CMD_NAV_LOITER_TURNS,
        _ML.MAV_CMD_NAV_LOITER_TIME,
        _ML.MAV_CMD_NAV_RETURN_TO_LAUNCH,
        _ML.MAV_CMD_NAV_SPLINE_WAYPOINT,
        _ML.MAV_CMD_CONDITION_DELAY,
        _ML.MAV_CMD_CONDITION_YAW,
        _ML.MAV_CMD_DO_JUMP,
        _ML.MAV_CMD_DO_SET_RELAY,
        _ML.MAV_CMD_DO_LAND_START,
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_INTERVAL,
    },
    Autopilot.PX4: PX4_MISSION_COMMANDS
    | {
        _ML.MAV_CMD_NAV_LOITER_UNLIM,
        _ML.MAV_CMD_NAV_LOITER_TIME,
        _ML.MAV_CMD_NAV_RETURN_TO_LAUNCH,
        _ML.MAV_CMD_NAV_VTOL_TAKEOFF,
        _ML.MAV_CMD_NAV_VTOL_LAND,
        _ML.MAV_CMD_DO_JUMP,
        _ML.MAV_CMD_IMAGE_START_CAPTURE,
        _ML.MAV_CMD_IMAGE_STOP_CAPTURE,
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_INTERVAL,
    },
}

_EPS = 1e-6


@dataclass(frozen=True)
class CheckConfig:
    """What a mission is checked against.

    Attributes
    ----------
    zones : tuple of Zone
        Geofences and no-fly zones (added to the mission's own fences).
    obstacles : tuple of Obstacle
        Tall obstacles.
    terrain : Terrain or None
        Ground elevation; None is flat ground at ``ground_amsl_m``, or at the mission's
        home elevation.
    wind : Wind
    aircraft : Aircraft or None
        For battery, wind and speed limits; None loads the mission's own aircraft by name
        when it can, else those checks are skipped (noted).
    max_agl_m, min_agl_m : float
        Height above ground limits. [m]  The minimum defaults to 0.5 m, the lowest work
        height the spray planner accepts.
    obstacle_clearance_m, obstacle_vertical_clearance_m : float
        Distance kept from tall obstacles, horizontally and above their top. [m]
    autopilot : Autopilot or None
        Target of the command check; None skips it.
    step_m : float
        Sampling step along legs. [m]
    payload_kg : float or None
        Payload of an imported mission (files carry none); default the aircraft's full
        payload, the worst case. [kg]
    ground_amsl_m : float or None
        Elevation of flat ground when no terrain is given. [m]
    air_temperature_c : float or None
        Air temperature for the density a named aircraft flies in at that ground (ISA
        when None; a mission file that carries its aircraft keeps the air it was planned
        in). [°C]
    check_energy : bool
    wind_in_energy : bool
        The mission's own leg energies already count this wind (a planner that flew its
        legs in it, e.g. delivery): they are taken as they are, not corrected for it again.
    profile : AutopilotProfile, str or None
        Autopilot profile (or its name / YAML path) for the storage-limit and device checks;
        None: the default profile of ``autopilot``.
    """

    zones: tuple[Zone, ...] = ()
    obstacles: tuple[Obstacle, ...] = ()
    terrain: Terrain | None = None
    wind: Wind = field(default_factory=Wind)
    aircraft: Aircraft | None = None
    max_agl_m: float = 120.0
    min_agl_m: float = 0.5
    obstacle_clearance_m: float = 5.0
    obstacle_vertical_clearance_m: float = 5.0
    autopilot: Autopilot | None = Autopilot.ARDUPILOT
    step_m: float = 1.0
    payload_kg: float | None = None
    ground_amsl_m: float | None = None
    air_temperature_c: float | None = None
    check_energy: bool = True
    wind_in_energy: bool = False
    profile: AutopilotProfile | str | None = None

    def __post_init__(self) -> None:
        if not (self.step_m > 0 and math.isfinite(self.step_m)):
            raise GeometryError(f"check step must be > 0 m, got {self.step_m}")
        if not self.min_agl_m < self.max_agl_m:
            raise GeometryError(
                f"min height above ground {self.min_agl_m} m must be below the maximum "
                f"{self.max_agl_m} m"
            )


@dataclass(frozen=True)
class Violation:
    """One located violation (the worst sample of a run of violating samples).

    Attributes
    ----------
    kind : str
        See the module docstring.
    sortie : int
    item : int
        Waypoint index (planned mission) or MAVLink sequence number (files) of the item the
        aircraft is flying to.
    lat_deg, lon_deg : float
        Where. [°]
    amsl_m, agl_m : float
        Aircraft altitude above mean sea level and above ground there. [m]
    amount : float
        By how much, in ``unit``.
    unit : str
    limit : float or None
        The limit that was passed, in ``unit`` or metres.
    what : str
        The zone, obstacle or command concerned.
    message : str
    """

    kind: str
    sortie: int
    item: int
    lat_deg: float
    lon_deg: float
    amsl_m: float
    agl_m: float
    amount: float
    unit: str
    limit: float | None
    what: str
    message: str


@dataclass
class CheckReport:
    """The result of a check: violations, notes and per-sortie figures."""

    mission: str
    violations: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    sorties: list[dict[str, Any]] = field(default_factory=list)
    samples: int = 0
    terrain: str = ""
    runtime_s: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.violations

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for v in self.violations:
            out[v.kind] = out.get(v.kind, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        def clean(x):
            if isinstance(x, float) and not math.isfinite(x):
                return None
            return x

        return {
            "mission": self.mission,
            "ok": self.ok,
            "violation_counts": self.counts(),
            "violations": [{k: clean(v) for k, v in asdict(x).items()} for x in self.violations],
            "notes": list(self.notes),
            "sorties": [{k: clean(v) for k, v in s.items()} for s in self.sorties],
            "samples": self.samples,
            "terrain": self.terrain,
            "runtime_s": self.runtime_s,
        }

    def lines(self, limit: int | None = None) -> list[str]:
        """One readable line per violation."""
        vs = self.violations if limit is None else self.violations[:limit]
        out = [
            f"sortie {v.sortie} item {v.item} ({v.lat_deg:.6f}, {v.lon_deg:.6f}): {v.message}"
            for v in vs
        ]
        if limit is not None and len(self.violations) > limit:
            out.append(f"... and {len(self.violations) - limit} more")
        return out
