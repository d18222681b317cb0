"""Outcome of the power-line planner: per-flight figures and the whole result."""

from __future__ import annotations

from dataclasses import dataclass, field

from airwork.mission.model import Mission

__all__ = ["FlightReport", "PowerlineResult"]


@dataclass(frozen=True)
class FlightReport:
    """Figures of one flight: line km, counts, times [s], energy [Wh], crew move [m], and
    the MAVLink mission items of its ArduPilot export."""

    sortie: int
    line_id: str
    first_tower: str
    last_tower: str
    line_km: float
    spans: int
    towers: int
    photos: int
    flight_time_s: float
    energy_wh: float
    battery_frac: float
    takeoff_station: int
    landing_station: int
    drive_before_m: float
    mission_items: int = 0


@dataclass(frozen=True)
class PowerlineResult:
    """Outcome of :func:`plan_powerline`.

    Attributes
    ----------
    mission : Mission
        Kind ``"powerline"``.
    flights : tuple of FlightReport
    clearance_m : float
        Clearance kept from every conductor. [m]
    lateral_offset_m : float
        Horizontal distance of low flight from the centre line. [m]
    standoff_m : float or None
        Vantage distance from the tower axes. [m]
    corridor_trigger_m : float or None
        Corridor photo spacing. [m]
    corridor_pitch_deg : float or None
        Gimbal pitch along the corridor (negative down). [°]
    mapping_altitude_m, mapping_gsd_cm, mapping_trigger_m : float or None
    mapping_strips : int
    crew_time_s : float
        Flights + swaps + driving and set-up at every new station (a one-way flight counts
        the longer of the flight and the crew's move to its landing station). [s]
    drive_m : float
        Road distance driven between stations. [m]
    crew_moves : int
    line_km : float
    towers : int
    spans : int
    photos : int
    km_per_crew_day : float
        Line length over crew days of ``workday_h - mobilisation_h`` productive hours. [km]
    workday_h : float
    runtime_s : float
    warnings : tuple of str
    """

    mission: Mission
    flights: tuple[FlightReport, ...]
    modes: tuple[str, ...]
    clearance_m: float
    lateral_offset_m: float
    standoff_m: float | None
    corridor_trigger_m: float | None
    corridor_pitch_deg: float | None
    corridor_speed_mps: float | None
    mapping_altitude_m: float | None
    mapping_gsd_cm: float | None
    mapping_trigger_m: float | None
    mapping_strips: int
    crew_time_s: float
    drive_m: float
    crew_moves: int
    line_km: float
    towers: int
    spans: int
    photos: int
    km_per_crew_day: float
    workday_h: float
    runtime_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def flight_time_s(self) -> float:
        return self.mission.time_s

    def summary(self) -> dict:
        """Plain figures for tables and ``summary.json``."""

        def r(v, n=2):
            return None if v is None else round(float(v), n)

        return {
            "job": "powerline",
            "aircraft": self.mission.aircraft_name,
            "modes": list(self.modes),
            "clearance_m": r(self.clearance_m),
            "lateral_offset_m": r(self.lateral_offset_m),
            "standoff_m": r(self.standoff_m),
            "corridor_trigger_m": r(self.corridor_trigger_m),
            "corridor_pitch_deg": r(self.corridor_pitch_deg),
            "corridor_speed_mps": r(self.corridor_speed_mps),
            "mapping_altitude_m": r(self.mapping_altitude_m),
            "mapping_gsd_cm": r(self.mapping_gsd_cm, 3),
            "mapping_trigger_m": r(self.mapping_trigger_m),
            "mapping_strips": self.mapping_strips,
            "line_km": r(self.line_km, 3),
            "towers": self.towers,
            "spans": self.spans,
            "photos": self.photos,
            "flights": len(self.flights),
            "flight_time_s": r(self.flight_time_s, 1),
            "energy_wh": r(self.mission.energy_wh, 1),
            "crew_time_s": r(self.crew_time_s, 1),
            "crew_moves": self.crew_moves,
            "drive_km": r(self.drive_m / 1000.0, 3),
            "workday_h": self.workday_h,
            "km_per_crew_day": r(self.km_per_crew_day),
            "planning_time_s": r(self.runtime_s, 4),
            "warnings": list(self.warnings),
            "per_flight": [
                {
                    "sortie": f.sortie,
                    "line": f.line_id,
                    "towers": f"{f.first_tower}..{f.last_tower}",
                    "line_km": round(f.line_km, 3),
                    "spans": f.spans,
                    "towers_inspected": f.towers,
                    "photos": f.photos,
                    "flight_time_s": round(f.flight_time_s, 1),
                    "energy_wh": round(f.energy_wh, 1),
                    "battery_fraction": round(f.battery_frac, 4),
                    "takeoff_station": f.takeoff_station,
                    "landing_station": f.landing_station,
                    "drive_before_km": round(f.drive_before_m / 1000.0, 3),
                    "mission_items": f.mission_items,
                }
                for f in self.flights
            ],
        }
