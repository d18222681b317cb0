"""Mapping surveys: camera geometry (:mod:`.camera`), the planner (:mod:`.plan`) and the
``survey`` kind of job (:mod:`.kind`)."""

from airwork.planners.survey.plan import (
    DEFAULT_ALTITUDE_M,
    MAX_ALTITUDE_M,
    SurveyParams,
    SurveyProblem,
    SurveyResult,
    SurveySortieReport,
    altitude_for_gsd_m,
    footprint_m,
    ground_sample_distance_m,
    line_spacing_m,
    photo_count,
    photo_intervals,
    plan_survey,
    trigger_distance_m,
)

__all__ = [
    "DEFAULT_ALTITUDE_M",
    "MAX_ALTITUDE_M",
    "SurveyParams",
    "SurveyProblem",
    "SurveyResult",
    "SurveySortieReport",
    "altitude_for_gsd_m",
    "footprint_m",
    "ground_sample_distance_m",
    "line_spacing_m",
    "photo_count",
    "photo_intervals",
    "plan_survey",
    "trigger_distance_m",
]
