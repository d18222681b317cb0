"""What :func:`~airwork.planners.delivery.plan.plan_delivery` returns: the mission, the
trips with their schedule, the unserved orders with reasons, and the summary."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from airwork.mission.model import Mission
from airwork.planners.delivery.params import DeliveryWeights
from airwork.planners.delivery.problem import format_time

__all__ = ["DeliveryResult", "TripReport", "Unserved"]


@dataclass(frozen=True)
class Unserved:
    """An order not served, and why."""

    order_id: str
    reason: str


@dataclass(frozen=True)
class TripReport:
    """One exported trip (sortie) and its schedule.

    Times are seconds of the day; ``arrivals_s`` are arrivals over each drop point in order.
    """

    sortie: int
    drone: str
    hub: str
    aircraft: str
    orders: tuple[str, ...]
    depart_s: float
    arrivals_s: tuple[float, ...]
    return_s: float
    payload_kg: float
    distance_m: float
    energy_wh: float
    battery_frac: float
    late_s: tuple[float, ...]


@dataclass(frozen=True)
class DeliveryResult:
    """What :func:`plan_delivery` returns; ``summary()`` is the ``summary.json`` content."""

    mission: Mission
    trips: tuple[TripReport, ...]
    unserved: tuple[Unserved, ...]
    order_count: int
    drones_used: int
    drones_available: int
    solve_time_s: float
    runtime_s: float
    matrix_time_s: float
    repaired_trips: int
    warnings: tuple[str, ...] = ()
    weights: DeliveryWeights = field(default_factory=DeliveryWeights)

    @property
    def served_count(self) -> int:
        return sum(len(t.orders) for t in self.trips)

    @property
    def distance_m(self) -> float:
        return float(sum(t.distance_m for t in self.trips))

    @property
    def energy_wh(self) -> float:
        return float(sum(t.energy_wh for t in self.trips))

    @property
    def flight_time_s(self) -> float:
        return float(sum(t.return_s - t.depart_s for t in self.trips))

    @property
    def on_time_share(self) -> float:
        late = [x for t in self.trips for x in t.late_s]
        return 1.0 if not late else float(np.mean(np.asarray(late) <= 1e-6))

    @property
    def late_s(self) -> float:
        """Total lateness over the served orders. [s]"""
        return float(sum(x for t in self.trips for x in t.late_s))

    def objective(self) -> dict[str, float]:
        """The weighted objective of the plan as flown: each term and the total.

        Terms are weight × measured quantity of the exported plan (drones used, trips,
        flight hours, kWh from the exact leg-by-leg model, hours late, orders unserved),
        so two plans of one job compare on what the user asked to minimise.
        """
        w = self.weights
        terms = {
            "drones": w.drone * self.drones_used,
            "trips": w.trip * len(self.trips),
            "flight_hours": w.flight_hour * self.flight_time_s / 3600.0,
            "energy_kwh": w.energy_kwh * self.energy_wh / 1000.0,
            "late_hours": w.late_hour * self.late_s / 3600.0,
            "unserved": w.unserved * len(self.unserved),
        }
        terms = {k: round(v, 2) for k, v in terms.items()}
        terms["total"] = round(sum(terms.values()), 2)
        return terms

    def summary(self) -> dict[str, Any]:
        drones: dict[str, list[int]] = {}
        for t in self.trips:
            drones.setdefault(t.drone, []).append(t.sortie)
        return {
            "kind": "delivery",
            "name": self.mission.name,
            "orders": self.order_count,
            "served": self.served_count,
            "unserved": [{"id": u.order_id, "reason": u.reason} for u in self.unserved],
            "drones_used": self.drones_used,
            "drones_available": self.drones_available,
            "trips": len(self.trips),
            "distance_km": round(self.distance_m / 1000.0, 3),
            "energy_wh": round(self.energy_wh, 1),
            "flight_time_h": round(self.flight_time_s / 3600.0, 3),
            "on_time_share": round(self.on_time_share, 4),
            "solve_time_s": round(self.solve_time_s, 2),
            "total_runtime_s": round(self.runtime_s, 2),
            "matrix_time_s": round(self.matrix_time_s, 2),
            "repaired_trips": self.repaired_trips,
            "weights": asdict(self.weights),
            "objective": self.objective(),
            "schedule": {
                d: [
                    {
                        "sortie": t.sortie,
                        "hub": t.hub,
                        "aircraft": t.aircraft,
                        "depart": format_time(t.depart_s),
                        "return": format_time(t.return_s),
                        "orders": [
                            {"id": o, "arrive": format_time(a), "late_s": round(late, 1)}
                            for o, a, late in zip(t.orders, t.arrivals_s, t.late_s, strict=True)
                        ],
                        "payload_kg": round(t.payload_kg, 3),
                        "distance_km": round(t.distance_m / 1000.0, 3),
                        "energy_wh": round(t.energy_wh, 1),
                        "battery_pct": round(100.0 * t.battery_frac, 1),
                    }
                    for t in self.trips
                    if t.drone == d
                ]
                for d in drones
            },
            "warnings": list(self.warnings),
        }
