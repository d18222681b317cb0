"""``--dji-aircraft``: the DJI aircraft (drone and camera enum values) of WPML routes, from
the command line and the API (it was fixed to the Mavic 3 Enterprise)."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from importlib import resources

import pytest
from click.testing import CliRunner

from airwork.cli.main import app
from airwork.export.dji_wpml import WPML_NS

EXAMPLE = str(resources.files("airwork.data") / "example_field.geojson")


def _enums(kmz: bytes) -> tuple[int, int, int]:
    with zipfile.ZipFile(io.BytesIO(kmz)) as z:
        root = ET.fromstring(z.read("wpmz/waylines.wpml"))

    def one(tag: str) -> int:
        return int(root.find(f".//{{{WPML_NS}}}{tag}").text)

    return one("droneEnumValue"), one("droneSubEnumValue"), one("payloadEnumValue")


@pytest.mark.parametrize(
    ("name", "enums"),
    # reference mission-formats.md 4.6: M3E 77/0 with its camera 66; M350 89/0 with an H20
    # (42); M30T 67/1 with its camera 53
    [(None, (77, 0, 66)), ("M350", (89, 0, 42)), ("M30T", (67, 1, 53))],
)
def test_the_cli_writes_the_chosen_dji_aircraft(tmp_path, name, enums):
    out = tmp_path / "out"
    args = ["plan", "survey", EXAMPLE, "-o", str(out), "--format", "dji-wpml", "--no-picture"]
    res = CliRunner().invoke(app, args + (["--dji-aircraft", name] if name else []))
    assert res.exit_code == 0, res.output
    kmz = sorted(out.glob("*.kmz"))
    assert kmz and all(_enums(k.read_bytes()) == enums for k in kmz)


def test_an_unknown_dji_aircraft_is_a_usage_error(tmp_path, capsys):
    from airwork.cli.main import main

    args = ["plan", "survey", EXAMPLE, "-o", str(tmp_path / "o"), "--dji-aircraft", "M9"]
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--dji-aircraft" in err and "'M350'" in err
    assert not (tmp_path / "o").exists()
