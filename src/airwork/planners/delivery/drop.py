"""A parcel drop that completes on the autopilot: each step a hover with its own hold.

ArduPilot runs the DO items that follow a nav item once that nav item completes, alongside
the next nav item, and skips those still waiting when the next one completes at once
(``/work/shared/reference/mission-formats.md``; SITL flight ``deliv02_payload``, where a
winch retract sat before a waypoint without a hold and never ran).  The exporter writes a
waypoint's actions right after its nav item, so a step's action goes on the waypoint
*before* the step, and the step is a waypoint at the same place whose hold lasts as long
as the action needs:

========================  ===========================  ==============================
waypoint (at the drop)    hold                          action (runs during the next)
========================  ===========================  ==============================
descent to the hover      none: arrive and stop         winch pays out the line
lowering                  line / rate + settling        release the parcel
release                   the release time              winch winds the line in
winding in                line / rate + settling        (then the climb)
========================  ===========================  ==============================

A ``land`` drop descends to its hover height and holds there (the whole service time less
the release), releases during the release hold, and climbs: no winch steps.  The parcel's
mass leaves during the release hold (priced at the mean of the two masses for that short
hold).  The order's ``service_s`` is the least time hovering at the drop: the lowering hold
(or a land drop's hold) takes up any of it the mechanical steps leave.  Holds are whole
seconds, rounded up: ArduCopter keeps a ``NAV_WAYPOINT`` hold (param1) as a whole number of
seconds (``AP_Mission::mavlink_int_to_mission_cmd``: ``cmd.p1 = param1``, a ``uint16``),
and the exporter rounds it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airwork.flight.kinematics import DESCENT_SPEED_MPS
from airwork.mission.build import SortieBuilder
from airwork.mission.model import Action, ActionKind, LegKind
from airwork.planners.delivery.params import DeliveryParams
from airwork.planners.delivery.problem import FleetType, Order

__all__ = ["DropHolds", "drop_holds", "fly_drop", "release_time_s", "winch_rate_mps"]


@dataclass(frozen=True)
class DropHolds:
    """Holds of a drop's hover steps, whole seconds. [s]

    Attributes
    ----------
    lower_s : float
        While the winch pays out the line (``winch``) or the drone holds at its hover
        height (``land``).
    release_s : float
        While the parcel is released.
    retract_s : float
        While the winch winds the line in (0 for a ``land`` drop).
    """

    lower_s: float
    release_s: float
    retract_s: float

    @property
    def total_s(self) -> float:
        """All the hovering at the drop height. [s]"""
        return self.lower_s + self.release_s + self.retract_s


def winch_rate_mps(ft: FleetType, params: DeliveryParams) -> float:
    """The winch's line speed: the cargo bay's own if it gives one, else
    ``params.winch_rate_mps``. [m/s]"""
    rate = getattr(ft.aircraft.cargo, "winch_rate_mps", None)
    return float(rate) if rate else params.winch_rate_mps


def release_time_s(ft: FleetType, params: DeliveryParams) -> float:
    """The parcel release's duration: the cargo bay's own if it gives one, else
    ``params.release_s``. [s]"""
    t = getattr(ft.aircraft.cargo, "release_s", None)
    return float(t) if t is not None else params.release_s


def drop_holds(ft: FleetType, order: Order, line_m: float, params: DeliveryParams) -> DropHolds:
    """The holds of one drop with ``line_m`` of winch line (the hover height above the
    ground). [s]"""
    release = _whole_s(release_time_s(ft, params))
    if order.drop != "winch":
        return DropHolds(_whole_s(max(order.service_s - release, 0.0)), release, 0.0)
    wind = _whole_s(line_m / winch_rate_mps(ft, params) + params.winch_settle_s)
    lower = max(wind, _whole_s(order.service_s - release - wind))
    return DropHolds(lower, release, wind)


def fly_drop(
    b: SortieBuilder,
    order: Order,
    xy: np.ndarray,
    hover_alt_m: float,
    line_m: float,
    holds: DropHolds,
) -> None:
    """Append the drop's waypoints at ``xy`` (local frame [m]): the descent from the
    drone's altitude to ``hover_alt_m`` (in the builder's reference [m]) and the hover
    steps of the table above; the payload falls by the parcel during the release hold."""
    winch = order.drop == "winch"

    def step(hold_s: float, actions: tuple[Action, ...], payload_end_kg: float | None = None):
        b.goto(
            xy[0],
            xy[1],
            hover_alt_m,
            kind=LegKind.WORK,
            speed_mps=DESCENT_SPEED_MPS,
            hold_s=hold_s,
            actions=actions,
            payload_end_kg=payload_end_kg,
        )

    release = (Action(ActionKind.PAYLOAD_RELEASE),)
    if winch:
        step(0.0, (Action(ActionKind.WINCH, value=line_m),))  # arrive and stop
        step(holds.lower_s, release)  # the line pays out
    else:
        step(holds.lower_s, release)  # descend and hold
    wind_in = (Action(ActionKind.WINCH, value=-line_m),) if winch else ()
    step(holds.release_s, wind_in, payload_end_kg=b.payload_now_kg - order.mass_kg)
    if winch:
        step(holds.retract_s, ())  # the line winds in before the climb


def _whole_s(t_s: float) -> float:
    """``t_s`` rounded up to whole seconds (within 1 µs of a whole second stays). [s]"""
    return float(math.ceil(t_s - 1e-6)) if t_s > 0 else 0.0
