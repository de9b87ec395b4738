"""R2, R3, R5 on hand-computed examples."""
from __future__ import annotations

import datetime as dt

import pytest

from app.exceptions import RuleError
from app.plugins import PluginHost
from app.services.marks import (
    WeightedMark, check_value, marks_allowed, propose_final, round_by_threshold, weighted_average,
)

HOST = PluginHost()
FIVE = HOST.scale_for("class")
PASS_FAIL = HOST.mark_scales["pass_fail"]


def test_scale_accepts_2_to_5_only():
    assert check_value(FIVE, " 4 ") == "4"
    for bad in ["1", "6", "5+", "зч", ""]:
        with pytest.raises(RuleError) as err:
            check_value(FIVE, bad)
        assert err.value.rule == "R3" and "не из шкалы" in str(err.value)


@pytest.mark.parametrize("value", ["н/а", "Н/А", "осв", "освобождён"])
def test_final_mark_is_never_na_or_exempt(value, app):
    with app.test_request_context():
        with pytest.raises(RuleError) as err:
            check_value(FIVE, value, final=True)
    assert err.value.rule == "R3"


def test_preschool_takes_no_marks(app):
    with app.test_request_context():
        with pytest.raises(RuleError) as err:
            check_value(HOST.scale_for("preschool_group"), "5")
    assert err.value.rule == "R2"


def test_college_pass_fail():
    assert check_value(PASS_FAIL, "зч", final=True) == "зч"


def test_no_marks_grades():
    start = dt.date(2026, 9, 1)
    assert not marks_allowed(1, dt.date(2027, 4, 1), start, [1], [])
    assert marks_allowed(2, dt.date(2026, 10, 1), start, [1], [])
    assert not marks_allowed(2, dt.date(2026, 10, 1), start, [1], [2])  # first half
    assert marks_allowed(2, dt.date(2027, 2, 1), start, [1], [2])  # second half


def test_weighted_average_by_hand():
    # 5×1 + 3×2 (контрольная) + 4×1.5 = 5 + 6 + 6 = 17; weights 4.5 → 3.777…
    marks = [WeightedMark(5, 1), WeightedMark(3, 2), WeightedMark(4, 1.5), WeightedMark(None, 1)]
    assert weighted_average(marks) == pytest.approx(17 / 4.5)
    assert weighted_average([]) is None
    assert weighted_average([WeightedMark(None, 2)]) is None


def test_rounding_threshold():
    assert round_by_threshold(4.6, 0.6) == 5
    assert round_by_threshold(4.59, 0.6) == 4
    assert round_by_threshold(4.5, 0.5) == 5
    assert round_by_threshold(3.0, 0.6) == 3


def test_proposed_final_mark_and_minimum():
    marks = [WeightedMark(5, 1), WeightedMark(3, 2), WeightedMark(4, 1.5)]
    p = propose_final(marks, FIVE, threshold=0.6, minimum=3)
    assert p.value == "4" and p.enough and p.count == 3  # 3.78 → 4 (0.78 ≥ 0.6)
    p = propose_final(marks[:2], FIVE, threshold=0.6, minimum=3)
    assert p.value == "4" and not p.enough  # (5 + 6) / 3 = 3.67 → 4, but only 2 marks: warn
    assert propose_final([], FIVE, 0.6, 3).value is None
