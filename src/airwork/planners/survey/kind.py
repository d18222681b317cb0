"""The ``survey`` kind of job: a site's fields are the area to map; obstacles are avoided;
photo lines from the ground sample distance and overlaps (:func:`~.plan.plan_survey`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from pydantic import Field

from airwork.errors import GeometryError
from airwork.jobs.base import JobParams, KindReport, Planned, Progress
from airwork.jobs.request import AircraftChoice
from airwork.planners.fieldwork.kind import (
    bearing_to_math_deg,
    job_stations,
    math_to_bearing_deg,
    mission_features,
)
from airwork.site.model import Site

__all__ = ["SURVEY", "SurveyJobParams", "SurveyKind"]


class SurveyJobParams(JobParams):
    """Parameters of a mapping survey."""

    gsd_cm: float | None = Field(
        None, ge=0.1, le=100, description="Ground sample distance (cm/px); sets the height"
    )
    height_m: float | None = Field(
        None, ge=5, le=500, description="Survey height above take-off (m); default 80"
    )
    front_overlap: float = Field(0.75, ge=0, lt=0.95, description="Front overlap (share)")
    side_overlap: float = Field(0.70, ge=0, lt=0.95, description="Side overlap (share)")
    crosshatch: bool = Field(False, description="Fly a second grid at 90° after the first")
    angle_deg: float | None = Field(
        None,
        ge=0,
        le=360,
        description="Line direction, ° clockwise from north; default the quickest",
    )
    speed_mps: float | None = Field(None, ge=0.5, le=40, description="Work speed (m/s)")
    clearance_m: float = Field(5.0, ge=0, le=100, description="Clearance from obstacles (m)")


@dataclass(frozen=True)
class SurveyKind:
    """A mapping survey of the site's fields."""

    name: str = "survey"
    title: str = "Map an area: photo lines from GSD and overlaps, camera triggered by distance"
    roles: ClassVar[tuple[str, ...]] = ("field", "obstacle", "station", "no_fly", "geofence")
    role_files: ClassVar[tuple[str, ...]] = ("station",)
    Params: ClassVar[type[SurveyJobParams]] = SurveyJobParams
    default_aircraft: ClassVar[str] = "mapper-quad"
    fleet: ClassVar[bool] = False
    sprays: ClassVar[bool] = False
    replans: ClassVar[bool] = True

    def plan(
        self,
        site: Site,
        aircraft: Sequence[AircraftChoice],
        params: SurveyJobParams,
        conditions,
        *,
        name: str,
        planning_reserve_frac: float | None,
        progress: Progress,
    ) -> Planned:
        from airwork.planners.survey.plan import SurveyParams, SurveyProblem, plan_survey

        progress(0.0, "laying out the photo lines")
        if not site.fields:
            raise GeometryError("the job has no feature with role 'field' (the area to map)")
        notes: list[str] = []
        area = site.field_union
        problem = SurveyProblem(
            area=area,
            stations=job_stations(site, area, notes),
            aircraft=aircraft[0].aircraft,
            frame=site.frame,
            features=mission_features(site, ("field", "obstacle", "station")),
            obstacles=site.obstacle_union if site.obstacles else None,
            clearance_m=params.clearance_m,
            name=name,
        )
        reserve = (
            planning_reserve_frac if planning_reserve_frac is not None else params.reserve_frac
        )
        survey_params = SurveyParams(
            gsd_cm=params.gsd_cm,
            altitude_m=params.height_m,
            front_overlap=params.front_overlap,
            side_overlap=params.side_overlap,
            crosshatch=params.crosshatch,
            angle_deg=bearing_to_math_deg(params.angle_deg),
            speed_mps=params.speed_mps,
            reserve_frac=reserve,
            max_altitude_m=conditions.max_agl_m,
        )
        result = plan_survey(problem, survey_params, conditions)
        progress(1.0, f"{len(result.sorties)} sorties planned")
        summary = result.summary()
        summary["angle_deg"] = round(math_to_bearing_deg(result.angle_deg), 2)
        summary["angle_convention"] = "line bearing, ° clockwise from north"
        return Planned(result, result.mission, summary, tuple(notes) + result.warnings)

    def report(self, planned: Planned) -> KindReport:
        r = planned.result
        rows = [
            [
                str(s.sortie),
                str(s.photos),
                f"{s.flight_time_s / 60:.1f}",
                f"{s.energy_wh:.0f}",
                f"{s.battery_frac * 100:.0f}",
                f"{s.camera_distance_m / 1000:.2f}",
                f"{s.distance_m / 1000:.2f}",
            ]
            for s in r.sorties
        ]
        total = [
            "total",
            str(r.photo_count),
            f"{r.flight_time_s / 60:.1f}",
            f"{r.energy_wh:.0f}",
            "",
            f"{r.camera_path_m / 1000:.2f}",
            f"{r.path_length_m / 1000:.2f}",
        ]
        line = (
            f"{r.area_ha:.2f} ha at GSD {r.gsd_m * 100:.2f} cm/px from {r.altitude_m:.1f} m; "
            f"footprint {r.footprint_across_m:.0f} x {r.footprint_along_m:.0f} m; "
            f"{r.line_count} lines {r.line_spacing_m:.1f} m apart at "
            f"{math_to_bearing_deg(r.angle_deg):.1f}° from north in {r.cell_count} cell(s)"
            f"{' (crosshatch)' if r.crosshatch else ''}; a photo every "
            f"{r.trigger_distance_m:.1f} m at {r.speed_mps:.2f} m/s; planned in "
            f"{r.runtime_s * 1000:.0f} ms"
        )
        return KindReport(
            title=f"survey plan: {planned.mission.aircraft_name}",
            columns=[
                "sortie",
                "photos",
                "flight min",
                "energy Wh",
                "battery %",
                "camera km",
                "total km",
            ],
            rows=rows,
            total=total,
            lines=[line],
        )


SURVEY = SurveyKind()
