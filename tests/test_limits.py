"""The one validation layer for numbers a user gives (airwork.limits)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from airwork.errors import BudgetError, InputFileError
from airwork.limits import field_rule, parse_clock, parse_clock_s, problems, require_budget


class Params(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)
    swath_m: float = Field(5.0, ge=0.5, le=50, description="Swath width (m)")
    servo: int = Field(9, ge=1, le=32, description="SERVOn output")
    share: float = Field(0.1, ge=0, lt=0.9, description="Overlap (share)")
    angle_deg: float = Field(0.0, gt=0, le=360, description="Bearing, ° from north")


def lines(values: dict) -> list[str]:
    with pytest.raises(ValidationError) as info:
        Params.model_validate(values)
    return problems(info.value, Params, lambda loc: "--" + str(loc[0]).replace("_", "-"))


@pytest.mark.parametrize(
    ("values", "line"),
    [
        ({"swath_m": math.nan}, "--swath-m = nan: must be a finite number of m in [0.5, 50]"),
        ({"swath_m": 1e-4}, "--swath-m = 0.0001: must be a finite number of m in [0.5, 50]"),
        ({"swath_m": "abc"}, "--swath-m = 'abc': must be a finite number of m in [0.5, 50]"),
        ({"servo": 99}, "--servo = 99: must be a whole number in [1, 32]"),
        ({"servo": 2.5}, "--servo = 2.5: must be a whole number in [1, 32]"),
        ({"share": 0.9}, "--share = 0.9: must be a finite number in [0, 0.9)"),
        ({"angle_deg": math.inf}, "--angle-deg = inf: must be a finite number of ° in (0, 360]"),
    ],
)
def test_one_line_names_the_option_its_rule_and_unit(values, line):
    assert lines(values) == [line]


def test_every_bad_value_gets_its_line():
    assert len(lines({"swath_m": -1, "servo": 0, "share": -0.5})) == 3


def test_rule_text_of_one_sided_fields():
    class One(BaseModel):
        low: float = Field(1.0, gt=0, description="Time (s)")
        high: int = Field(1, le=10)

    assert field_rule(One.model_fields["low"]) == "a finite number of s > 0"
    assert field_rule(One.model_fields["high"]) == "a whole number ≤ 10"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("00:00", 0.0),
        ("9:30", 34_200.0),
        ("23:59", 86_340.0),
        ("23:59:59.5", 86_399.5),
        (" 07:05 ", 25_500.0),
        ("09:30:00", 34_200.0),
        ("T09:30", 34_200.0),
        ("09:30Z", 34_200.0),
        ("2026-06-01T09:30", 34_200.0),
        ("2026-06-01T09:30:15+02:00", 34_215.0),
        ("2026-06-01T09:30:00Z", 34_200.0),
        (3600, 3600.0),
        ("3600", 3600.0),
        (86_400, 86_400.0),
    ],
)
def test_clock_times_read(text, seconds):
    assert parse_clock_s(text, "earliest") == pytest.approx(seconds)


@pytest.mark.parametrize(
    "text",
    [
        "24:00",
        "25:00",
        "12:60",
        "7:61",
        "23:59:60",
        "noon",
        "",
        "-1",
        -5,
        86_401,
        math.nan,
        math.inf,
        True,
        None,
        "2026-13-01T09:00",
        "12:3",
    ],
)
def test_clock_times_refused_with_the_value_named(text):
    with pytest.raises(InputFileError, match=r"^earliest: .*(00:00|day|ISO)"):
        parse_clock(text, "earliest")


def test_iso_date_times_keep_their_date():
    assert parse_clock("2026-06-01T22:00", "x").date == dt.date(2026, 6, 1)
    assert parse_clock("22:00", "x").date is None


def test_budget_refuses_before_work_with_the_fix():
    require_budget(10, 10, "x needs", "lines", "use less")
    with pytest.raises(BudgetError, match=r"x needs 11 lines, more than the budget of 10 lines"):
        require_budget(11, 10, "x needs", "lines", "use less")
    with pytest.raises(BudgetError, match="inf"):
        require_budget(math.inf, 10, "x needs", "lines", "use less")
