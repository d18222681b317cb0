"""The fuzz cases: seeded bad (and some good) inputs for every command, each with the
class of outcome it must have.

``refuse``     exit 1: one ``error:`` line that names the problem (every string of
               ``names``), nothing written;
``usage``      exit 2: click's usage error naming the option;
``violation``  exit 3 (``airwork check``): the violation kinds of ``names`` reported;
``accept``     exit 0: a plan's outputs are then re-checked by ``airwork check`` (clean),
               and every coordinate of ``mission.geojson`` is finite and in range; any
               string of ``names`` must appear in the output (a note).

Numbers come from each kind's declared parameters (so a new parameter is fuzzed without a
line here): not-a-number, infinities, just outside each bound, text.  Files are the good
job of each kind, mutated one way per case.
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fuzz_inputs as I
from pymavlink import mavutil

from airwork.jobs.registry import kind

_ML = mavutil.mavlink
Setup = Callable[[Path, dict], None]


@dataclass(frozen=True)
class Case:
    """One generated input and the outcome it must have.

    ``argv`` may hold ``{dir}`` (the case's own folder, where ``setup`` writes inputs),
    ``{out}`` (the output folder, which must not exist after a refusal) and ``{good}``
    entries of the shared good outputs (``{plan}``, ``{wpl}``, ``{geojson}``)."""

    name: str
    argv: tuple[str, ...]
    expect: str
    names: tuple[str, ...] = ()
    setup: Setup | None = None


def _bounds(info) -> tuple[float | None, bool, float | None, bool]:
    lo = hi = None
    lo_open = hi_open = False
    for meta in info.metadata:
        for attr in ("ge", "gt", "le", "lt"):
            v = getattr(meta, attr, None)
            if v is None:
                continue
            if attr in ("ge", "gt"):
                lo, lo_open = float(v), attr == "gt"
            else:
                hi, hi_open = float(v), attr == "lt"
    return lo, lo_open, hi, hi_open


def _numeric(info) -> str | None:
    text = str(info.annotation)
    if "list" in text or "Literal" in text or "str" in text or "bool" in text:
        return None
    return "int" if "int" in text else "float" if "float" in text else None


def _bad_numbers(info, kind_: str, rng: random.Random) -> list[tuple[str, str]]:
    """(value, expect) pairs just outside a field's rule, and non-numbers."""
    lo, lo_open, hi, hi_open = _bounds(info)
    out = []
    if kind_ == "float":
        out += [("nan", "refuse"), ("inf", "refuse"), ("-inf", "refuse"), ("abc", "usage")]
    else:
        out += [("1.5", "usage"), ("nan", "usage")]
    if lo is not None:
        below = lo if lo_open else lo - max(1.0, abs(lo)) * rng.choice([1e-3, 1.0, 1e6])
        if kind_ == "int":
            below = math.floor(below) if not lo_open else int(lo)
        out.append((repr(below), "refuse"))
    if hi is not None:
        above = hi if hi_open else hi + max(1.0, abs(hi)) * rng.choice([1e-3, 1.0, 1e6])
        if kind_ == "int":
            above = math.ceil(above) if not hi_open else int(hi)
        out.append((repr(above), "refuse"))
    return out


KIND_ARGS = {
    "spray": ("plan", "spray", str(I.EXAMPLE)),
    "spread": ("plan", "spread", str(I.EXAMPLE), "-a", "spreader-50"),
    "survey": ("plan", "survey", str(I.EXAMPLE)),
    "powerline": ("plan", "powerline", str(I.POWERLINE)),
    "delivery": ("plan", "delivery", "{dir}/job.geojson", "--runtime-s", "0.2"),
}
SHARED = {  # option: (bound-free rule for the generator: lo, lo_open, hi, hi_open, int)
    "--wind-mps": (0, False, 60, False, False),
    "--wind-from-deg": (0, False, 360, False, False),
    "--max-agl-m": (0, True, 500, False, False),
    "--max-field-ha": (0, True, 1e6, False, False),
    "--follow-tolerance-m": (0, True, 50, False, False),
}


def _delivery_setup(d: Path, ctx: dict) -> None:
    I.write_geojson(d / "job.geojson", I.delivery_job())


def plan_option_cases(rng: random.Random) -> list[Case]:
    """Every numeric parameter of every kind, and the shared options, just outside their
    rules: refused naming the option (or a usage error for text)."""
    cases = []
    for k, base in KIND_ARGS.items():
        setup = _delivery_setup if k == "delivery" else None
        for name, info in kind(k).Params.model_fields.items():
            typ = _numeric(info)
            if typ is None:
                continue
            opt = "--" + name.replace("_", "-")
            for value, expect in _bad_numbers(info, typ, rng):
                cases.append(
                    Case(
                        f"{k} {opt} {value}",
                        (*base, opt, value, "-o", "{out}"),
                        expect,
                        (opt,),
                        setup,
                    )
                )
        shared = list(SHARED.items())
        for opt, (_lo, _lo_open, hi, _hi_open, _) in rng.sample(shared, 3):
            for value in ("nan", repr(hi + rng.choice([1e-3, 1.0, 1e5]))):
                cases.append(
                    Case(
                        f"{k} {opt} {value}",
                        (*base, opt, value, "-o", "{out}"),
                        "refuse",
                        (opt,),
                        setup,
                    )
                )
    for servo in ("0", "33", "99", "-1"):
        cases.append(
            Case(
                f"spray --spray-servo {servo}",
                (*KIND_ARGS["spray"], "--spray-servo", servo, "-o", "{out}"),
                "refuse",
                ("--spray-servo", "[1, 32]"),
            )
        )
    for band in ("10:nan:3", "0:5:90", "50:61:90", "50:5:400", "50:5", "a:b:c", "inf:3:3"):
        cases.append(
            Case(
                f"spray --wind-band {band}",
                (*KIND_ARGS["spray"], "--wind-band", band, "-o", "{out}"),
                "refuse",
                ("--wind-band",),
            )
        )
    for bad in ("sw2", "up"):
        cases.append(
            Case(
                f"spray --start-corner {bad}",
                (*KIND_ARGS["spray"], "--start-corner", bad, "-o", "{out}"),
                "usage",
                ("--start-corner",),
            )
        )
    cases.append(
        Case(
            "powerline -m nothing",
            (*KIND_ARGS["powerline"], "-m", "nothing", "-o", "{out}"),
            "usage",
            ("--mode",),
        )
    )
    cases.append(
        Case(
            "spray --format nope",
            (*KIND_ARGS["spray"], "--format", "nope", "-o", "{out}"),
            "refuse",
            ("nope", "format"),
        )
    )
    cases.append(
        Case(
            "spray --autopilot inav",
            (*KIND_ARGS["spray"], "--autopilot", "inav", "-o", "{out}"),
            "usage",
            ("--autopilot",),
        )
    )
    cases.append(
        Case(
            "spray -a nothing",
            (*KIND_ARGS["spray"], "-a", "no-such-aircraft", "-o", "{out}"),
            "refuse",
            ("no-such-aircraft",),
        )
    )
    cases.append(
        Case(
            "spray -a sprayer-40:2",
            (*KIND_ARGS["spray"], "-a", "sprayer-40:2", "-o", "{out}"),
            "refuse",
            ("fleets",),
        )
    )
    cases.append(
        Case(
            "spray with a spreader",
            (*KIND_ARGS["spray"], "-a", "spreader-50", "-o", "{out}"),
            "refuse",
            ("spray tank",),
        )
    )
    cases.append(
        Case(
            "survey with a sprayer",
            (*KIND_ARGS["survey"], "-a", "sprayer-40", "-o", "{out}"),
            "refuse",
            ("camera",),
        )
    )
    cases.append(
        Case(
            "spray --crs garbage",
            (*KIND_ARGS["spray"], "--crs", "EPSG:999999", "-o", "{out}"),
            "refuse",
            ("EPSG:999999",),
        )
    )
    cases.append(
        Case(
            "spray --unlabelled pond",
            (*KIND_ARGS["spray"], "--unlabelled", "pond", "-o", "{out}"),
            "refuse",
            ("pond",),
        )
    )
    return cases


def plan_accept_cases(rng: random.Random) -> list[Case]:
    """Values inside the rules: planned, written and re-checked clean."""
    spray = KIND_ARGS["spray"]
    rows = [
        ("spray defaults", (), ()),
        ("spray --swath-m 12", ("--swath-m", "12"), ()),
        ("spray --angle-deg 359.5", ("--angle-deg", "359.5"), ()),
        ("spray --boundary-passes 1", ("--boundary-passes", "1"), ()),
        ("spray --spray-servo 32", ("--spray-servo", "32"), ()),
        (
            "spray --wind-mps 5 --wind-from-deg 225",
            ("--wind-mps", "5", "--wind-from-deg", "225"),
            (),
        ),
        ("spray -a sprayer-10 --wind-mps 3", ("-a", "sprayer-10", "--wind-mps", "3"), ()),
        ("spray --overlap-frac 0.2", ("--overlap-frac", "0.2"), ()),
        ("spray --wind-band 20:4:90", ("--wind-band", "20:4:90"), ()),
        ("spray -a spec file", ("-a", str(I.SPEC)), ()),
        ("spread --rate-kg-per-ha 50", ("--rate-kg-per-ha", "50"), ()),
        ("survey --gsd-cm 3 --crosshatch", ("--gsd-cm", "3", "--crosshatch"), ()),
        ("survey --side-overlap 0.9", ("--side-overlap", "0.9"), ()),
        ("powerline -m towers", ("-m", "towers"), ()),
    ]
    cases = []
    for name, extra, notes in rows:
        k = name.split()[0]
        base = KIND_ARGS[k] if k != "spray" else spray
        if name.startswith("spread"):
            base = KIND_ARGS["spread"]
        cases.append(Case(name, (*base, *extra, "-o", "{out}", "--no-picture"), "accept", notes))
    cases.append(
        Case(
            "delivery small day",
            (*KIND_ARGS["delivery"], "--start", "07:30", "-o", "{out}", "--no-picture"),
            "accept",
            (),
            _delivery_setup,
        )
    )
    return cases


# ------------------------------------------------------------------------------ site files
def _site(builder: Callable[[Path], Path]) -> Setup:
    def setup(d: Path, ctx: dict) -> None:
        builder(d)

    return setup


def _gj(features: list[dict], name: str = "job.geojson", **top: Any) -> Setup:
    return _site(lambda d: I.write_geojson(d / name, features, **top))


def _text(name: str, text: str | bytes) -> Setup:
    def setup(d: Path, ctx: dict) -> None:
        p = d / name
        if isinstance(text, bytes):
            p.write_bytes(text)
        else:
            p.write_text(text)

    return setup


def _swap(geom: dict) -> dict:
    def swap(c):
        return [swap(x) for x in c] if isinstance(c[0], list) else [c[1], c[0]]

    return {**geom, "coordinates": swap(geom["coordinates"])}


def site_cases(rng: random.Random) -> list[Case]:
    """Bad (and unusual good) job files for the field kinds."""
    f = I.feature
    field = I.polygon(I.FIELD)
    station = I.point(*I.STATION)
    barn = I.polygon([(100, 80), (112, 80), (112, 92), (100, 92)])
    tree = I.point(150, 100)
    bowtie = I.polygon([(0, 0), (300, 200), (300, 0), (0, 200)])
    far = I.point(0, 0, lon0=LON_FAR, lat0=LAT_FAR)
    nan_field = json.loads(json.dumps(field))
    nan_field["coordinates"][0][2] = [None, 43.5]
    rows: list[tuple[str, Setup, str, tuple[str, ...], tuple[str, ...]]] = [
        (
            "unlabelled barn beside a field",
            _gj(I.field_job([f(barn)])),
            "refuse",
            ("no 'role'", "--unlabelled"),
            (),
        ),
        (
            "unlabelled tree point",
            _gj(I.field_job([f(tree, radius_m=8, height_m=15)])),
            "refuse",
            ("no 'role'",),
            (),
        ),
        (
            "unlabelled no-spray buffer",
            _gj(I.field_job([f(I.polygon([(0, 0), (30, 0), (30, 200), (0, 200)]))])),
            "refuse",
            ("no 'role'",),
            (),
        ),
        (
            "unlabelled point only",
            _gj([f(field, role="field"), f(station)]),
            "refuse",
            ("no 'role'", "Point"),
            (),
        ),
        (
            "unlabelled tree as obstacle without radius",
            _gj(I.field_job([f(tree)])),
            "refuse",
            ("radius_m",),
            ("--unlabelled", "obstacle"),
        ),
        (
            "unlabelled tree as obstacle",
            _gj(I.field_job([f(tree, radius_m=8, height_m=15)])),
            "accept",
            (),
            ("--unlabelled", "obstacle"),
        ),
        ("file of unlabelled polygons", _gj([f(field)]), "accept", ("taken as fields",), ()),
        (
            "unknown role",
            _gj(I.field_job([f(barn, role="pond")])),
            "refuse",
            ("unknown role 'pond'",),
            (),
        ),
        (
            "role typo",
            _gj(I.field_job([f(barn, role="obstcle")])),
            "refuse",
            ("typo", "obstacle"),
            (),
        ),
        (
            "station as polygon",
            _gj([f(field, role="field"), f(barn, role="station")]),
            "refuse",
            ("station must be Point",),
            (),
        ),
        ("field as point", _gj([f(tree, role="field")]), "refuse", ("field must be",), ()),
        (
            "obstacle point without radius",
            _gj(I.field_job([f(tree, role="obstacle")])),
            "refuse",
            ("radius_m",),
            (),
        ),
        (
            "obstacle radius nan",
            _gj(I.field_job([f(tree, role="obstacle", radius_m="nan")])),
            "refuse",
            ("radius_m", "(0, 10000]"),
            (),
        ),
        (
            "obstacle radius negative",
            _gj(I.field_job([f(tree, role="obstacle", radius_m=-4)])),
            "refuse",
            ("radius_m",),
            (),
        ),
        (
            "obstacle height inf",
            _gj(I.field_job([f(barn, role="obstacle", height_m="inf")])),
            "refuse",
            ("height_m",),
            (),
        ),
        (
            "field rate zero",
            _gj([f(field, role="field", rate_per_ha=0), f(station, role="station")]),
            "refuse",
            ("rate_per_ha",),
            (),
        ),
        ("bowtie field", _gj([f(bowtie, role="field")]), "refuse", ("Self-intersection",), ()),
        (
            "swapped lat/lon (out of range)",
            _gj([f(_swap(I.polygon(I.FIELD, lon0=100.5, lat0=13.7)), role="field")]),
            "refuse",
            ("lat, lon",),
            (),
        ),
        (
            "one feature swapped",
            _gj(I.field_job([f(_swap(barn), role="obstacle")])),
            "refuse",
            ("km from the rest", "lat"),
            (),
        ),
        (
            "projected without crs",
            _gj(
                [
                    f(
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [574000, 6270000],
                                    [574300, 6270000],
                                    [574300, 6270200],
                                    [574000, 6270000],
                                ]
                            ],
                        },
                        role="field",
                    )
                ]
            ),
            "refuse",
            ("projected",),
            (),
        ),
        ("null coordinate", _gj([f(nan_field, role="field")]), "refuse", (), ()),
        (
            "feature on another continent",
            _gj(I.field_job([f(far, role="station")])),
            "refuse",
            ("km from the rest",),
            (),
        ),
        (
            "huge field",
            _gj([f(I.polygon([(0, 0), (12000, 0), (12000, 12000), (0, 12000)]), role="field")]),
            "refuse",
            ("ha",),
            (),
        ),
        (
            "zero-area field",
            _gj([f(I.polygon([(0, 0), (300, 0), (300, 1e-6), (0, 1e-6)]), role="field")]),
            "refuse",
            ("zero area",),
            (),
        ),
        ("null geometry", _gj([f(None, role="field")]), "refuse", (), ()),
        ("empty collection", _gj([]), "refuse", ("no features",), ()),
        (
            "repeated vertices",
            _gj(
                [
                    f(
                        I.polygon([(0, 0), (0, 0), (300, 0), (300, 200), (300, 200), (0, 200)]),
                        role="field",
                    )
                ]
            ),
            "accept",
            (),
            (),
        ),
        (
            "field with a hole",
            _gj(
                [
                    f(
                        I.polygon(I.FIELD, holes=[[(100, 50), (150, 50), (150, 100), (100, 100)]]),
                        role="field",
                    ),
                    f(station, role="station"),
                ]
            ),
            "accept",
            (),
            (),
        ),
        (
            "obstacle strip across the field",
            _gj(
                I.field_job(
                    [
                        f(
                            I.polygon([(-60, 95), (360, 95), (360, 110), (-60, 110)]),
                            role="obstacle",
                            height_m=20,
                        )
                    ]
                )
            ),
            "accept",
            (),
            (),
        ),
        (
            "station inside an obstacle",
            _gj(
                I.field_job(
                    [f(I.polygon([(-40, -40), (0, -40), (0, 0), (-40, 0)]), role="obstacle")]
                )
            ),
            "refuse",
            ("station",),
            (),
        ),
        (
            "field across the antimeridian",
            _gj([f(I.polygon(I.FIELD, lon0=179.9985, lat0=-16.8), role="field")]),
            "accept",
            ("180°",),
            (),
        ),
        (
            "field near the north pole",
            _gj([f(I.polygon(I.FIELD, lon0=20.0, lat0=85.5), role="field")]),
            "accept",
            (),
            (),
        ),
        ("empty file", _text("job.geojson", ""), "refuse", ("empty",), ()),
        (
            "truncated json",
            _text("job.geojson", '{"type": "FeatureCollection", "feat'),
            "refuse",
            ("job.geojson",),
            (),
        ),
        (
            "binary garbage",
            _text("job.geojson", bytes(range(256)) * 4),
            "refuse",
            ("job.geojson",),
            (),
        ),
    ]
    cases = []
    for name, setup, expect, names, extra in rows:
        for k in ("spray", "survey") if rng.random() < 0.5 else ("spray",):
            if k == "survey" and expect == "accept" and "station" not in name:
                continue
            cases.append(
                Case(
                    f"{k}: {name}",
                    ("plan", k, "{dir}/job.geojson", *extra, "-o", "{out}", "--no-picture"),
                    expect,
                    names,
                    setup,
                )
            )
    cases += _format_cases()
    return cases


LON_FAR, LAT_FAR = 139.7, 35.7  # Tokyo


def _format_cases() -> list[Case]:
    """Other formats: shapefile sidecars, WKT, CSV, KML, unsupported suffixes."""
    field = I.feature(I.polygon(I.FIELD), role="field", name="north")
    station = I.feature(I.point(*I.STATION), role="station", name="truck")

    def shp(drop):
        return _site(lambda d: I.write_shapefile(d / "job.shp", [field], drop))

    spray = ("plan", "spray")
    wkt_field = "POLYGON ((1.45 43.547, 1.454 43.547, 1.454 43.549, 1.45 43.549, 1.45 43.547))"
    return [
        Case(
            "shapefile without .dbf",
            (*spray, "{dir}/job.shp", "-o", "{out}"),
            "refuse",
            (".dbf",),
            shp((".dbf",)),
        ),
        Case(
            "shapefile without .shx",
            (*spray, "{dir}/job.shp", "-o", "{out}"),
            "refuse",
            (".shx",),
            shp((".shx",)),
        ),
        Case(
            "shapefile whole",
            (*spray, "{dir}/job.shp", "-o", "{out}", "--no-picture"),
            "accept",
            (),
            shp(()),
        ),
        Case(
            "shapefile of points without roles",
            (*spray, str(I.EXAMPLE), "{dir}/trees.shp", "-o", "{out}"),
            "refuse",
            ("no 'role'", "Point"),
            _site(
                lambda d: I.write_shapefile(
                    d / "trees.shp",
                    [{**station, "properties": {}}, {**station, "properties": {"name": "oak"}}],
                )
            ),
        ),
        Case(
            "wkt field",
            (*spray, "{dir}/f.wkt", "-o", "{out}", "--no-picture"),
            "accept",
            ("taken as fields",),
            _text("f.wkt", wkt_field),
        ),
        Case(
            "wkt garbage line",
            (*spray, "{dir}/f.wkt", "-o", "{out}"),
            "refuse",
            ("line 2",),
            _text("f.wkt", wkt_field + "\nPOLYGON ((1 2, 3\n"),
        ),
        Case(
            "csv stations bad number",
            (*spray, str(I.EXAMPLE), "--stations", "{dir}/s.csv", "-o", "{out}"),
            "refuse",
            ("line 3",),
            _text("s.csv", "lat,lon\n43.546,1.449\nabc,1.449\n"),
        ),
        Case(
            "csv stations without lat",
            (*spray, str(I.EXAMPLE), "--stations", "{dir}/s.csv", "-o", "{out}"),
            "refuse",
            ("lat",),
            _text("s.csv", "y_coord,lon\n43.546,1.449\n"),
        ),
        Case(
            "stations file of polygons",
            (*spray, str(I.EXAMPLE), "--stations", "{dir}/s.geojson", "-o", "{out}"),
            "refuse",
            ("station must be Point",),
            _gj([I.feature(I.polygon(I.FIELD))], "s.geojson"),
        ),
        Case(
            "unsupported suffix",
            (*spray, "{dir}/job.xyz", "-o", "{out}"),
            "refuse",
            ("unsupported",),
            _text("job.xyz", "x"),
        ),
        Case(
            "missing file",
            (*spray, "{dir}/nothing.geojson", "-o", "{out}"),
            "refuse",
            ("not found",),
        ),
        Case(
            "kml without roles",
            (*spray, "{dir}/f.kml", "-o", "{out}", "--no-picture"),
            "accept",
            ("taken as fields",),
            _text("f.kml", _KML),
        ),
        Case(
            "out under a file",
            (*spray, str(I.EXAMPLE), "-o", "{dir}/afile/sub"),
            "refuse",
            ("afile is a file",),
            _text("afile", "x"),
        ),
        Case(
            "out is a file",
            (*spray, str(I.EXAMPLE), "-o", "{dir}/afile"),
            "refuse",
            ("not a folder",),
            _text("afile", "x"),
        ),
        Case(
            "out is the current folder",
            (*spray, str(I.EXAMPLE), "-o", ".", "--overwrite"),
            "refuse",
            ("current folder",),
        ),
        Case(
            "out not empty",
            (*spray, str(I.EXAMPLE), "-o", "{dir}"),
            "refuse",
            ("--overwrite",),
            _text("notes.txt", "mine"),
        ),
    ]


_KML = """<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>north</name>
<Polygon><outerBoundaryIs><LinearRing><coordinates>
1.45,43.547 1.454,43.547 1.454,43.549 1.45,43.549 1.45,43.547
</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark></Document></kml>
"""


# ------------------------------------------------------------------------------ delivery
def _dj(orders=None, hubs=None) -> Setup:
    return _gj(I.delivery_job(orders, hubs))


def delivery_cases(rng: random.Random) -> list[Case]:
    base = (
        "plan",
        "delivery",
        "{dir}/job.geojson",
        "--runtime-s",
        "0.2",
        "-o",
        "{out}",
        "--no-picture",
    )
    order = {"id": "O1", "mass_kg": 1.0}
    rows = [
        ("empty order id", [{**order, "id": ""}], None, ("id",)),
        ("blank order id", [{**order, "id": "   "}], None, ("id",)),
        ("mass nan", [{**order, "mass_kg": "nan"}], None, ("mass_kg",)),
        ("mass zero", [{**order, "mass_kg": 0}], None, ("mass_kg",)),
        ("mass negative", [{**order, "mass_kg": -2}], None, ("mass_kg",)),
        ("mass text", [{**order, "mass_kg": "heavy"}], None, ("mass_kg",)),
        ("mass missing", [{"id": "O1"}], None, ("mass_kg",)),
        ("earliest 25:00", [{**order, "earliest": "25:00"}], None, ("earliest", "25:00")),
        ("latest 12:60", [{**order, "latest": "12:60"}], None, ("latest",)),
        ("latest 24:00", [{**order, "latest": "24:00"}], None, ("latest",)),
        ("earliest noon", [{**order, "earliest": "noon"}], None, ("earliest",)),
        ("earliest negative seconds", [{**order, "earliest": -5}], None, ("earliest",)),
        ("latest 90000 s", [{**order, "latest": 90000}], None, ("latest",)),
        (
            "window over two dates",
            [{**order, "earliest": "2026-06-01T22:00", "latest": "2026-06-02T01:00"}],
            None,
            ("dates",),
        ),
        ("service nan", [{**order, "service_s": "nan"}], None, ("service_s",)),
        ("service negative", [{**order, "service_s": -1}], None, ("service_s",)),
        ("drop parachute", [{**order, "drop": "parachute"}], None, ("drop",)),
        ("duplicate ids", [order, {**order}], None, ("duplicate",)),
        ("hub with 0 drones", None, [{"id": "H1", "drone_count": 0}], ("drone_count",)),
        ("hub with 1.5 drones", None, [{"id": "H1", "drone_count": 1.5}], ("drone_count",)),
        ("hub with -1 drones", None, [{"id": "H1", "drone_count": -1}], ("drone_count",)),
        ("hub opens 99:00", None, [{"id": "H1", "open": "99:00"}], ("open",)),
        ("hub swap nan", None, [{"id": "H1", "swap_time_s": "nan"}], ("swap_time_s",)),
        ("hub empty id", None, [{"id": ""}], ("id",)),
        (
            "hub closes before it opens",
            None,
            [{"id": "H1", "open": "18:00", "close": "08:00"}],
            ("closes",),
        ),
        ("no hub", None, [], ("hub",)),
    ]
    cases = [Case(f"delivery: {n}", base, "refuse", names, _dj(o, h)) for n, o, h, names in rows]
    specs = [
        ("delivery-hex:0", ("count",)),
        ("delivery-hex:abc", ("count",)),
        ("delivery-hex:-2", ("count",)),
        ("delivery-hex@-1", ("limit",)),
        ("delivery-hex@nan", ("limit",)),
        ("sprayer-40", ("cargo",)),
        ("nothing:2", ("nothing",)),
    ]
    cases += [
        Case(f"delivery -a {s}", (*base, "-a", s), "refuse", names, _dj()) for s, names in specs
    ]
    for start in ("25:00", "noon", "24:00", "-1", "7:61"):
        cases.append(
            Case(
                f"delivery --start {start}",
                (*base, "--start", start),
                "refuse",
                ("--start",),
                _dj(),
            )
        )
    cases.append(
        Case(
            "delivery orders csv with an empty id",
            (*base, "--orders", "{dir}/o.csv"),
            "refuse",
            ("line 3", "id"),
            lambda d, c: (
                I.write_geojson(d / "job.geojson", I.delivery_job([])),
                (d / "o.csv").write_text("id,lat,lon,mass_kg\nA,43.548,1.451,1\n,43.549,1.452,1\n"),
            ),
        )
    )
    cases.append(
        Case(
            "delivery orders csv 25:00",
            (*base, "--orders", "{dir}/o.csv"),
            "refuse",
            ("line 2", "latest"),
            lambda d, c: (
                I.write_geojson(d / "job.geojson", I.delivery_job([])),
                (d / "o.csv").write_text("id,lat,lon,mass_kg,latest\nA,43.548,1.451,1,25:00\n"),
            ),
        )
    )
    cases.append(
        Case(
            "delivery ISO 8601 window",
            base,
            "accept",
            (),
            _dj(
                [
                    {
                        **order,
                        "earliest": "2026-06-01T08:00:00+02:00",
                        "latest": "2026-06-01T18:00:00+02:00",
                    }
                ]
            ),
        )
    )
    return cases


# ------------------------------------------------------------------------------ missions
SHOW_ACCEPTS = {"frame 1 (local)", "no items"}
"""Files ``mission show`` displays although ``check`` refuses them (the path cannot be
flown by the check; the items can be read)."""


def _plan_case(name: str, fn, expect: str, names: tuple[str, ...], *opts: str) -> Case:
    def setup(d: Path, ctx: dict) -> None:
        doc = json.loads(Path(ctx["plan"]).read_text())
        out = I.mutate_plan(doc, fn)
        text = out if isinstance(out, str) else json.dumps(out)
        (d / "m.plan").write_text(text)

    return Case(f"check .plan: {name}", ("check", "{dir}/m.plan", *opts), expect, names, setup)


def _items(doc: dict) -> list[dict]:
    return doc["mission"]["items"]


def _first(doc: dict, command: int) -> dict:
    return next(i for i in _items(doc) if i["command"] == command)


def mission_cases(rng: random.Random) -> list[Case]:
    """Corrupt .plan, .waypoints and mission.geojson files for ``check`` and
    ``mission show``."""
    wp, to, land, speed = (
        _ML.MAV_CMD_NAV_WAYPOINT,
        _ML.MAV_CMD_NAV_TAKEOFF,
        _ML.MAV_CMD_NAV_LAND,
        _ML.MAV_CMD_DO_CHANGE_SPEED,
    )
    cases: list[Case] = []

    def set_param(command: int, k: int, value: Any, which: int = 0):
        def fn(doc):
            [i for i in _items(doc) if i["command"] == command][which]["params"][k] = value

        return fn

    # every param of a waypoint, the take-off, the landing and a speed change, set null
    for command, label in (
        (wp, "NAV_WAYPOINT"),
        (to, "NAV_TAKEOFF"),
        (land, "NAV_LAND"),
        (speed, "DO_CHANGE_SPEED"),
    ):
        for k in range(7):
            nan_ok = (k == 3 and command != speed) or (command == speed and k >= 4)
            expect = "accept" if nan_ok else "violation"
            names = () if nan_ok else ("invalid_item",)
            cases.append(
                _plan_case(f"{label} param{k + 1} null", set_param(command, k, None), expect, names)
            )
    cases += [
        _plan_case("waypoint lat 143.5", set_param(wp, 4, 143.5), "refuse", ("out of range",)),
        _plan_case("waypoint lon -200", set_param(wp, 5, -200.0), "refuse", ("out of range",)),
        _plan_case("hold -5 s", set_param(wp, 0, -5), "violation", ("invalid_item", "hold")),
        _plan_case("hold 70000 s", set_param(wp, 0, 70000), "violation", ("invalid_item",)),
        _plan_case(
            "unknown command",
            lambda d: _first(d, speed).update(command=999),
            "violation",
            ("unsupported_command",),
        ),
        _plan_case(
            "no take-off",
            lambda d: d["mission"].update(items=[i for i in _items(d) if i["command"] != to]),
            "violation",
            ("missing_takeoff",),
        ),
        _plan_case(
            "no landing",
            lambda d: d["mission"].update(items=[i for i in _items(d) if i["command"] != land]),
            "violation",
            ("missing_landing",),
        ),
        _plan_case(
            "no take-off for px4",
            lambda d: d["mission"].update(
                items=[i for i in _items(d) if i["command"] not in (to, 183)]
            ),
            "accept",
            (),
            "--autopilot",
            "px4",
        ),
        _plan_case(
            "servo for px4",
            lambda d: None,
            "violation",
            ("unsupported_command",),
            "--autopilot",
            "px4",
        ),
        _plan_case(
            "bowtie fence",
            lambda d: d["geoFence"]["polygons"][0].update(
                polygon=[[43.545, 1.447], [43.552, 1.456], [43.545, 1.456], [43.552, 1.447]]
            ),
            "violation",
            ("invalid_fence",),
        ),
        _plan_case(
            "fence a string", lambda d: d.update(geoFence="garbage"), "refuse", ("geoFence",)
        ),
        _plan_case(
            "fence version 7",
            lambda d: d["geoFence"].update(version=7),
            "refuse",
            ("geoFence.version",),
        ),
        _plan_case(
            "fence null vertex",
            lambda d: d["geoFence"]["polygons"][0]["polygon"].__setitem__(1, [None, 1.0]),
            "refuse",
            ("polygon[1]",),
        ),
        _plan_case(
            "fence two vertices",
            lambda d: d["geoFence"]["polygons"][0].update(
                polygon=[[43.545, 1.447], [43.552, 1.456]]
            ),
            "refuse",
            ("3 vertices",),
        ),
        _plan_case(
            "fence circle radius 0",
            lambda d: d["geoFence"]["circles"].append(
                {"inclusion": True, "circle": {"center": [43.546, 1.449], "radius": 0}}
            ),
            "refuse",
            ("radius",),
        ),
        _plan_case(
            "rally point null",
            lambda d: d.update(rallyPoints={"version": 2, "points": [[None, 1.45, 10]]}),
            "refuse",
            ("rallyPoints",),
        ),
        _plan_case(
            "home null",
            lambda d: d["mission"]["plannedHomePosition"].__setitem__(0, None),
            "refuse",
            ("plannedHomePosition",),
        ),
        _plan_case(
            "home lat 95",
            lambda d: d["mission"]["plannedHomePosition"].__setitem__(0, 95.0),
            "refuse",
            ("plannedHomePosition",),
        ),
        _plan_case(
            "items not a list",
            lambda d: d["mission"].update(items="x"),
            "refuse",
            ("mission.items",),
        ),
        _plan_case("six params", lambda d: _first(d, wp)["params"].pop(), "refuse", ("7 numbers",)),
        _plan_case("fileType", lambda d: d.update(fileType="Mission"), "refuse", ("fileType",)),
        _plan_case("version 2", lambda d: d.update(version=2), "refuse", ("version",)),
        _plan_case(
            "frame 1 (local)", lambda d: _first(d, wp).update(frame=1), "refuse", ("frame",)
        ),
        _plan_case(
            "command 16.5", lambda d: _first(d, wp).update(command=16.5), "refuse", ("integer",)
        ),
        _plan_case(
            "no items",
            lambda d: d["mission"].update(items=[]),
            "refuse",
            ("no home",) if False else ("navigation",),
        ),
        _plan_case(
            "jump to nowhere",
            lambda d: _items(d).insert(
                3,
                {
                    "type": "SimpleItem",
                    "command": 177,
                    "frame": 2,
                    "autoContinue": True,
                    "doJumpId": 99,
                    "params": [42, 1, 0, 0, 0, 0, 0],
                },
            ),
            "refuse",
            ("DO_JUMP",),
        ),
    ]

    def text_plan(name: str, text: str, names: tuple[str, ...]) -> Case:
        return Case(
            f"check .plan: {name}",
            ("check", "{dir}/m.plan"),
            "refuse",
            names,
            _text("m.plan", text),
        )

    cases += [
        text_plan("Infinity", '{"fileType": "Plan", "version": Infinity}', ("Infinity",)),
        text_plan("NaN", '{"fileType": "Plan", "version": 1, "x": NaN}', ("NaN",)),
        text_plan("truncated", '{"fileType": "Plan", "vers', ("invalid JSON",)),
        text_plan("empty", "", ("empty",)),
        text_plan("a list", "[1, 2]", ("object",)),
    ]
    cases += _wpl_cases(rng) + _geojson_mission_cases() + _check_option_cases()
    # mission show never crashes on any of the files: exit 0 or a clear refusal
    shows = [c for c in cases if c.argv[:2] == ("check", "{dir}/m.plan")]
    for c in rng.sample(shows, min(25, len(shows))):
        short = c.name.split(": ", 1)[1]
        refused = c.expect == "refuse" and short not in SHOW_ACCEPTS
        expect = "refuse" if refused else "accept"
        names = c.names if refused else ()
        cases.append(
            Case(
                f"mission show: {short}",
                ("mission", "show", "{dir}/m.plan"),
                expect,
                names,
                c.setup,
            )
        )
    return cases


def _wpl_cases(rng: random.Random) -> list[Case]:
    def wpl(
        name: str, edit: Callable[[list[list[str]]], None], expect: str, names: tuple[str, ...]
    ) -> Case:
        def setup(d: Path, ctx: dict) -> None:
            lines = Path(ctx["wpl"]).read_text().splitlines()
            rows = [ln.split("\t") for ln in lines[1:]]
            edit(rows)
            (d / "m.waypoints").write_text(
                "\n".join([lines[0], *("\t".join(r) for r in rows)]) + "\n"
            )

        return Case(
            f"check .waypoints: {name}", ("check", "{dir}/m.waypoints"), expect, names, setup
        )

    def first(rows, command):
        return next(r for r in rows[1:] if r[3] == str(command))  # rows[0] is the home

    wp = str(_ML.MAV_CMD_NAV_WAYPOINT)
    return [
        wpl("as written", lambda r: None, "accept", ()),
        wpl(
            "hold nan", lambda r: first(r, wp).__setitem__(4, "nan"), "violation", ("invalid_item",)
        ),
        wpl(
            "lat nan", lambda r: first(r, wp).__setitem__(8, "nan"), "violation", ("invalid_item",)
        ),
        wpl(
            "alt inf", lambda r: first(r, wp).__setitem__(10, "inf"), "violation", ("invalid_item",)
        ),
        wpl("lat 98", lambda r: first(r, wp).__setitem__(8, "98"), "refuse", ("out of range",)),
        wpl("eleven columns", lambda r: first(r, wp).pop(), "refuse", ("12 columns",)),
        wpl("text number", lambda r: first(r, wp).__setitem__(5, "abc"), "refuse", ("P2",)),
        wpl("home nan", lambda r: r[0].__setitem__(8, "nan"), "refuse", ("home",)),
        wpl(
            "autocontinue 2",
            lambda r: first(r, wp).__setitem__(11, "2"),
            "refuse",
            ("AUTOCONTINUE",),
        ),
        wpl(
            "jump to 999",
            lambda r: r.insert(3, ["3", "0", "2", "177", "999", "1", "0", "0", "0", "0", "0", "1"]),
            "violation",
            ("invalid_item", "jumps"),
        ),
        wpl("only the home", lambda r: r.__delitem__(slice(1, None)), "refuse", ("navigation",)),
        Case(
            "check .waypoints: bad header",
            ("check", "{dir}/m.waypoints"),
            "refuse",
            ("header",),
            _text("m.waypoints", "QGC WPL 999\n"),
        ),
    ]


def _geojson_mission_cases() -> list[Case]:
    def gj(name: str, fn, expect: str, names: tuple[str, ...]) -> Case:
        def setup(d: Path, ctx: dict) -> None:
            doc = json.loads(Path(ctx["geojson"]).read_text())
            legs = [f for f in doc["features"] if f["properties"].get("role") == "leg"]
            fn(doc, legs)
            (d / "mission.geojson").write_text(json.dumps(doc))

        return Case(
            f"check mission.geojson: {name}",
            ("check", "{dir}/mission.geojson"),
            expect,
            names,
            setup,
        )

    return [
        gj("as written", lambda d, legs: None, "accept", ()),
        gj(
            "speed nan",
            lambda d, legs: legs[3]["properties"].update(speed_mps="nan"),
            "refuse",
            ("speed_mps",),
        ),
        gj(
            "speed zero",
            lambda d, legs: legs[3]["properties"].update(speed_mps=0),
            "refuse",
            ("speed_mps",),
        ),
        gj(
            "speed text",
            lambda d, legs: legs[3]["properties"].update(speed_mps="fast"),
            "refuse",
            ("speed_mps",),
        ),
        gj(
            "negative payload",
            lambda d, legs: legs[3]["properties"].update(payload_kg=-3),
            "refuse",
            ("payload_kg",),
        ),
        gj(
            "energy infinite",
            lambda d, legs: legs[1]["properties"].update(energy_wh=1e400),
            "refuse",
            ("energy_wh",),
        ),
        gj(
            "leg latitude 95",
            lambda d, legs: legs[2]["geometry"]["coordinates"][0].__setitem__(1, 95.0),
            "refuse",
            ("WGS84",),
        ),
        gj(
            "leg coordinate text",
            lambda d, legs: legs[2]["geometry"].update(coordinates=[["a", 1, 2], [1, 2, 3]]),
            "refuse",
            ("feature",),
        ),
        gj(
            "no legs",
            lambda d, legs: d.update(
                features=[f for f in d["features"] if f["properties"].get("role") != "leg"]
            ),
            "refuse",
            ("leg",),
        ),
        gj(
            "not a collection",
            lambda d, legs: d.update(features="x"),
            "refuse",
            ("FeatureCollection",),
        ),
    ]


def _check_option_cases() -> list[Case]:
    rows = [
        ("--step-m", "1e-6"),
        ("--step-m", "nan"),
        ("--step-m", "0"),
        ("--step-m", "-1"),
        ("--wind-mps", "nan"),
        ("--wind-mps", "-3"),
        ("--wind-mps", "1e9"),
        ("--wind-from-deg", "inf"),
        ("--max-agl-m", "nan"),
        ("--max-agl-m", "0"),
        ("--min-agl-m", "-1"),
        ("--clearance-m", "nan"),
        ("--vertical-clearance-m", "-5"),
        ("--payload-kg", "nan"),
        ("--payload-kg", "-1"),
        ("--ground-m", "inf"),
        ("--speed-mps", "0"),
        ("--speed-mps", "nan"),
    ]
    cases = [Case(f"check {o} {v}", ("check", "{plan}", o, v), "refuse", (o,)) for o, v in rows]
    cases += [
        Case(
            "check --wind-band 20:nan:3",
            ("check", "{plan}", "--wind-band", "20:nan:3"),
            "refuse",
            ("--wind-band",),
        ),
        Case("check --step-m abc", ("check", "{plan}", "--step-m", "abc"), "usage", ("--step-m",)),
        Case("check -a nothing", ("check", "{plan}", "-a", "nothing"), "refuse", ("nothing",)),
        Case(
            "check --dem missing",
            ("check", "{plan}", "--dem", "{dir}/none.tif"),
            "refuse",
            ("none.tif",),
        ),
        Case(
            "check --airspace bad role",
            ("check", "{plan}", "--airspace", "{dir}/a.geojson"),
            "refuse",
            ("airspace role",),
            _gj([I.feature(I.polygon(I.FIELD), role="field")], "a.geojson"),
        ),
        Case("check missing file", ("check", "{dir}/none.plan"), "refuse", ("not found",)),
        Case(
            "check unsupported suffix",
            ("check", "{dir}/m.kml"),
            "refuse",
            ("unsupported",),
            _text("m.kml", "<kml/>"),
        ),
        Case("check --step-m 0.5 accepted", ("check", "{plan}", "--step-m", "0.5"), "accept", ()),
        Case("check -a sprayer-40", ("check", "{plan}", "-a", "sprayer-40"), "accept", ()),
        Case(
            "check --wind-mps 3 -a sprayer-40 (planned in calm air)",
            ("check", "{plan}", "--wind-mps", "3", "-a", "sprayer-40"),
            "violation",
            ("speed_limit",),
        ),
    ]
    return cases


# ------------------------------------------------------------------------------ aircraft
def aircraft_cases(rng: random.Random) -> list[Case]:
    perf = ("aircraft", "perf", "sprayer-10")
    rows = [
        ("--payload-kg", "nan", "refuse"),
        ("--payload-kg", "-1", "refuse"),
        ("--payload-kg", "1e6", "refuse"),
        ("--payload-kg", "abc", "usage"),
        ("--speed-mps", "nan", "refuse"),
        ("--speed-mps", "-1", "refuse"),
        ("--speed-mps", "0", "refuse"),
        ("--speed-mps", "500", "refuse"),
        ("--reserve-frac", "1", "refuse"),
        ("--reserve-frac", "nan", "refuse"),
        ("--temperature-c", "nan", "refuse"),
        ("--temperature-c", "-300", "refuse"),
        ("--temperature-c", "1000", "refuse"),
    ]
    cases = [Case(f"aircraft perf {o} {v}", (*perf, o, v), e, (o,)) for o, v, e in rows]
    cases += [
        Case("aircraft perf --payload-kg 3", (*perf, "--payload-kg", "3"), "accept", ()),
        Case("aircraft perf unknown", ("aircraft", "perf", "nothing-9"), "refuse", ("nothing-9",)),
    ]
    spec = I.SPEC.read_text()
    edits = [
        ("mass nan", ("mass_kg: 24.0", "mass_kg: .nan"), ("mass_kg",)),
        (
            "negative battery",
            ("battery_energy_wh: 1030", "battery_energy_wh: -5"),
            ("battery_energy_wh",),
        ),
        ("zero rotors", ("rotor_count: 6", "rotor_count: 0"), ("rotor_count",)),
        ("text speed", ("max_speed_mps: 8", "max_speed_mps: fast"), ("max_speed_mps",)),
        ("infinite tank", ("tank_l: 20", "tank_l: .inf"), ("tank_l",)),
        (
            "heavier than its maximum",
            ("max_takeoff_mass_kg: 47.0", "max_takeoff_mass_kg: 20"),
            ("take",),
        ),
        ("not yaml", None, ()),
    ]
    for name, edit, names in edits:
        text = spec.replace(*edit) if edit else "name: [unclosed\n  - : :"
        cases.append(
            Case(
                f"aircraft show spec: {name}",
                ("aircraft", "show", "{dir}/a.yaml"),
                "refuse",
                names,
                _text("a.yaml", text),
            )
        )
    return cases


def random_job_cases(rng: random.Random, count: int = 30) -> list[Case]:
    """Seeded valid jobs (random field shapes, obstacles, no-spray rings, stations, angles,
    heights and light winds): each must plan, and its outputs re-check clean in its wind."""
    from airwork.testing.fields import FIELD_KINDS

    commands = [
        ("spray", ("-a", "sprayer-40")),
        ("spray", ("-a", "sprayer-10")),
        ("spread", ("-a", "spreader-50")),
        ("survey", ("-a", "mapper-quad")),
    ]
    cases = []
    for n in range(count):
        field_kind = rng.choice(FIELD_KINDS)
        area = round(rng.uniform(1.0, 12.0), 1)
        if field_kind == "strip":  # a 20 m wide strip: 3 ha is 1.5 km from end to end
            area = min(area, 3.0)
        seed = rng.randrange(1000)
        command, craft = rng.choice(commands)
        opts = ["--angle-deg", f"{rng.uniform(0, 180):.1f}"] if rng.random() < 0.5 else []
        if rng.random() < 0.6:
            opts += [
                "--wind-mps",
                f"{rng.uniform(0, 3):.1f}",
                "--wind-from-deg",
                f"{rng.uniform(0, 360):.0f}",
            ]
        if command != "survey" and rng.random() < 0.5:
            opts += ["--height-m", f"{rng.uniform(2, 5):.1f}"]

        def setup(d: Path, ctx: dict, args=(field_kind, area, seed)) -> None:
            I.write_geojson(d / "job.geojson", I.synthetic_job(*args))

        cases.append(
            Case(
                f"random job {n}: {command} {craft[1]} {field_kind} {area} ha seed {seed}",
                (
                    "plan",
                    command,
                    "{dir}/job.geojson",
                    *craft,
                    *opts,
                    "-o",
                    "{out}",
                    "--no-picture",
                ),
                "accept",
                (),
                setup,
            )
        )
    return cases


def _powerline(name: str, fn) -> Setup:
    """The example power line with one change."""

    def setup(d: Path, ctx: dict) -> None:
        doc = json.loads(I.POWERLINE.read_text())
        fn(doc)
        (d / "line.geojson").write_text(json.dumps(doc))

    return setup


def powerline_cases() -> list[Case]:
    """Towers, lines and corridors that make no sense: refused naming the feature."""

    def tower(k: int, **props):
        return lambda doc: doc["features"][k]["properties"].update(props)

    def keep(pred):
        return lambda doc: doc.update(features=[f for f in doc["features"] if pred(f)])

    rows = [
        ("tower height nan", tower(2, height_m="nan"), ("feature 2", "height_m", "(0, 500]")),
        ("tower height negative", tower(2, height_m=-5), ("feature 2", "height_m")),
        ("tower height 5 km", tower(2, height_m=5000), ("feature 2", "height_m")),
        ("tower voltage 0", tower(2, voltage_kv=0), ("voltage_kv", "kV")),
        ("tower crossarm inf", tower(2, crossarm_half_m="inf"), ("crossarm_half_m",)),
        (
            "tower without role",
            lambda d: d["features"][2]["properties"].pop("role"),
            ("no 'role'", "feature 2 (Point)"),
        ),
        ("tower role typo", tower(2, role="towr"), ("typo", "tower")),
        (
            "one tower",
            keep(lambda f: f["properties"]["role"] != "tower" or f["properties"]["seq"] == 0),
            ("at least two towers",),
        ),
        ("two towers share a seq", tower(3, seq=2), ("share the seq",)),
        (
            "a tower twice",
            lambda d: d["features"][3]["geometry"].update(
                coordinates=d["features"][2]["geometry"]["coordinates"]
            ),
            ("duplicated tower",),
        ),
        ("no station", keep(lambda f: f["properties"]["role"] != "station"), ("station",)),
        (
            "right of way as a point",
            lambda d: d["features"][-1].update(
                geometry={"type": "Point", "coordinates": [11.0, 48.0]}
            ),
            ("right_of_way must be Polygon",),
        ),
        (
            "tower at lat 98",
            lambda d: d["features"][2]["geometry"].update(coordinates=[11.0, 98.0]),
            ("outside the WGS84 range",),
        ),
    ]
    base = ("plan", "powerline", "{dir}/line.geojson", "-o", "{out}", "--no-picture")
    cases = [
        Case(f"powerline: {n}", base, "refuse", names, _powerline(n, fn)) for n, fn, names in rows
    ]
    cases.append(
        Case(
            "powerline: as given, corridor and mapping",
            (*base, "-m", "corridor", "-m", "mapping"),
            "accept",
            (),
            _powerline("as given", lambda d: None),
        )
    )
    survey = ("plan", "survey", str(I.EXAMPLE), "-o", "{out}", "--no-picture")
    cases += [
        Case("survey --gsd-cm 0.1", (*survey, "--gsd-cm", "0.1"), "refuse", ("fly higher",)),
        Case("survey --gsd-cm 40", (*survey, "--gsd-cm", "40"), "refuse", ("m",)),
        Case(
            "survey --height-m 5 --side-overlap 0.9",
            (*survey, "--height-m", "5", "--side-overlap", "0.9"),
            "accept",
            (),
        ),
    ]
    return cases


def _files(**named: str | bytes) -> Setup:
    """Several files written into the case's folder."""

    def setup(d: Path, ctx: dict) -> None:
        for name, text in named.items():
            data = text.encode() if isinstance(text, str) else text
            (d / name.replace("__", ".")).write_bytes(data)

    return setup


def tool_cases() -> list[Case]:
    """The commands around the planners: design, bill of materials, production, spares,
    batch, catalogue, upload, and the air of a job (elevation, temperature)."""
    root = I.ROOT / "examples"
    plan = (root / "production-plan.yaml").read_text()
    hours = (root / "flight-hours.csv").read_text()
    spray = ("plan", "spray", str(I.EXAMPLE), "-o", "{out}", "--no-picture")
    rows: list[tuple[str, tuple[str, ...], str, tuple[str, ...], Setup | None]] = [
        (
            "design --payload-kg nan",
            ("design", "--payload-kg", "nan"),
            "refuse",
            ("--payload-kg",),
            None,
        ),
        (
            "design --payload-kg -1",
            ("design", "--payload-kg", "-1"),
            "refuse",
            ("--payload-kg",),
            None,
        ),
        (
            "design --hover-min inf",
            ("design", "--payload-kg", "2", "--hover-min", "inf"),
            "refuse",
            ("--hover-min",),
            None,
        ),
        (
            "design --mass-class c9",
            ("design", "--payload-kg", "2", "--mass-class", "c9"),
            "refuse",
            ("c9",),
            None,
        ),
        (
            "design --payload-kind lasers",
            ("design", "--payload-kg", "2", "--payload-kind", "lasers"),
            "refuse",
            ("lasers",),
            None,
        ),
        (
            "design --top 0",
            ("design", "--payload-kg", "2", "--hover-min", "20", "--top", "0"),
            "usage",
            ("--top",),
            None,
        ),
        (
            "design --profile broken",
            ("design", "--payload-kg", "2", "--profile", "{dir}/p.yaml"),
            "refuse",
            ("p.yaml",),
            _files(p__yaml="payload_kg: [1,\n"),
        ),
        ("bom unknown model", ("bom", "nothing-9"), "refuse", ("nothing-9",), None),
        (
            "bom broken spec",
            ("bom", "{dir}/a.yaml"),
            "refuse",
            ("a.yaml",),
            _files(a__yaml="name: [unclosed\n  - : :"),
        ),
        (
            "production empty",
            ("production", "{dir}/p.yaml"),
            "refuse",
            ("p.yaml",),
            _files(p__yaml=""),
        ),
        (
            "production negative units",
            ("production", "{dir}/p.yaml"),
            "refuse",
            ("units",),
            _files(
                p__yaml=plan.replace("sprayer-40: 15000", "sprayer-40: -5"),
                **{
                    "sprayer-30__yaml": (root / "sprayer-30.yaml").read_text(),
                    "delivery-quad__yaml": (root / "delivery-quad.yaml").read_text(),
                },
            ),
        ),
        (
            "production unknown model",
            ("production", "{dir}/p.yaml"),
            "refuse",
            ("nothing-9",),
            _files(p__yaml="year: 2027\nmodels:\n  nothing-9: 100\n"),
        ),
        ("spares empty hours", ("spares", "{dir}/h.csv"), "refuse", ("h.csv",), _files(h__csv="")),
        (
            "spares nan hours",
            ("spares", "{dir}/h.csv"),
            "refuse",
            ("hours",),
            _files(h__csv=hours.replace("18000", "nan")),
        ),
        (
            "spares negative hours",
            ("spares", "{dir}/h.csv"),
            "refuse",
            ("hours",),
            _files(h__csv=hours.replace("18000", "-18000")),
        ),
        (
            "spares --fleet without =",
            ("spares", "{dir}/h.csv", "--fleet", "spray"),
            "refuse",
            ("--fleet",),
            _files(h__csv=hours),
        ),
        (
            "batch parcels missing",
            ("batch", "{dir}/none.gpkg", "-o", "{out}"),
            "refuse",
            ("none.gpkg",),
            None,
        ),
        (
            "batch parcels empty file",
            ("batch", "{dir}/p.gpkg", "-o", "{out}"),
            "refuse",
            ("p.gpkg",),
            _files(p__gpkg=b""),
        ),
        (
            "batch --elevation-m nan",
            ("batch", str(I.EXAMPLE), "-o", "{out}", "--elevation-m", "nan"),
            "refuse",
            ("--elevation-m",),
            None,
        ),
        (
            "batch --air-temperature-c 99",
            ("batch", str(I.EXAMPLE), "-o", "{out}", "--air-temperature-c", "99"),
            "refuse",
            ("--air-temperature-c",),
            None,
        ),
        (
            "catalogue check empty",
            ("catalogue", "check", "{dir}/c.yaml"),
            "refuse",
            ("c.yaml",),
            _files(c__yaml=""),
        ),
        (
            "catalogue check not yaml",
            ("catalogue", "check", "{dir}/c.yaml"),
            "refuse",
            ("c.yaml",),
            _files(c__yaml="parts: [unclosed\n  - : :"),
        ),
        (
            "catalogue diff missing",
            ("catalogue", "diff", "{dir}/none.yaml"),
            "refuse",
            ("none.yaml",),
            None,
        ),
        (
            "upload to a closed port",
            ("upload", "{plan}", "--connect", "tcp:127.0.0.1:9", "--timeout-s", "2"),
            "refuse",
            ("127.0.0.1:9",),
            None,
        ),
        (
            "upload an empty .plan",
            ("upload", "{dir}/m.plan", "--connect", "tcp:127.0.0.1:9"),
            "refuse",
            ("m.plan",),
            _files(m__plan=""),
        ),
        (
            "plan --elevation-m nan",
            (*spray, "--elevation-m", "nan"),
            "refuse",
            ("--elevation-m",),
            None,
        ),
        (
            "plan --elevation-m 9000",
            (*spray, "--elevation-m", "9000"),
            "refuse",
            ("--elevation-m",),
            None,
        ),
        (
            "plan --air-temperature-c 99",
            (*spray, "--air-temperature-c", "99"),
            "refuse",
            ("--air-temperature-c",),
            None,
        ),
        (
            "plan high and hot: cannot lift",
            (*spray, "--elevation-m", "6000", "--air-temperature-c", "50"),
            "refuse",
            ("high or hot site",),
            None,
        ),
        ("plan at 2500 m", (*spray, "--elevation-m", "2500"), "accept", ("planned in air",), None),
    ]
    return [Case(f"tool: {n}", argv, e, names, setup) for n, argv, e, names, setup in rows]


def all_cases(seed: int = 15) -> list[Case]:
    """Every case, in a fixed order (the generator is seeded)."""
    rng = random.Random(seed)
    cases = (
        plan_option_cases(rng)
        + plan_accept_cases(rng)
        + site_cases(rng)
        + delivery_cases(rng)
        + mission_cases(rng)
        + aircraft_cases(rng)
        + random_job_cases(rng)
        + powerline_cases()
        + tool_cases()
    )
    names = [c.name for c in cases]
    assert len(names) == len(set(names)), "case names must be unique"
    return cases
