"""The ``delivery`` kind of job: hubs, orders (features or a CSV of points) and no-fly zones
in, a day of trips by a fleet out (:func:`~.plan.plan_delivery`), each trip a sortie flown
by its own aircraft type, checked leg by leg in the wind."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from pydantic import Field, field_validator

from airwork.errors import InputFileError
from airwork.jobs.base import JobParams, KindReport, Planned, Progress
from airwork.jobs.request import AircraftChoice
from airwork.site.model import Site

__all__ = ["DELIVERY", "DeliveryJobParams", "DeliveryKind"]


class DeliveryJobParams(JobParams):
    """Parameters of a delivery day."""

    height_m: float = Field(60.0, ge=5, le=120, description="Cruise height above take-off (m)")
    speed_mps: float | None = Field(
        None, ge=1, le=60, description="Airspeed (m/s); default the slowest type's cruise"
    )
    clearance_m: float = Field(30.0, ge=0, le=1000, description="Distance from no-fly zones (m)")
    start: str | None = Field(
        None, description="Planning start HH:MM; windows closing earlier are unserved"
    )
    late_tolerance_min: float = Field(0.0, ge=0, le=1440, description="Allowed lateness (min)")
    runtime_s: float = Field(10.0, gt=0, le=86_400, description="Route search time (s)")
    iterations: int | None = Field(
        None, ge=1, le=10_000_000, description="Stop the search after this many iterations"
    )
    seed: int = Field(0, ge=0, le=2**31 - 1, description="Route search random seed")
    weight_drone: float = Field(100.0, ge=0, le=1e9, description="Cost per drone used")
    weight_trip: float = Field(5.0, ge=0, le=1e9, description="Cost per trip")
    weight_hour: float = Field(30.0, ge=0, le=1e9, description="Cost per flight hour")
    weight_kwh: float = Field(20.0, ge=0, le=1e9, description="Cost per kWh")
    weight_late_hour: float = Field(100.0, ge=0, le=1e9, description="Cost per hour late")

    @field_validator("start")
    @classmethod
    def _clock(cls, v: str | None) -> str | None:
        if v is None:
            return None
        from airwork.errors import InputFileError
        from airwork.planners.delivery.problem import parse_time_s

        try:
            parse_time_s(v, "--start")
        except InputFileError as exc:
            raise ValueError(str(exc).removeprefix("--start: ")) from None
        return v


@dataclass(frozen=True)
class DeliveryKind:
    """Parcel delivery from hubs by a fleet."""

    name: str = "delivery"
    title: str = (
        "Deliver a day of parcel orders from hubs around no-fly zones in the wind: trips per "
        "drone, a mission per trip, payload and battery checked leg by leg"
    )
    roles: ClassVar[tuple[str, ...]] = ("hub", "order", "station", "no_fly", "geofence")
    role_files: ClassVar[tuple[str, ...]] = ("order",)
    Params: ClassVar[type[DeliveryJobParams]] = DeliveryJobParams
    default_aircraft: ClassVar[str] = "delivery-hex"
    fleet: ClassVar[bool] = True
    sprays: ClassVar[bool] = False
    replans: ClassVar[bool] = False

    def plan(
        self,
        site: Site,
        aircraft: Sequence[AircraftChoice],
        params: DeliveryJobParams,
        conditions,
        *,
        name: str,
        planning_reserve_frac: float | None,
        progress: Progress,
    ) -> Planned:
        from airwork.planners.delivery import (
            DeliveryParams,
            DeliveryWeights,
            FleetType,
            parse_time_s,
            plan_delivery,
            problem_from_job,
        )

        progress(0.0, "reading hubs and orders")
        fleet = [FleetType(c.aircraft, c.count_per_hub, c.payload_limit_kg) for c in aircraft]
        problem = problem_from_job(site, fleet, name=name)
        if not problem.orders:
            raise InputFileError("no orders: give features with role 'order' or --orders CSV")
        if site.terrain is not None:
            problem = problem.replace(terrain=site.terrain)
        wind = site.wind
        if wind.bands:
            raise InputFileError("delivery plans in a constant wind: give --wind-mps, not bands")
        planner_params = DeliveryParams(
            cruise_alt_m=params.height_m,
            speed_mps=params.speed_mps,
            wind_speed_mps=wind.speed_mps,
            wind_from_deg=wind.from_deg,
            clearance_m=params.clearance_m,
            start_s=None if params.start is None else parse_time_s(params.start, "--start"),
            late_tolerance_s=60.0 * params.late_tolerance_min,
            runtime_s=params.runtime_s,
            iterations=params.iterations,
            seed=params.seed,
            reserve_frac=params.reserve_frac,
            weights=DeliveryWeights(
                drone=params.weight_drone,
                trip=params.weight_trip,
                flight_hour=params.weight_hour,
                energy_kwh=params.weight_kwh,
                late_hour=params.weight_late_hour,
            ),
        )
        progress(0.05, "searching routes")
        result = plan_delivery(problem, planner_params)
        progress(1.0, f"{len(result.trips)} trips planned")
        notes = [f"unserved: {u.order_id}: {u.reason}" for u in result.unserved[:20]]
        if len(result.unserved) > 20:
            notes.append(f"unserved: ... {len(result.unserved) - 20} more in summary.json")

        mission = _mark_served(result, problem)
        return Planned(result, mission, result.summary(), tuple(notes) + tuple(result.warnings))

    def report(self, planned: Planned) -> KindReport:
        from airwork.planners.delivery import format_time

        r = planned.result
        by_drone: dict[str, list] = {}
        for t in r.trips:
            by_drone.setdefault(t.drone, []).append(t)
        rows = [
            [
                d,
                str(len(ts)),
                str(sum(len(t.orders) for t in ts)),
                format_time(min(t.depart_s for t in ts))[:5],
                format_time(max(t.return_s for t in ts))[:5],
                f"{sum(t.distance_m for t in ts) / 1000:.1f}",
                f"{sum(t.energy_wh for t in ts):.0f}",
            ]
            for d, ts in by_drone.items()
        ]
        obj = r.objective()
        parts = ", ".join(
            f"{k.replace('_', ' ')} {v:g}" for k, v in obj.items() if k != "total" and v
        )
        lines = [
            f"{r.served_count}/{r.order_count} orders served in {len(r.trips)} trips by "
            f"{r.drones_used} drone(s); {r.distance_m / 1000:.1f} km, "
            f"{r.energy_wh / 1000:.2f} kWh, on time {100 * r.on_time_share:.0f} %; solved in "
            f"{r.solve_time_s:.1f} s (total {r.runtime_s:.1f} s)",
            f"objective {obj['total']:g} ({parts or 'all terms 0'})",
        ]
        return KindReport(
            title=f"delivery plan: {planned.mission.aircraft_name}",
            columns=["drone", "trips", "orders", "first out", "last back", "km", "energy Wh"],
            rows=rows,
            lines=lines,
        )


def _mark_served(result, problem):
    """The mission with each order feature marked ``served`` (True/False), for maps."""
    from dataclasses import replace

    unserved = {u.order_id for u in result.unserved}
    missed = {tuple(np.round(o.xy_m, 3)) for o in problem.orders if o.id in unserved}
    feats = []
    for f in result.mission.features:
        if f.role == "order" and f.geometry.geom_type == "Point":
            at = (round(f.geometry.x, 3), round(f.geometry.y, 3))
            f = replace(f, properties={**f.properties, "served": at not in missed})
        feats.append(f)
    return replace(result.mission, features=tuple(feats))


DELIVERY = DeliveryKind()
