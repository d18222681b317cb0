"""The setup sheet (``autopilot.param``, issue 13 F): read back with pymavlink's parameter
loader, every name checked against ArduCopter 4.6's own parameter list (the PARM records of
the SITL payload flight), and the payload groups equal to the set-up that flew."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_samples import build_mission
from pymavlink.mavparm import MAVParmDict

from airwork.autopilot.items import DEFAULT_SPRAY, SprayOutput
from airwork.autopilot.profiles import PRESETS
from airwork.export.param_sheet import to_param_file
from airwork.export.registry import ExportOptions, exporter_names, render

SITL = Path(__file__).parents[2] / "tests" / "data" / "sitl"


def reference_params() -> dict[str, float]:
    """ArduCopter 4.6 parameters of the SITL payload flight (deliv02_payload PARM records)."""
    out = {}
    for line in (SITL / "deliv02_payload_params.param").read_text().splitlines():
        name, value = line.split(",")
        out[name] = float(value)
    return out


def load(text: str, tmp_path) -> dict[str, float]:
    path = tmp_path / "autopilot.param"
    path.write_text(text)
    params = MAVParmDict()
    assert params.load(str(path), use_excludes=False)
    return {k: float(v) for k, v in params.items()}


def test_param_exporter_registered_and_renders():
    assert "param" in exporter_names()
    files = render(build_mission(), ["param"], ExportOptions())
    assert set(files) == {"autopilot.param"}
    with pytest.raises(Exception, match="ArduPilot profiles only"):
        render(build_mission(), ["param"], ExportOptions(profile=PRESETS["px4-1.15"]))


def test_every_name_is_an_arducopter_parameter(tmp_path):
    ref = reference_params()
    for name in ("arducopter-4.6", "arducopter-4.6-sd", "arducopter-4.6-tilt"):
        params = load(to_param_file(build_mission(), PRESETS[name], DEFAULT_SPRAY), tmp_path)
        unknown = sorted(set(params) - set(ref))
        assert not unknown, f"{name}: {unknown}"


def test_payload_profile_reproduces_the_flown_setup(tmp_path):
    """With the payload profile, the camera, gimbal, gripper and winch parameters are those
    of the SITL payload set-up that flew (servo functions on SERVO5/6/7/10/13/14)."""
    ref = reference_params()
    params = load(
        to_param_file(build_mission(), PRESETS["arducopter-4.6"], DEFAULT_SPRAY), tmp_path
    )
    devices = {
        k: v for k, v in params.items() if k.split("_")[0] in ("CAM1", "MNT1", "GRIP", "WINCH")
    }
    devices |= {k: v for k, v in params.items() if k.startswith("SERVO")}
    assert len(devices) >= 20
    for k, v in devices.items():
        assert v == pytest.approx(ref[k]), k
    assert params["SERVO9_FUNCTION"] == 0  # the spray output is a plain output
    assert params["FENCE_ENABLE"] == 1 and params["FENCE_TYPE"] == 5
    assert params["FENCE_ALT_MAX"] == 40  # highest waypoint 30 m + 10 m
    assert (params["WPNAV_SPEED_UP"], params["WPNAV_SPEED_DN"]) == (250, 150)


def test_only_what_the_mission_uses_and_the_profile_has(tmp_path):
    """A spray-only mission gets no camera/gimbal/gripper/winch groups; a custom spray output
    is the one configured; a device the profile lacks is a comment, not parameters; the SD
    profile adds BRD_SD_MISSION."""
    import dataclasses

    mission = build_mission()
    spray_only = dataclasses.replace(mission, sorties=mission.sorties[:1])
    stripped = tuple(
        dataclasses.replace(w, actions=tuple(a for a in w.actions if "spray" in a.kind))
        for w in spray_only.sorties[0].waypoints
    )
    spray_only = dataclasses.replace(
        spray_only, sorties=(dataclasses.replace(spray_only.sorties[0], waypoints=stripped),)
    )
    text = to_param_file(spray_only, PRESETS["arducopter-4.6"], SprayOutput(servo=11))
    params = load(text, tmp_path)
    assert params["SERVO11_FUNCTION"] == 0
    assert not [k for k in params if k.split("_")[0] in ("CAM1", "MNT1", "GRIP", "WINCH")]
    tilt = to_param_file(mission, PRESETS["arducopter-4.6-tilt"], DEFAULT_SPRAY)
    assert "# NOT CONFIGURED: sortie 2, waypoint 2: DO_GRIPPER needs a gripper" in tilt
    params = load(tilt, tmp_path)
    assert "GRIP_ENABLE" not in params and params["MNT1_TYPE"] == 1
    assert "SERVO7_FUNCTION" not in params and params["SERVO6_FUNCTION"] == 7
    sd = load(to_param_file(mission, PRESETS["arducopter-4.6-sd"], DEFAULT_SPRAY), tmp_path)
    assert sd["BRD_SD_MISSION"] == 64
