"""The catalogue's parts: facts, provenance, located errors, interfaces, preset masses."""

from __future__ import annotations

import copy
from importlib import resources

import numpy as np
import pytest
import yaml

from airwork.aircraft.battery import CHEMISTRIES, constant_power_discharge
from airwork.aircraft.catalogue import Catalogue, catalogue, load_aircraft, load_catalogue
from airwork.aircraft.parts import fit_problems, max_prop_diameter_m
from airwork.errors import AircraftError, InputFileError


@pytest.fixture(scope="module")
def data():
    text = resources.files("airwork").joinpath("data/catalogue.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def test_every_part_has_facts_and_says_where_they_come_from():
    cat = catalogue()
    assert len(cat.facts) >= 80
    for name, f in cat.facts.items():
        assert f.part_number, name
        assert f.cost_eur > 0, name
        assert f.mass_kg > 0 or f.part_class == "part", name
        assert f.source or (f.estimate and f.why), name
    # the limits that matter are there
    for m in cat.motors.values():
        assert m.max_current_a >= m.continuous_current_a > 0 and m.max_power_w > 0
    for p in cat.propellers.values():
        assert p.max_rpm > 0 and p.max_tip_speed_mps > 100
    for name, b in cat.file.batteries.items():
        assert b.c_rating and b.life_cycles and b.connector, name
    assert all(cat.facts[n].life_h for n in cat.propellers)


def test_presets_fly_as_before():
    """The presets' physics is untouched by the parts (figures of docs/physics.md)."""
    cat = catalogue()
    assert cat.aircraft["sprayer-40"].mass_kg == pytest.approx(50.1)
    assert float(cat.aircraft["sprayer-40"].hover_endurance_min(40.0)) == pytest.approx(
        7.2, abs=0.05
    )
    assert float(cat.aircraft["mapper-quad"].hover_endurance_min(0.0)) == pytest.approx(
        27.9, abs=0.05
    )
    assert cat.aircraft["sprayer-40"].thrust_margin() is None  # still no motor data


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda d: d["motors"]["m6010-kv180"].update(kv_rpm_per_v=-1),
            "motors.m6010-kv180.kv_rpm_per_v",
        ),
        (lambda d: d["motors"]["m6010-kv180"].pop("estimate"), "motors.m6010-kv180"),
        (
            lambda d: d["batteries"]["ag-52v-30ah"].update(colour="red"),
            "batteries.ag-52v-30ah.colour",
        ),
        (
            lambda d: d["aircraft"]["sprayer-40"].update(battery="nope"),
            "aircraft.sprayer-40: unknown battery",
        ),
        (
            lambda d: d["rotors"]["coax-54in-x8"].update(motor="m6010-kv180"),
            "mount 'm4-30x30' does not fit",
        ),
        (
            lambda d: d["airframes"]["ag-quad-10"].update(mass_kg=9.5),
            "airframes.ag-quad-10.mass_kg",
        ),
        (
            lambda d: d["payloads"]["tank-40l"]["includes"].update({"nozzle-centrifugal": 40}),
            "tank-40l.includes",
        ),
    ],
)
def test_a_bad_catalogue_is_refused_with_the_place(data, edit, message):
    broken = copy.deepcopy(data)
    edit(broken)
    with pytest.raises(AircraftError, match=message.replace(".", r"\.").replace("'", ".")):
        Catalogue(broken, "test.yaml")


def test_load_catalogue_reads_a_version(tmp_path, data):
    path = tmp_path / "v2.yaml"
    path.write_text(yaml.safe_dump(data))
    assert set(load_catalogue(path).aircraft) == set(catalogue().aircraft)
    with pytest.raises(InputFileError):
        load_catalogue(tmp_path / "missing.yaml")


def test_fit_rules_can_refuse():
    cat = catalogue()
    frame, motor = cat.frames["fr-c3-x30"], cat.motors["m6010-kv180"]
    prop, esc = cat.propellers["prop-2211"], cat.escs["esc-40a-12s"]
    assert fit_problems(frame, 4, motor, prop, esc, 12, "as150u", "cargo-hook") == []
    bad = fit_problems(
        frame,
        5,
        motor,
        cat.propellers["prop-3390"],
        cat.escs["esc-20a-4s"],
        14,
        "tb60",
        "ag-rail",
        3,
    )
    text = " ".join(bad)
    for word in ("arms", "hub", "14S", "ESC", "connector", "packs", "payload mount"):
        assert word in text
    # geometry: neighbouring tips of 6 arms of 0.55 m stand 0.55 m apart
    assert max_prop_diameter_m(0.55, 6) == pytest.approx(0.55 / 1.02)


def test_discharge_of_many_packs_equals_one_by_one():
    chem = CHEMISTRIES["lipo"]
    p = np.array([300.0, 2000.0, 9000.0])
    cap, r, cells = (
        np.array([5.0, 16.0, 30.0]),
        np.array([0.05, 0.02, 0.016]),
        np.array([6, 12, 14]),
    )
    vmin = np.array([20.0, 40.0, 48.0])
    t, e, d = constant_power_discharge(p, cap, r, chem, cells, v_min_v=vmin)
    for i in range(3):
        t1, e1, d1 = constant_power_discharge(
            p[i : i + 1], cap[i], r[i], chem, int(cells[i]), v_min_v=vmin[i : i + 1]
        )
        assert (t[i], e[i], d[i]) == (t1[0], e1[0], d1[0])


def test_a_whole_aircraft_file_loads(tmp_path):
    from airwork.aircraft.serial import aircraft_to_dict

    a = catalogue().aircraft["delivery-hex"]
    path = tmp_path / "hex.yaml"
    path.write_text(yaml.safe_dump(aircraft_to_dict(a)))
    assert load_aircraft(path) == a
