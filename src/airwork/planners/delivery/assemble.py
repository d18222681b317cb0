"""Mission assembly: every scheduled trip becomes a sortie of one delivery mission, with
its report (drone, hub, orders, times, km, Wh)."""

from __future__ import annotations

from dataclasses import replace

from airwork.aircraft.model import Aircraft
from airwork.geo.frame import LocalFrame
from airwork.mission.model import AltitudeRef, Feature, Mission
from airwork.planners.delivery.context import FlightContext
from airwork.planners.delivery.drones import Scheduled
from airwork.planners.delivery.result import TripReport

__all__ = ["assemble_mission"]


def assemble_mission(
    ctx: FlightContext, scheduled: Scheduled
) -> tuple[Mission, tuple[TripReport, ...]]:
    """One :class:`~airwork.mission.model.Mission` (``kind="delivery"``) whose sorties are
    the scheduled trips numbered from 1, and the report of each trip.

    ``mission.meta["sortie_drone"]`` names the drone flying each sortie (maps colour the
    trips by drone) and ``mission.meta["sortie_depart_s"]`` gives its departure. [s]"""
    problem = ctx.problem
    sorties = []
    reports = []
    for n_, (name, t) in enumerate(scheduled, start=1):
        ft = ctx.fleet[t.ftype]
        s = replace(t.sortie, index=n_, aircraft=ft.aircraft)
        sorties.append(s)
        reports.append(
            TripReport(
                sortie=n_,
                drone=name,
                hub=problem.hubs[t.hub].id,
                aircraft=ft.name,
                orders=tuple(problem.orders[i].id for i in t.orders),
                depart_s=t.depart_s,
                arrivals_s=t.arrivals_s,
                return_s=t.return_s,
                payload_kg=float(sum(problem.orders[i].mass_kg for i in t.orders)),
                distance_m=s.distance_m,
                energy_wh=s.energy_wh,
                battery_frac=s.energy_wh / ft.aircraft.usable_energy_wh,
                late_s=t.late_s,
            )
        )
    a0: Aircraft = ctx.fleet[0].aircraft
    features = list(problem.features)
    if not features:
        features = [Feature("no_fly", z.geometry, {"id": z.id}) for z in problem.no_fly]
    frame = problem.frame or LocalFrame.for_lonlat(0.0, 0.0)
    mission = Mission(
        name=problem.name,
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=tuple(sorties),
        aircraft_name=", ".join(f.name for f in ctx.fleet),
        usable_energy_wh=a0.usable_energy_wh,
        reserve_frac=a0.reserve_frac,
        stations=tuple((float(x), float(y)) for x, y in ctx.hub_xy),
        features=tuple(features),
        kind="delivery",
        cruise_speed_mps=ctx.speed,
        vehicle=a0.airframe.vehicle,
        meta={
            "sortie_drone": [r.drone for r in reports],
            "sortie_depart_s": [round(float(r.depart_s), 3) for r in reports],
        },
    )
    return mission, tuple(reports)
