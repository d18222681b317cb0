"""Bill of materials, production plan, fleet spares and catalogue change impact, each
re-computed here from the catalogue's raw entries."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import yaml

from airwork.aircraft.catalogue import Catalogue, catalogue, load_aircraft
from airwork.design.bom import bill_of_materials
from airwork.design.change import compare_catalogues, jobs_with_more_sorties, substitute
from airwork.design.production import ProductionPlan, plan_production, read_plan
from airwork.design.spares import fleet_spares, read_flight_hours
from airwork.errors import AircraftError, InputFileError

EXAMPLES = Path(__file__).parents[2] / "examples"


def _raw_parts(data: dict, preset: str) -> dict[str, int]:
    """A preset's parts (sub-parts expanded) straight from the YAML."""
    p = data["aircraft"][preset]
    af, ro = data["airframes"][p["airframe"]], data["rotors"][p["rotors"]]
    out = {af["frame"]: 1, data["frames"][af["frame"]]["arm"]: af["arms"]}
    for k in ("motor", "propeller", "esc"):
        if ro.get(k):
            out[ro[k]] = out.get(ro[k], 0) + ro["count"]
    out[p["battery"]] = p.get("battery_count", 1)
    if p.get("payload"):
        out[p["payload"]] = 1
    for part, qty in list(out.items()):
        for section in ("frames", "payloads"):
            for sub, q in (data[section].get(part, {}).get("includes") or {}).items():
                out[sub] = out.get(sub, 0) + qty * q
    return out


def _raw_entry(data: dict, name: str) -> dict:
    for section in ("frames", "motors", "propellers", "escs", "batteries", "payloads", "parts"):
        if name in data[section]:
            return data[section][name]
    raise KeyError(name)


def test_bom_totals_equal_the_model_mass_and_cost():
    cat = catalogue()
    for name, aircraft in cat.aircraft.items():
        bom = bill_of_materials(cat, name)
        assert bom.mass_kg == pytest.approx(aircraft.mass_kg, abs=1e-9), name
        # cost: the top-level parts' costs (each counts its sub-parts) from the YAML
        parts = cat.preset_parts(name)
        cost = sum(_raw_entry(cat.data, p)["cost_eur"] * q for p, q in parts)
        assert bom.cost_eur == pytest.approx(cost), name
        assert 0 <= bom.shared_line_share <= 1 and 0 <= bom.shared_cost_share <= 1


def test_bom_of_a_designed_spec_equals_its_aircraft(tmp_path):
    spec = EXAMPLES / "delivery-quad.yaml"
    bom = bill_of_materials(catalogue(), spec)
    assert bom.mass_kg == pytest.approx(load_aircraft(spec).mass_kg, abs=1e-6)
    assert bom.model == "delivery-quad"
    plain = tmp_path / "plain.yaml"
    plain.write_text("name: x\nrotor_count: 4\nrotor_diameter_m: 0.5\nmass_kg: 5\n"
                     "battery_energy_wh: 300\nmax_takeoff_mass_kg: 8\n")  # fmt: skip
    with pytest.raises(AircraftError, match="no bill of materials"):
        bill_of_materials(catalogue(), plain)


def test_shared_parts_are_the_ones_other_models_use():
    cat = catalogue()
    bom = bill_of_materials(cat, "delivery-hex")
    by_part = {line.part: line for line in bom.lines}
    assert "inspector-quad" in by_part["m6010-kv180"].shared_with  # same motor
    assert by_part["arm-cf-25-575"].shared_with == ()  # its own arms
    others = [m for m in cat.aircraft if m != "delivery-hex"]
    for line in bom.lines:
        users = {m for m in others if line.part in _raw_parts(cat.data, m)}
        assert set(line.shared_with) == users


def test_production_demand_sums_match_units_quantities_and_yields():
    cat = catalogue()
    plan = read_plan(EXAMPLES / "production-plan.yaml")
    result = plan_production(cat, plan)
    units = {m: sum(u) for m, u in result.units.items()}
    assert sum(units.values()) == 100_000
    assert units["delivery-quad"] == 30_000
    for u in result.units.values():
        assert np.all(np.diff(u[:6]) >= 0)  # ramp-up
    expected: dict[str, float] = {}
    for model, entry in plan.models.items():
        n = entry if isinstance(entry, int) else entry.units
        if isinstance(entry, int):
            parts = _raw_parts(cat.data, model)
        else:
            p = yaml.safe_load(Path(entry.spec).read_text())["parts"]
            k = p["arms"] * (2 if p["coaxial"] else 1)
            arm = cat.data["frames"][p["frame"]]["arm"]
            parts = {p["frame"]: 1, arm: p["arms"], p["motor"]: k, p["propeller"]: k}
            parts.update({p["battery"]: p["packs"], p["payload"]: 1})
            if p["esc"]:
                parts[p["esc"]] = k
            for part, qty in list(parts.items()):
                for sub, q in (_raw_entry(cat.data, part).get("includes") or {}).items():
                    parts[sub] = parts.get(sub, 0) + qty * q
        for part, qty in parts.items():
            cls = cat.facts[part].part_class
            y = plan.yields.get(cls, plan.yields["default"])
            expected[part] = expected.get(part, 0.0) + n * qty / y
    got = {d.part: d for d in result.demand}
    assert set(got) == set(expected)
    for part, total in expected.items():
        assert got[part].total == math.ceil(total - 1e-6), part
        assert got[part].exact_total == pytest.approx(total)
    assert any(len(d.models) > 2 for d in result.shared)
    csv = result.csv()
    assert csv.count("\n") == len(result.demand) + 1


def test_plan_file_errors_name_the_key(tmp_path):
    bad = tmp_path / "plan.yaml"
    bad.write_text("models: {sprayer-40: 10}\nramp: [1, 2]\nyields: {battery: 1.5}\n")
    with pytest.raises(InputFileError, match="ramp"):
        read_plan(bad)
    with pytest.raises(ValueError):
        ProductionPlan(models={"sprayer-40": 10}, yields={"motor": 0})


def test_spares_from_hours_and_cycles(tmp_path):
    cat = catalogue()
    records, fleet = read_flight_hours(EXAMPLES / "flight-hours.csv")
    assert fleet == {} and len(records) == 8
    lines = fleet_spares(cat, records)
    hex_batt = [
        x for x in lines if x.kind == "delivery" and x.district == "31" and x.basis == "cycles"
    ]
    # 90,000 sorties x 2 packs / 400 cycles
    assert hex_batt[0].spares == pytest.approx(90_000 * 2 / 400)
    spring = [x for x in lines if x.kind == "spray" and x.district == "31" and x.season == "spring"]
    by_part = {x.part: x for x in spring}
    assert by_part["prop-5413"].spares == pytest.approx(18_000 * 8 / 500)
    assert "fr-ag-x4-coax" not in by_part  # no life: lasts the airframe
    nozzles = [x for x in lines if x.part == "nozzle-centrifugal" and x.kind == "spray"]
    assert nozzles[0].spares == pytest.approx(18_000 * 2 / 300)
    yml = tmp_path / "h.yaml"
    yml.write_text("hours: {delivery: 1000}\nfleet: {delivery: "
                   f"{EXAMPLES / 'delivery-quad.yaml'}}}\n")  # fmt: skip
    records, fleet = read_flight_hours(yml)
    lines = fleet_spares(cat, records, fleet)
    assert {x.model for x in lines} == {"delivery-quad"}
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,hours\nspray,-3\n")
    with pytest.raises(InputFileError, match=r"bad\.csv:2"):
        read_flight_hours(bad)
    with pytest.raises(InputFileError, match="no model"):
        fleet_spares(cat, [records[0].model_copy(update={"kind": "mowing"})])


def test_a_battery_change_moves_the_models_that_carry_it():
    cat = catalogue()
    new = Catalogue(substitute(cat.data, "ag-52v-30ah", "ag-52v-20ah"), "v2")
    changes = {c.model: c for c in compare_catalogues(cat, new)}
    moved = {m for m, c in changes.items() if c.moved}
    assert moved == {"sprayer-40", "spreader-50"}
    c = changes["sprayer-40"]
    assert c.delta("mass_kg") == pytest.approx(8.2 - 12.1)
    assert c.after.hover_empty_min < c.before.hover_empty_min
    # the work rate on the example field, planned with each catalogue's aircraft: a smaller
    # pack means more refills of battery, so fewer hectares an hour
    assert 0 < c.after.work_rate_ha_per_h < c.before.work_rate_ha_per_h
    assert changes["spreader-50"].after.work_rate_ha_per_h > 0
    assert changes["delivery-hex"].before.work_rate_ha_per_h is None  # not a field aircraft
    with pytest.raises(AircraftError, match="does not fit"):
        Catalogue(substitute(cat.data, "ag-x11-kv85", "ag-x13-kv70"), "v3")
    # a motor swap moves the preset airframe's stated mass with it
    lighter = substitute(cat.data, "prop-5413", "prop-5413")
    assert lighter["airframes"]["ag-octo-coax"]["mass_kg"] == 35.0


def test_planned_jobs_needing_more_sorties(tmp_path):
    cat = catalogue()
    new = Catalogue(substitute(cat.data, "ag-52v-30ah", "ag-52v-9.5ah"), "small pack")
    field = Path(__file__).parents[2] / "src" / "airwork" / "data" / "example_field.geojson"
    req = tmp_path / "job.yaml"
    job = {"kind": "spray", "site": {"files": [str(field)]}, "aircraft": ["sprayer-40"]}
    req.write_text(yaml.safe_dump({**job, "params": {"rate_l_per_ha": 15}}))
    (job,) = jobs_with_more_sorties(cat, new, [req])
    assert job.more and job.after > job.before
