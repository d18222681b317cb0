"""Small hand-built missions for the exporter tests (imported by tests/export/test_*.py).

The field lies at lon 9.0°, lat 48.0° (UTM zone 32N, whose central meridian is 9°).  Leg
figures are plausible for a 10 l spray multirotor: 400 W average, 500 Wh usable battery.
"""

from __future__ import annotations

import math

import shapely

from airwork.geo.frame import LocalFrame
from airwork.mission.model import (
    Action,
    ActionKind,
    AltitudeRef,
    Feature,
    Leg,
    LegKind,
    Mission,
    Sortie,
    Waypoint,
)

FRAME = LocalFrame.for_lonlat(9.0, 48.0)
X0, Y0 = (float(v) for v in FRAME.to_local(9.0, 48.0))
HOME_AMSL_M = 312.0
USABLE_WH = 500.0
POWER_W = 400.0


def legs_for(
    waypoints: list[Waypoint],
    kinds: list[LegKind],
    speeds_mps: list[float],
    spraying: list[bool],
    camera: list[bool],
    payload_kg: float = 10.0,
    flow_kg_per_m: float = 0.02,
) -> tuple[Leg, ...]:
    """Legs joining ``waypoints`` with distances, times and energies that add up."""
    legs = []
    for i, kind in enumerate(kinds):
        a, b = waypoints[i], waypoints[i + 1]
        distance_m = math.hypot(b.x_m - a.x_m, b.y_m - a.y_m)
        climb_m = b.alt_m - a.alt_m
        path_m = distance_m if distance_m > 0 else abs(climb_m)
        time_s = path_m / speeds_mps[i] + b.hold_s
        energy_wh = POWER_W * time_s / 3600.0
        used_kg = flow_kg_per_m * distance_m if spraying[i] else 0.0
        legs.append(
            Leg(
                kind=kind,
                speed_mps=speeds_mps[i],
                payload_kg=payload_kg,
                payload_end_kg=payload_kg - used_kg,
                spraying=spraying[i],
                camera=camera[i],
                distance_m=distance_m,
                climb_m=climb_m,
                time_s=time_s,
                energy_wh=energy_wh,
                battery_frac=energy_wh / USABLE_WH,
            )
        )
        payload_kg -= used_kg
    return tuple(legs)


def spray_sortie(alt_offset_m: float = 0.0) -> Sortie:
    """Sortie 1: take-off, transit, two spray runs, return, landing, with every action."""
    h = 20.0 + alt_offset_m
    ground = alt_offset_m
    wps = [
        Waypoint(X0, Y0, ground),
        Waypoint(X0, Y0, h, actions=(Action(ActionKind.GIMBAL, -90.0, 0.0),)),
        Waypoint(
            X0 + 50,
            Y0,
            h,
            actions=(
                Action(ActionKind.SPRAY_ON),
                Action(ActionKind.CAMERA_TRIGGER_DISTANCE, 15.0),
            ),
        ),
        Waypoint(
            X0 + 150,
            Y0,
            h,
            actions=(
                Action(ActionKind.SPRAY_OFF),
                Action(ActionKind.CAMERA_TRIGGER_DISTANCE, 0.0),
            ),
        ),
        Waypoint(X0 + 150, Y0 + 10, h, hold_s=3.4, actions=(Action(ActionKind.SPRAY_ON),)),
        Waypoint(
            X0 + 50,
            Y0 + 10,
            h,
            actions=(
                Action(ActionKind.SPRAY_OFF),
                Action(ActionKind.POINT_CAMERA, target_m=(X0 + 100, Y0 + 50, 2.0 + ground)),
                Action(ActionKind.CAMERA_PHOTO),
            ),
        ),
        Waypoint(X0, Y0, h, actions=(Action(ActionKind.POINT_CAMERA, target_m=None),)),
        Waypoint(X0, Y0, ground),
    ]
    kinds = [
        LegKind.TAKEOFF,
        LegKind.TRANSIT,
        LegKind.WORK,
        LegKind.TRANSIT,
        LegKind.WORK,
        LegKind.RETURN,
        LegKind.LANDING,
    ]
    speeds = [2.5, 8.0, 5.0, 5.0, 5.0, 8.0, 1.5]
    spraying = [False, False, True, False, True, False, False]
    camera = [False, False, True, False, False, False, False]
    legs = legs_for(wps, kinds, speeds, spraying, camera)
    return Sortie(index=1, waypoints=tuple(wps), legs=legs)


def delivery_sortie(alt_offset_m: float = 0.0) -> Sortie:
    """Sortie 2 from station 1: out, lower a parcel by winch, release it, come back."""
    h = 30.0 + alt_offset_m
    ground = alt_offset_m
    sx, sy = X0 + 200, Y0
    wps = [
        Waypoint(sx, sy, ground),
        Waypoint(sx, sy, h),
        Waypoint(
            sx + 80,
            sy + 60,
            h,
            hold_s=5.0,
            actions=(Action(ActionKind.WINCH, 12.5), Action(ActionKind.PAYLOAD_RELEASE)),
        ),
        Waypoint(sx, sy, h),
        Waypoint(sx, sy, ground),
    ]
    kinds = [LegKind.TAKEOFF, LegKind.TRANSIT, LegKind.RETURN, LegKind.LANDING]
    legs = legs_for(wps, kinds, [3.0, 10.0, 10.0, 2.0], [False] * 4, [False] * 4, 2.0, 0.0)
    return Sortie(
        index=2, waypoints=tuple(wps), legs=legs, station_index=1, landing_station_index=1
    )


def features() -> tuple[Feature, ...]:
    field = shapely.Polygon(
        [(X0 + 40, Y0 - 20), (X0 + 170, Y0 - 20), (X0 + 170, Y0 + 30), (X0 + 40, Y0 + 30)],
        holes=[[(X0 + 90, Y0 + 20), (X0 + 100, Y0 + 20), (X0 + 100, Y0 + 25), (X0 + 90, Y0 + 25)]],
    )
    obstacle = shapely.box(X0 + 90, Y0 + 20, X0 + 100, Y0 + 25)
    no_spray = shapely.box(X0 + 160, Y0 - 20, X0 + 170, Y0 + 30)
    return (
        Feature("field", field, {"name": "north-12", "crop": "wheat", "area_ha": 0.65}),
        Feature("obstacle", obstacle, {"kind": "pylon", "height_m": float("nan")}),
        Feature("no_spray", no_spray, {"reason": ("buffer", "stream")}),
    )


def build_mission(altitude_ref: AltitudeRef = AltitudeRef.TAKEOFF) -> Mission:
    """The two-sortie test mission; MSL altitudes add the home elevation."""
    offset = HOME_AMSL_M if altitude_ref == AltitudeRef.MSL else 0.0
    return Mission(
        name="test-field",
        frame=FRAME,
        altitude_ref=altitude_ref,
        sorties=(spray_sortie(offset), delivery_sortie(offset)),
        aircraft_name="sprayer-10",
        usable_energy_wh=USABLE_WH,
        reserve_frac=0.2,
        stations=((X0, Y0), (X0 + 200, Y0)),
        home_amsl_m=HOME_AMSL_M,
        geofence=shapely.box(X0 - 30, Y0 - 40, X0 + 320, Y0 + 100),
        features=features(),
        kind="spray",
        cruise_speed_mps=8.0,
    )
