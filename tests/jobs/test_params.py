"""A kind's parameters under the command line's names or the Python ones, and the line a
misspelt or doubled name gets."""

from __future__ import annotations

import pytest

from airwork.jobs.base import ParamError, parse_params
from airwork.jobs.registry import kind as get_kind


def test_the_command_lines_spelling_is_the_same_parameter():
    spray = get_kind("spray")
    python = parse_params(spray.Params, {"swath_m": 6.5, "rate_l_per_ha": 12}, "spray")
    dashed = parse_params(spray.Params, {"--swath-m": 6.5, "rate-l-per-ha": "12"}, "spray")
    assert dashed == python
    assert dashed.swath_m == 6.5 and dashed.rate_l_per_ha == 12


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"swath": 3}, "spray --swath: not a parameter of spray; did you mean --swath-m?"),
        ({"swath_m": 6, "--swath-m": 7}, "spray --swath-m: given twice"),
        ({"zzz": 1}, "spray --zzz: not a parameter of spray (known: "),
    ],
)
def test_unknown_or_doubled_names_are_one_line(values, message):
    with pytest.raises(ParamError) as err:
        parse_params(get_kind("spray").Params, values, "spray")
    assert message in str(err.value)
    assert "\n" not in str(err.value)
    assert "--rate-l-per-ha" in str(err.value) or "given twice" in str(err.value)
