"""A test kind: spraying that first waits ``wait_s`` seconds, reporting progress, so a job
can be caught running (cancel, restart, queue limits)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from pydantic import Field

from airwork.planners.fieldwork.kind import SPRAY, FieldKind, SprayJobParams

NAME = "slow-test"


class SlowParams(SprayJobParams):
    wait_s: float = Field(1.0, ge=0, le=120, description="Wait before planning (s)")


@dataclass(frozen=True)
class SlowKind(FieldKind):
    def plan(self, site, aircraft, params, conditions, *, name, planning_reserve_frac, progress):
        end = time.monotonic() + params.wait_s
        while time.monotonic() < end:
            progress(0.0, "waiting")
            time.sleep(0.02)
        return SPRAY.plan(
            site,
            aircraft,
            params,
            conditions,
            name=name,
            planning_reserve_frac=planning_reserve_frac,
            progress=progress,
        )


SLOW = SlowKind(NAME, "Spray after a wait (tests only)", SlowParams, "sprayer-40")
