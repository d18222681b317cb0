"""The ``powerline`` kind of job: towers or lines, road-side stations, a right-of-way and
no-fly zones in; corridor imagery, tower vantage photos and a mapping strip in battery-sized
flights out (:func:`~.planner.plan_powerline`).  On a site with terrain, towers and stations
stand on the ground (:func:`~.terrain.on_terrain`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

from pydantic import Field

from airwork.jobs.base import JobParams, KindReport, Planned, Progress
from airwork.jobs.request import AircraftChoice
from airwork.site.model import Site

__all__ = ["POWERLINE", "PowerlineJobParams", "PowerlineKind"]


class PowerlineJobParams(JobParams):
    """Parameters of a power-line inspection."""

    mode: list[Literal["corridor", "towers", "mapping"]] = Field(
        default_factory=lambda: ["corridor", "towers"],
        description="What to fly: corridor, towers, mapping (repeat for several)",
        json_schema_extra={"cli_short": "-m"},
    )
    sides: Literal["both", "left", "right"] = Field("both", description="Corridor sides")
    voltage_kv: float | None = Field(
        None, gt=0, le=2000, description="Line voltage when towers carry none (kV)"
    )
    clearance_m: float | None = Field(
        None, ge=0.5, le=100, description="Clearance from conductors (m); default by voltage"
    )
    gps_margin_m: float = Field(2.0, ge=0, le=50, description="Added to the clearance (m)")
    standoff_m: float | None = Field(
        None, ge=2, le=200, description="Vantage distance from towers (m)"
    )
    vantage_per_side: int = Field(2, ge=1, le=3, description="Vantage positions per side")
    corridor_offset_m: float | None = Field(
        None, ge=0, le=200, description="Corridor track offset from the line (m)"
    )
    front_overlap: float = Field(0.3, ge=0, le=0.95, description="Corridor photo overlap")
    zoom: float = Field(1.0, ge=1, le=100, description="Camera zoom factor")
    sag_frac: float = Field(
        0.03, ge=0, le=0.2, description="Default conductor sag as a share of the span"
    )
    mapping_gsd_cm: float | None = Field(None, ge=0.1, le=100, description="Mapping GSD (cm/px)")
    mapping_width_m: float | None = Field(
        None, ge=1, le=1000, description="Mapped strip width (m); default the right-of-way"
    )
    row_width_m: float | None = Field(
        None, ge=1, le=1000, description="Right-of-way width without a polygon (m)"
    )
    turnaround_s: float = Field(
        300.0, ge=0, le=7200, description="Ground time between flights: battery swap (s)"
    )
    drive_speed_kmh: float = Field(40.0, gt=0, le=200, description="Crew driving speed (km/h)")
    road_factor: float = Field(1.3, ge=1, le=5, description="Road over straight-line distance")
    workday_h: float = Field(8.0, gt=0, le=24, description="Crew working day (h)")
    max_mission_items: int = Field(
        650,
        ge=20,
        le=100_000,
        description="Most mission items one flight may have; default the autopilot "
        "profile's (650 on arducopter-4.6, 500 on px4-1.15)",
    )


@dataclass(frozen=True)
class PowerlineKind:
    """Power-line inspection."""

    name: str = "powerline"
    title: str = (
        "Inspect a power line: corridor imagery, tower vantage photos and a mapping strip, "
        "in battery-sized flights from road-side stations"
    )
    roles: ClassVar[tuple[str, ...]] = (
        "tower",
        "line",
        "station",
        "right_of_way",
        "obstacle",
        "no_fly",
        "geofence",
    )
    role_files: ClassVar[tuple[str, ...]] = ("station",)
    Params: ClassVar[type[PowerlineJobParams]] = PowerlineJobParams
    default_aircraft: ClassVar[str] = "inspector-quad"
    fleet: ClassVar[bool] = False
    sprays: ClassVar[bool] = False
    replans: ClassVar[bool] = False

    def plan(
        self,
        site: Site,
        aircraft: Sequence[AircraftChoice],
        params: PowerlineJobParams,
        conditions,
        *,
        name: str,
        planning_reserve_frac: float | None,
        progress: Progress,
    ) -> Planned:
        from airwork.planners.powerline import PowerlineParams, on_terrain, plan_powerline
        from airwork.planners.powerline.inputs import powerline_problem

        progress(0.0, "reading the line")
        problem, notes = powerline_problem(
            site, aircraft[0].aircraft, name, sag_frac=params.sag_frac
        )
        if site.terrain is not None:
            problem = on_terrain(problem, site.terrain)
        reserve = (
            planning_reserve_frac if planning_reserve_frac is not None else params.reserve_frac
        )
        planner_params = PowerlineParams(
            modes=tuple(dict.fromkeys(params.mode)),
            sides=params.sides,
            voltage_kv=params.voltage_kv,
            clearance_m=params.clearance_m,
            gps_margin_m=params.gps_margin_m,
            standoff_m=params.standoff_m,
            vantage_per_side=params.vantage_per_side,
            corridor_offset_m=params.corridor_offset_m,
            front_overlap=params.front_overlap,
            zoom=params.zoom,
            mapping_gsd_cm=params.mapping_gsd_cm,
            mapping_width_m=params.mapping_width_m,
            row_width_m=params.row_width_m,
            max_altitude_m=conditions.max_agl_m,
            reserve_frac=reserve,
            swap_time_s=params.turnaround_s,
            drive_speed_kmh=params.drive_speed_kmh,
            road_factor=params.road_factor,
            workday_h=params.workday_h,
            max_mission_items=params.max_mission_items,
        )
        progress(0.1, "planning flights")
        result = plan_powerline(problem, planner_params, conditions)
        progress(1.0, f"{len(result.flights)} flights planned")
        notes = [n for n in notes if "ignored" not in n]
        return Planned(result, result.mission, result.summary(), tuple(notes) + result.warnings)

    def report(self, planned: Planned) -> KindReport:
        r = planned.result
        rows = [
            [
                str(f.sortie),
                f.line_id,
                f"{f.first_tower}..{f.last_tower}",
                f"{f.line_km:.2f}",
                str(f.spans),
                str(f.photos),
                f"{f.flight_time_s / 60:.1f}",
                f"{f.battery_frac * 100:.0f}",
                str(f.takeoff_station + 1),
                str(f.landing_station + 1),
                f"{f.drive_before_m / 1000:.2f}",
                str(f.mission_items),
            ]
            for f in r.flights
        ]
        total = [
            "total",
            "",
            str(r.towers),
            f"{r.line_km:.2f}",
            str(r.spans),
            str(r.photos),
            f"{r.flight_time_s / 60:.1f}",
            "",
            "",
            "",
            f"{r.drive_m / 1000:.2f}",
            "",
        ]
        std = f"standoff {r.standoff_m:.0f} m; " if r.standoff_m else ""
        line = (
            f"modes {', '.join(r.modes)}; clearance {r.clearance_m:.2f} m; track "
            f"{r.lateral_offset_m:.1f} m from the line; {std}crew time "
            f"{r.crew_time_s / 3600:.2f} h with {r.crew_moves} crew move(s): "
            f"{r.km_per_crew_day:.1f} km of line per {r.workday_h:g} h crew-day; "
            f"planned in {r.runtime_s * 1000:.0f} ms"
        )
        columns = ["flight", "line", "towers", "km", "spans", "photos", "min", "battery %"]
        return KindReport(
            title=f"power-line plan: {planned.mission.aircraft_name}",
            columns=[*columns, "from", "to", "drive km", "items"],
            rows=rows,
            total=total,
            lines=[line],
        )


POWERLINE = PowerlineKind()
