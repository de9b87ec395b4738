"""Marks: scale checks (R3), no-marks grades (R2), weighted averages and the
proposed final mark (R5)."""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable

from flask_babel import lazy_gettext as _l

from ..exceptions import RuleError
from ..registry import MarkScale

# Never a final mark (seed 001 5.3): «не аттестован» and «освобождён» are not marks.
FORBIDDEN_FINAL = {"н/а", "на", "н\\а", "осв", "освобождён", "освобожден"}


def check_value(scale: MarkScale | None, value: str, *, final: bool = False) -> str:
    """The value cleaned, or RuleError when the scale does not allow it."""
    value = (value or "").strip()
    if scale is None:
        raise RuleError("R2", _l("В этой группе отметки не ставятся."))
    if final and value.lower() in FORBIDDEN_FINAL:
        raise RuleError("R3", _l("Итоговая отметка не может быть «%(value)s».", value=value))
    if not scale.allows(value):
        allowed = ", ".join(v.value for v in scale.values)
        raise RuleError("R3", _l("Отметка «%(value)s» не из шкалы «%(scale)s» (%(allowed)s).",
                                 value=value, scale=scale.name, allowed=allowed))
    return value


def marks_allowed(level: int, on: dt.date, year_start: dt.date, no_marks_levels: Iterable[int],
                  no_marks_first_half_levels: Iterable[int]) -> bool:
    """R2: grade 1 takes no marks all year; some schools also grade 2 in its first half."""
    if level in set(no_marks_levels):
        return False
    second_half = dt.date(year_start.year + 1, 1, 1)
    if level in set(no_marks_first_half_levels) and on < second_half:
        return False
    return True


@dataclass(frozen=True)
class WeightedMark:
    worth: float | None  # None: counts in no average («зачёт», a debt «точка»)
    weight: float


def weighted_average(marks: Iterable[WeightedMark]) -> float | None:
    """Σ(weight·mark) / Σweight over the marks that have a numeric worth."""
    total = weights = Decimal(0)
    for m in marks:
        if m.worth is None:
            continue
        w = Decimal(str(m.weight))
        total += w * Decimal(str(m.worth))
        weights += w
    if weights == 0:
        return None
    return float(total / weights)


def round_by_threshold(average: float, threshold: float) -> int:
    """4.6 with threshold 0.6 → 5; 4.59 → 4. The threshold is an organisation setting (R5)."""
    whole = math.floor(average)
    return whole + 1 if average - whole >= threshold - 1e-9 else whole


@dataclass(frozen=True)
class Proposal:
    average: float | None
    value: str | None
    count: int
    enough: bool  # False: fewer current marks than the organisation's minimum (warn)


def propose_final(marks: list[WeightedMark], scale: MarkScale, threshold: float, minimum: int) -> Proposal:
    """The final mark the journal proposes for a period (R5)."""
    counted = [m for m in marks if m.worth is not None]
    return proposal_for_average(weighted_average(counted), len(counted), scale, threshold, minimum)


def proposal_for_average(average: float | None, count: int, scale: MarkScale, threshold: float,
                         minimum: int) -> Proposal:
    """The proposal for an average already computed (the grid sums a whole class at once)."""
    value = None
    if average is not None:
        rounded = round_by_threshold(average, threshold)
        numeric = sorted((v for v in scale.values if v.worth is not None), key=lambda v: v.worth)
        if numeric:
            rounded = min(max(rounded, numeric[0].worth), numeric[-1].worth)
            value = next((v.value for v in numeric if v.worth == rounded), None)
    return Proposal(average, value, count, count >= minimum)
