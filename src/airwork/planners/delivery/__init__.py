"""Parcel delivery by a drone fleet from hubs, around no-fly zones (issue 6).

:func:`plan_delivery` routes the orders with PyVRP and models the drones around it:
travel around no-fly zones in the wind (:mod:`.travel`), a conservative per-trip energy
budget (:mod:`.budget`, :mod:`.routing`), an exact leg-by-leg re-check with the mass
falling at each drop and repair (:mod:`.context`, :mod:`.repair`), and the assignment of
trips to drones (:mod:`.drones`).  See ``docs/delivery.md``.
"""

from airwork.planners.delivery.baseline import baseline_plan
from airwork.planners.delivery.params import DeliveryParams, DeliveryWeights
from airwork.planners.delivery.plan import plan_delivery
from airwork.planners.delivery.problem import (
    DeliveryProblem,
    FleetType,
    Hub,
    Order,
    format_time,
    parse_time_s,
    problem_from_job,
    read_orders_csv,
)
from airwork.planners.delivery.result import DeliveryResult, TripReport, Unserved
from airwork.planners.delivery.travel import TravelModel, ground_speed_mps, wind_vector_mps

__all__ = [
    "DeliveryParams",
    "DeliveryProblem",
    "DeliveryResult",
    "DeliveryWeights",
    "FleetType",
    "Hub",
    "Order",
    "TravelModel",
    "TripReport",
    "Unserved",
    "baseline_plan",
    "format_time",
    "ground_speed_mps",
    "parse_time_s",
    "plan_delivery",
    "problem_from_job",
    "read_orders_csv",
    "wind_vector_mps",
]
