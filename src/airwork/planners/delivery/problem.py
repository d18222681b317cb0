"""The delivery problem: hubs, orders, fleet types and no-fly zones, and how to read them.

Everything is in a local metric frame (:class:`~airwork.geo.frame.LocalFrame`) and times are
seconds of the planning day (``"09:30"`` is 34 200 s).  Input comes from a job file whose
features carry a ``role`` (read with :func:`airwork.site.load_site`, which keeps the
delivery roles in ``Site.other``):

``hub`` (Point)
    ``id``/``name``, ``drone_count`` (default 2), ``swap_time_s`` (battery swap and reload
    between two trips, default 120), ``open``/``close`` (``"HH:MM"`` or seconds, default the
    whole day).
``order`` (Point)
    ``id``, ``mass_kg``, ``earliest``/``latest`` (arrival window over the drop point),
    ``service_s`` (least hover at the drop, default 30), ``drop`` (``winch`` or ``land``).
``no_fly`` (Polygon/MultiPolygon)
    Optional ``floor_m``/``ceiling_m`` altitude band above take-off; a zone applies when its
    band reaches below the cruise altitude (a drone descends through it to a drop or a hub);
    one whose ceiling is well below the cruise altitude is flown over, not around.

Orders may also come from a CSV file (:func:`read_orders_csv`: columns ``id, lat, lon,
mass_kg`` and optional ``earliest, latest, service_s, drop``).

Bad input is either an error naming the feature (hub inside a no-fly zone, duplicate order
id, unknown drop method, malformed time) or, for orders that are well-formed but cannot be
flown (too heavy, inside a no-fly zone, window reversed or closed), an *unserved* entry with
the reason, decided by the planner.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError, InputFileError
from airwork.geo.frame import LocalFrame
from airwork.limits import parse_clock_s
from airwork.mission.model import Feature
from airwork.site import Site
from airwork.site.roles import validate_properties
from airwork.site.zones import Zone, zone_from_geometry

__all__ = [
    "DROP_METHODS",
    "DeliveryProblem",
    "FleetType",
    "Hub",
    "Order",
    "format_time",
    "parse_time_s",
    "problem_from_job",
    "read_orders_csv",
]

DAY_S = 86_400.0
DROP_METHODS = ("winch", "land")


def parse_time_s(value: Any, what: str) -> float:
    """A time of the planning day -> seconds since 00:00: ``"HH:MM[:SS]"`` from 00:00 to
    23:59, ISO 8601, or a number of seconds from 0 to 86,400
    (:func:`airwork.limits.parse_clock_s`).

    Raises
    ------
    InputFileError
        Naming ``what`` (the feature and key) and the bad value.
    """
    return parse_clock_s(value, what)


def format_time(t_s: float) -> str:
    """Seconds of the day -> ``"HH:MM:SS"``."""
    t = round(t_s)
    return f"{t // 3600:02d}:{t % 3600 // 60:02d}:{t % 60:02d}"


@dataclass(frozen=True)
class Hub:
    """A hub: where drones take off, land, swap batteries and load parcels.

    Attributes
    ----------
    id : str
    xy_m : (float, float)
        Position in the local frame. [m]
    drone_count : int
        Drones of each fleet type based here unless the fleet type says otherwise. [-]
    swap_time_s : float
        Battery swap and reload between two trips of one drone. [s]
    open_s, close_s : float
        First take-off and last landing. [s of day]
    """

    id: str
    xy_m: tuple[float, float]
    drone_count: int = 2
    swap_time_s: float = 120.0
    open_s: float = 0.0
    close_s: float = DAY_S

    def __post_init__(self) -> None:
        if self.drone_count < 0:
            raise GeometryError(f"hub '{self.id}': drone_count must be >= 0")
        if self.swap_time_s < 0:
            raise GeometryError(f"hub '{self.id}': swap_time_s must be >= 0")
        if self.close_s <= self.open_s:
            raise GeometryError(
                f"hub '{self.id}': closes ({format_time(self.close_s)}) before it opens "
                f"({format_time(self.open_s)})"
            )


@dataclass(frozen=True)
class Order:
    """A parcel to deliver.

    Attributes
    ----------
    id : str
    xy_m : (float, float)
        Drop point in the local frame. [m]
    mass_kg : float
        Parcel mass. [kg]
    earliest_s, latest_s : float
        Window for the arrival over the drop point. [s of day]
    service_s : float
        Least time hovering at the drop height (lowering, release, winding in); each
        step is at least as long as the cargo system needs
        (:func:`~airwork.planners.delivery.drop.drop_holds`). [s]
    drop : str
        ``winch`` (hover and lower on the winch) or ``land`` (descend to 1 m and release).
    """

    id: str
    xy_m: tuple[float, float]
    mass_kg: float
    earliest_s: float = 0.0
    latest_s: float = DAY_S
    service_s: float = 30.0
    drop: str = "winch"


@dataclass(frozen=True)
class FleetType:
    """One kind of drone in the fleet.

    Attributes
    ----------
    aircraft : Aircraft
        From the catalogue or a spec file; must carry a cargo bay.
    count_per_hub : int or None
        Drones of this type at every hub; None takes each hub's ``drone_count``.
    payload_limit_kg : float or None
        Operator's limit below the aircraft's own. [kg]
    """

    aircraft: Aircraft
    count_per_hub: int | None = None
    payload_limit_kg: float | None = None

    def __post_init__(self) -> None:
        if self.aircraft.cargo is None:
            raise AircraftError(
                f"aircraft '{self.aircraft.name}' has no cargo bay and cannot deliver parcels"
            )
        if self.count_per_hub is not None and self.count_per_hub < 0:
            raise AircraftError(f"fleet type '{self.name}': count_per_hub must be >= 0")
        if self.payload_limit_kg is not None and self.payload_limit_kg <= 0:
            raise AircraftError(f"fleet type '{self.name}': payload_limit_kg must be > 0")

    @property
    def name(self) -> str:
        return self.aircraft.name

    @property
    def payload_kg(self) -> float:
        """Largest parcel load of one trip. [kg]"""
        p = self.aircraft.max_payload_kg
        return p if self.payload_limit_kg is None else min(p, self.payload_limit_kg)

    @property
    def winch_length_m(self) -> float:
        cargo = self.aircraft.cargo
        return float(cargo.winch_length_m) if cargo is not None else 0.0

    def count_at(self, hub: Hub) -> int:
        return hub.drone_count if self.count_per_hub is None else self.count_per_hub


@dataclass(frozen=True)
class DeliveryProblem:
    """A day of orders for a fleet based at hubs, around no-fly zones (local frame).

    Attributes
    ----------
    hubs : tuple of Hub
    orders : tuple of Order
        Order ids are unique (checked).
    fleet : tuple of FleetType
    no_fly : tuple of NoFlyZone
    frame : LocalFrame or None
        Needed only for exports.
    features : tuple of Feature
        Input features for maps.
    name : str
    terrain : Terrain or None
        Ground elevation in the local frame (``airwork.site.terrain``: a DEM); None is
        flat ground.  With a terrain each trip cruises ``cruise_alt_m`` above the highest
        ground under each leg and drops at its height above the ground at the order, with
        altitudes relative to its hub.
    """

    hubs: tuple[Hub, ...]
    orders: tuple[Order, ...]
    fleet: tuple[FleetType, ...]
    no_fly: tuple[Zone, ...] = ()
    frame: LocalFrame | None = None
    features: tuple[Feature, ...] = ()
    name: str = "delivery"
    terrain: Any = None

    def __post_init__(self) -> None:
        if not self.hubs:
            raise GeometryError("the delivery job has no hub (a Point with role 'hub')")
        if not self.fleet:
            raise AircraftError("the delivery fleet is empty: give at least one aircraft type")
        names = [f.name for f in self.fleet]
        if len(set(names)) != len(names):
            raise AircraftError(f"fleet types must differ, got {names}")
        _check_unique("hub", [h.id for h in self.hubs])
        _check_unique("order", [o.id for o in self.orders])
        for o in self.orders:
            if o.drop not in DROP_METHODS:
                raise InputFileError(
                    f"order '{o.id}': drop must be one of {', '.join(DROP_METHODS)}, got {o.drop!r}"
                )
            if not (math.isfinite(o.mass_kg) and o.mass_kg > 0):
                raise InputFileError(f"order '{o.id}': mass_kg must be > 0, got {o.mass_kg}")
            if not (math.isfinite(o.service_s) and o.service_s >= 0):
                raise InputFileError(f"order '{o.id}': service_s must be >= 0")

    def replace(self, **changes) -> DeliveryProblem:
        return replace(self, **changes)

    @property
    def hub_xy(self) -> np.ndarray:
        return np.array([h.xy_m for h in self.hubs], dtype=float).reshape(-1, 2)

    @property
    def order_xy(self) -> np.ndarray:
        return np.array([o.xy_m for o in self.orders], dtype=float).reshape(-1, 2)


def _check_unique(what: str, ids: Sequence[str]) -> None:
    seen: set[str] = set()
    for i in ids:
        if i in seen:
            raise InputFileError(f"duplicate {what} id '{i}': every {what} needs its own id")
        seen.add(i)


# ------------------------------------------------------------------------------------ reading
def _prop(props: dict[str, Any], *keys: str, default: Any = None) -> Any:
    lower = {str(k).lower(): v for k, v in props.items()}
    for k in keys:
        if k in lower and lower[k] is not None and lower[k] != "":
            return lower[k]
    return default


def _number(value: Any, what: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise InputFileError(f"{what}: expected a number, got {value!r}") from None
    if not math.isfinite(x):
        raise InputFileError(f"{what}: expected a finite number, got {value!r}")
    return x


def _order_from_props(
    oid: str, xy: tuple[float, float], props: dict[str, Any], where: str
) -> Order:
    mass = _prop(props, "mass_kg", "mass", "weight_kg")
    if mass is None:
        raise InputFileError(f"{where}: order '{oid}' has no mass_kg")
    earliest = _prop(props, "earliest", "earliest_s", "tw_early")
    latest = _prop(props, "latest", "latest_s", "tw_late")
    drop = str(_prop(props, "drop", default="winch")).strip().lower()
    if drop not in DROP_METHODS:
        raise InputFileError(
            f"{where}: order '{oid}': drop must be one of {', '.join(DROP_METHODS)}, got {drop!r}"
        )
    return Order(
        id=oid,
        xy_m=xy,
        mass_kg=_number(mass, f"{where}: mass_kg"),
        earliest_s=0.0 if earliest is None else parse_time_s(earliest, f"{where}: earliest"),
        latest_s=DAY_S if latest is None else parse_time_s(latest, f"{where}: latest"),
        service_s=_number(_prop(props, "service_s", default=30.0), f"{where}: service_s"),
        drop=drop,
    )


def _hub_from_props(hid: str, xy: tuple[float, float], props: dict[str, Any], where: str) -> Hub:
    count = _number(_prop(props, "drone_count", "drones", default=2), f"{where}: drone_count")
    if count != int(count) or count < 1:
        raise InputFileError(
            f"{where}: drone_count must be a whole number ≥ 1 (a hub has drones), got {count:g}"
        )
    open_v = _prop(props, "open", "open_s", "opens")
    close_v = _prop(props, "close", "close_s", "closes")
    return Hub(
        id=hid,
        xy_m=xy,
        drone_count=int(count),
        swap_time_s=_number(_prop(props, "swap_time_s", default=120.0), f"{where}: swap_time_s"),
        open_s=0.0 if open_v is None else parse_time_s(open_v, f"{where}: open"),
        close_s=DAY_S if close_v is None else parse_time_s(close_v, f"{where}: close"),
    )


def problem_from_job(
    job: Site,
    fleet: Sequence[FleetType],
    *,
    orders: Sequence[Order] | None = None,
    name: str = "delivery",
) -> DeliveryProblem:
    """Build a :class:`DeliveryProblem` from a read job (roles ``hub``, ``order``, ``no_fly``).

    ``orders`` (e.g. from :func:`read_orders_csv` with the job's frame) are added to the
    job's own order points.  Without any ``hub``, the job's ``station`` points are the hubs.
    Other roles of the job (fields, obstacles) are ignored.

    Raises
    ------
    GeometryError
        Wrong geometry type for a role, no hub.
    InputFileError
        Missing or malformed properties, duplicate ids.
    """
    hubs: list[Hub] = []
    found_orders: list[Order] = []
    zones: list[Zone] = []
    features: list[Feature] = []
    for k, f in enumerate(job.other):
        role = f.role.strip().lower().replace("-", "_")
        geom = f.geometry
        where = f.source
        if role in ("hub", "order"):
            if geom.geom_type != "Point":
                raise GeometryError(f"{where}: a {role} must be a Point, got {geom.geom_type}")
            xy = (float(geom.x), float(geom.y))
            default_id = f"{role}-{k + 1}"
            fid = str(_prop(f.properties, "id", "name", "order_id", default=default_id))
            if role == "hub":
                hubs.append(_hub_from_props(fid, xy, f.properties, where))
            else:
                found_orders.append(_order_from_props(fid, xy, f.properties, where))
        elif role == "no_fly":
            if geom.geom_type not in ("Polygon", "MultiPolygon"):
                raise GeometryError(
                    f"{where}: a no_fly zone must be a polygon, got {geom.geom_type}"
                )
            zone = zone_from_geometry(shapely.force_2d(geom), False, f.properties, where)
            if not zone.id:
                zone = replace(zone, id=f"no-fly-{len(zones) + 1}")
            zones.append(zone)
        else:
            continue
        features.append(Feature(role, shapely.force_2d(geom), dict(f.properties)))
    if not hubs:  # a job with plain 'station' points: they are the hubs
        for k, f in enumerate(job.stations):
            fid = str(_prop(f.properties, "id", "name", default=f"hub-{k + 1}"))
            xy = (float(f.geometry.x), float(f.geometry.y))
            hubs.append(_hub_from_props(fid, xy, f.properties, f.source))
            features.append(Feature("hub", f.geometry, dict(f.properties)))
    all_orders = [*found_orders, *(orders or ())]
    return DeliveryProblem(
        hubs=tuple(hubs),
        orders=tuple(all_orders),
        fleet=tuple(fleet),
        no_fly=tuple(zones),
        frame=job.frame,
        features=tuple(features),
        name=name,
    )


def read_orders_csv(path: str | Path, frame: LocalFrame) -> list[Order]:
    """Orders from a CSV file with a header: ``id, lat, lon, mass_kg`` and optional
    ``earliest, latest, service_s, drop`` (times ``HH:MM`` or seconds).

    Raises
    ------
    InputFileError
        Missing file or column, malformed value (with the line number).
    """
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: file not found")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{p}: cannot read: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    cols = {c.strip().lower() for c in (reader.fieldnames or [])}
    missing = [c for c in ("id", "lat", "lon", "mass_kg") if c not in cols]
    if missing:
        raise InputFileError(f"{p}: missing column(s) {', '.join(missing)}")
    rows = []
    for line, row in enumerate(reader, start=2):
        clean = {
            str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()
        }
        where = f"{p} line {line}"
        clean = validate_properties("order", clean, where)
        lat = _number(clean["lat"], f"{where}: lat")
        lon = _number(clean["lon"], f"{where}: lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise InputFileError(f"{where}: lat/lon ({lat}, {lon}) out of range")
        rows.append((str(clean["id"]), lon, lat, clean, where))
    if not rows:
        raise InputFileError(f"{p}: no orders")
    x, y = frame.to_local(np.array([r[1] for r in rows]), np.array([r[2] for r in rows]))
    return [
        _order_from_props(oid, (float(x[i]), float(y[i])), props, where)
        for i, (oid, _, _, props, where) in enumerate(rows)
    ]
