"""Field work: spraying and spreading whole fields (:mod:`.spray`), as the ``spray`` and
``spread`` kinds of job (:mod:`.kind`)."""

from airwork.planners.fieldwork.spray import (
    SortieReport,
    SprayParams,
    SprayProblem,
    SprayResult,
    plan_spray,
)

__all__ = ["SortieReport", "SprayParams", "SprayProblem", "SprayResult", "plan_spray"]
