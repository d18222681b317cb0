"""The sortie table of a done job, from its ``mission.geojson`` (every kind writes one, leg by
leg) and its summary: one row per sortie with its time, energy, battery, liquid or payload,
the station it takes off from and, for fleets, the drone that flies it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = ["sortie_table"]


def _station_name(props: dict[str, Any], index: int) -> str:
    for key in ("name", "id"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    if props.get("station") is not None:
        return f"station {int(props['station']) + 1}"
    return f"station {index + 1}"


def _nearest(point: list[float], stations: list[tuple[str, list[float]]]) -> str | None:
    """The station nearest ``point`` (lon, lat), within 200 m: only for outputs written
    before legs carried their station's index."""
    best, best_d = None, 200.0
    lat0 = math.radians(point[1])
    for name, (lon, lat) in stations:
        dx = (lon - point[0]) * 111_320.0 * math.cos(lat0)
        dy = (lat - point[1]) * 110_540.0
        d = math.hypot(dx, dy)
        if d <= best_d:
            best, best_d = name, d
    return best


def _drones(summary: dict[str, Any] | None) -> dict[int, str]:
    """Sortie number -> drone, from a delivery schedule (``{drone: [trips]}``)."""
    out: dict[int, str] = {}
    schedule = (summary or {}).get("schedule")
    if isinstance(schedule, dict):
        for drone, trips in schedule.items():
            for trip in trips if isinstance(trips, list) else []:
                if isinstance(trip, dict) and isinstance(trip.get("sortie"), int):
                    out[trip["sortie"]] = str(drone)
    return out


def _first_point(geometry: dict[str, Any]) -> list[float] | None:
    coords = geometry.get("coordinates") if geometry else None
    if geometry and geometry.get("type") == "LineString" and coords:
        return list(coords[0][:2])
    return None


def sortie_table(
    features: Iterable[dict[str, Any]], summary: dict[str, Any] | None = None
) -> list[dict[str, Any]]:
    """One row per sortie, in order.

    Each row: ``sortie``, ``legs``, ``time_s`` (flight time), ``distance_m``,
    ``work_distance_m`` (spraying or photographing), ``energy_wh``, ``battery_pct`` (of the
    battery's usable energy, the sum of the legs' shares), ``payload_kg`` (at take-off),
    ``released_kg`` (payload sprayed, spread or dropped), ``liquid_l`` (product of a spray
    or spread sortie from the summary; else None), ``station`` (the name of the station
    the sortie takes off from: the leg's ``station`` index, else, in outputs older than
    that, the nearest station or hub to the take-off point) and ``drone`` (delivery fleets;
    else None).
    """
    stations: list[tuple[str, list[float]]] = []
    by_index: dict[int, str] = {}
    rows: dict[int, dict[str, Any]] = {}
    for f in features:
        props = f.get("properties") or {}
        geom = f.get("geometry") or {}
        role = props.get("role")
        if role in ("station", "hub") and geom.get("type") == "Point":
            name = _station_name(props, len(stations))
            stations.append((name, geom["coordinates"][:2]))
            if role == "station" and isinstance(props.get("station"), int):
                by_index[props["station"]] = name
            continue
        if role != "leg" or not isinstance(props.get("sortie"), int):
            continue
        n = props["sortie"]
        row = rows.get(n)
        if row is None:
            row = rows[n] = {
                "sortie": n,
                "legs": 0,
                "time_s": 0.0,
                "distance_m": 0.0,
                "work_distance_m": 0.0,
                "energy_wh": 0.0,
                "battery_pct": 0.0,
                "released_kg": 0.0,
                "payload_kg": float(props.get("payload_kg") or 0.0),
                "_start": _first_point(geom),
                "_station": props.get("station"),
            }
        row["legs"] += 1
        row["time_s"] += float(props.get("time_s") or 0.0)
        row["distance_m"] += float(props.get("distance_m") or 0.0)
        row["energy_wh"] += float(props.get("energy_wh") or 0.0)
        row["battery_pct"] += 100.0 * float(props.get("battery_frac") or 0.0)
        if props.get("spraying") or props.get("camera"):
            row["work_distance_m"] += float(props.get("distance_m") or 0.0)
        start, end = props.get("payload_kg"), props.get("payload_end_kg")
        if start is not None and end is not None and float(end) < float(start):
            row["released_kg"] += float(start) - float(end)
    drones = _drones(summary)
    product = {
        p["sortie"]: p.get("product_l")
        for p in (summary or {}).get("per_sortie") or []
        if isinstance(p, dict) and isinstance(p.get("sortie"), int)
    }
    out = []
    for n in sorted(rows):
        row = rows[n]
        start, index = row.pop("_start"), row.pop("_station")
        if isinstance(index, int):
            row["station"] = by_index.get(index, f"station {index + 1}")
        else:
            row["station"] = _nearest(start, stations) if start and stations else None
        row["drone"] = drones.get(n)
        for key in ("time_s", "distance_m", "work_distance_m", "energy_wh", "battery_pct"):
            row[key] = round(row[key], 1)
        row["released_kg"] = round(row["released_kg"], 3)
        row["liquid_l"] = product.get(n)
        row["payload_kg"] = round(row["payload_kg"], 3)
        out.append(row)
    return out
