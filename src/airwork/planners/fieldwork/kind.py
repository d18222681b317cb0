"""The ``spray`` and ``spread`` kinds of job: a site's fields, obstacles, no-spray zones and
stations in, tank- and battery-split sorties out (:func:`~.spray.plan_spray`).

Angles a user gives are compass bearings (° clockwise from north), as the wind's; the
planner's own ``angle_deg`` is counter-clockwise from east and converted here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal

import shapely
from pydantic import Field

from airwork.errors import AircraftError, GeometryError
from airwork.jobs.base import JobParams, KindReport, Planned, Progress
from airwork.jobs.request import AircraftChoice
from airwork.mission.model import Feature
from airwork.site.model import Site

__all__ = ["SPRAY", "SPREAD", "FieldKind", "SprayJobParams", "SpreadJobParams", "job_stations"]


class _FieldParams(JobParams):
    swath_m: float | None = Field(
        None, ge=0.5, le=50, description="Swath width (m); default the payload system's"
    )
    speed_mps: float | None = Field(
        None, ge=0.5, le=30, description="Work speed over the ground (m/s); default 6"
    )
    height_m: float = Field(3.0, ge=0.5, le=120, description="Work height above take-off (m)")
    transit_height_m: float = Field(
        10.0, ge=1, le=120, description="Height of take-off, ferry and return (m)"
    )
    angle_deg: float | None = Field(
        None,
        ge=0,
        le=360,
        description="Line direction, ° clockwise from north; default the quickest",
    )
    turnaround_s: float = Field(
        180.0, ge=0, le=7200, description="Ground time between sorties: refill, battery swap (s)"
    )
    clearance_m: float = Field(
        5.0, ge=0, le=100, description="Horizontal clearance from obstacles (m)"
    )
    boundary_passes: int = Field(0, ge=0, le=10, description="Headland passes around the edge")
    start_corner: Literal["sw", "se", "nw", "ne"] | None = Field(
        None, description="Start at this corner of the field"
    )
    overlap_frac: float = Field(
        0.0, ge=0, lt=0.9, description="Overlap of neighbouring swaths (share of a swath)"
    )


class SprayJobParams(_FieldParams):
    """Parameters of a spray job."""

    rate_l_per_ha: float = Field(15.0, gt=0, le=1000, description="Liquid rate (L/ha)")


class SpreadJobParams(_FieldParams):
    """Parameters of a granule-spreading job."""

    rate_kg_per_ha: float = Field(100.0, gt=0, le=1000, description="Granule rate (kg/ha)")


def job_stations(
    site: Site, area: shapely.Geometry, notes: list[str]
) -> tuple[tuple[float, float], ...]:
    """The site's stations; without any, the southernmost corner of the area (noted)."""
    if site.stations:
        return tuple((p.geometry.x, p.geometry.y) for p in site.stations)
    ring = area.exterior if area.geom_type == "Polygon" else area.convex_hull.exterior
    xy = shapely.get_coordinates(ring)
    corner = xy[xy[:, 1].argmin()]
    notes.append("no station given: taking off from the southernmost corner of the area")
    return ((float(corner[0]), float(corner[1])),)


def mission_features(site: Site, roles: Sequence[str]) -> tuple[Feature, ...]:
    """The site's features of some roles, for maps and GeoJSON."""
    return tuple(Feature(f.role, f.geometry, dict(f.properties)) for f in site.of(*roles))


def bearing_to_math_deg(bearing_deg: float | None) -> float | None:
    """Compass bearing (° clockwise from north) -> direction ° counter-clockwise from east."""
    return None if bearing_deg is None else (90.0 - bearing_deg) % 360.0


def math_to_bearing_deg(angle_deg: float) -> float:
    """Direction ° counter-clockwise from east -> line bearing ° clockwise from north in
    [0, 180) (a line has two directions)."""
    return (90.0 - angle_deg) % 180.0


@dataclass(frozen=True)
class FieldKind:
    """Spraying (``spray``) or granule spreading (``spread``) of whole fields."""

    name: str
    title: str
    Params: type[_FieldParams]
    default_aircraft: str
    roles: ClassVar[tuple[str, ...]] = (
        "field",
        "obstacle",
        "no_spray",
        "station",
        "no_fly",
        "geofence",
    )
    role_files: ClassVar[tuple[str, ...]] = ("station", "no_spray")
    fleet: ClassVar[bool] = False
    sprays: ClassVar[bool] = True
    replans: ClassVar[bool] = True

    def plan(
        self,
        site: Site,
        aircraft: Sequence[AircraftChoice],
        params: _FieldParams,
        conditions,
        *,
        name: str,
        planning_reserve_frac: float | None,
        progress: Progress,
    ) -> Planned:
        from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray

        progress(0.0, "laying out the swaths")
        ac = aircraft[0].aircraft
        self.check_aircraft(ac)
        if not site.fields:
            raise GeometryError("the job has no feature with role 'field'")
        notes: list[str] = []
        field = site.field_union
        problem = SprayProblem(
            field=field,
            stations=job_stations(site, field, notes),
            aircraft=ac,
            frame=site.frame,
            features=mission_features(site, ("field", "obstacle", "no_spray", "station")),
            name=name,
            obstacles=site.obstacle_union if site.obstacles else None,
            clearance_m=params.clearance_m,
            no_spray=site.no_spray_union if site.no_spray else None,
        )
        rate = params.rate_l_per_ha if self.name == "spray" else params.rate_kg_per_ha
        reserve = (
            planning_reserve_frac if planning_reserve_frac is not None else params.reserve_frac
        )
        spray_params = SprayParams(
            rate_per_ha=rate,
            swath_m=params.swath_m,
            speed_mps=params.speed_mps,
            height_m=params.height_m,
            transit_height_m=params.transit_height_m,
            angle_deg=bearing_to_math_deg(params.angle_deg),
            refill_time_s=params.turnaround_s,
            reserve_frac=reserve,
            boundary_passes=params.boundary_passes,
            start_corner=params.start_corner,
            overlap_frac=params.overlap_frac,
        )
        result = plan_spray(problem, spray_params, conditions)
        progress(1.0, f"{len(result.sorties)} sorties planned")
        summary = result.summary()
        summary["angle_deg"] = round(math_to_bearing_deg(result.angle_deg), 2)
        summary["angle_convention"] = "line bearing, ° clockwise from north"
        return Planned(
            result,
            result.mission,
            summary,
            tuple(notes) + result.warnings,
            {"swath_m": result.swath_m},
        )

    def check_aircraft(self, ac) -> None:
        """Refuse an aircraft without the payload system this kind needs (AircraftError)."""
        if self.name == "spray" and ac.spray_tank is None:
            raise AircraftError(
                f"aircraft '{ac.name}' has no spray tank (use 'airwork plan spread' for a spreader)"
            )
        if self.name == "spread" and ac.spreader is None:
            raise AircraftError(f"aircraft '{ac.name}' has no spreader")

    def report(self, planned: Planned) -> KindReport:
        r = planned.result
        unit = r.product_unit
        rows = [
            [
                str(s.sortie),
                f"{s.area_ha:.2f}",
                f"{s.payload_kg:.1f}",
                f"{s.flight_time_s / 60:.1f}",
                f"{s.energy_wh:.0f}",
                f"{s.battery_frac * 100:.0f}",
                f"{s.work_distance_m / 1000:.2f}",
                f"{s.distance_m / 1000:.2f}",
            ]
            for s in r.sorties
        ]
        total = [
            "total",
            f"{r.field_area_ha:.2f}",
            f"{r.product_total:.1f}",
            f"{r.flight_time_s / 60:.1f}",
            f"{r.energy_wh:.0f}",
            "",
            "",
            f"{r.path_length_m / 1000:.2f}",
        ]
        line = (
            f"covered {r.covered_frac * 100:.2f}% of {r.field_area_ha:.2f} ha, overspray "
            f"{r.overspray_frac * 100:.2f}%, swath {r.swath_m:g} m at {r.speed_mps:.2f} m/s, "
            f"{r.line_count} lines at {math_to_bearing_deg(r.angle_deg):.1f}° from north; "
            f"work rate {r.work_rate_ha_per_h:.2f} ha/h with {r.ground_time_s / 60:.0f} min "
            f"on the ground; planned in {r.runtime_s * 1000:.0f} ms"
        )
        return KindReport(
            title=f"{planned.mission.name} {self.name} plan: {planned.mission.aircraft_name}",
            columns=[
                "sortie",
                "area ha",
                f"product {unit}",
                "flight min",
                "energy Wh",
                "battery %",
                "work km",
                "total km",
            ],
            rows=rows,
            total=total,
            lines=[line],
        )


SPRAY = FieldKind(
    "spray",
    "Spray a field: swaths, spray on/off at every edge, sorties by tank and battery",
    SprayJobParams,
    "sprayer-40",
)
SPREAD = FieldKind(
    "spread",
    "Spread granules on a field (the spray planner, kg/ha)",
    SpreadJobParams,
    "spreader-50",
)
