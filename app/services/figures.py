"""The usual figures of Russian school reporting (SPEC.md «Usual figures»),
computed once here for every report and the authority's summaries.

The unit is a learner with the list of marks that count for them (one
subject's final mark, or every subject's). Who is counted is the caller's
decision (see ``population`` in the school reports): learners who left before
the period's end are not counted, a subgroup subject counts only its
members, a no-marks grade (R2) has no figures at all.

- успевающий: has marks, none failing and none missing;
- качественный: успевающий with every mark worth 4 or more;
- не аттестован: a mark is missing and none is failing;
- успеваемость % = успевающие / counted; качество % = качественные / counted;
- средний балл: mean worth of all counted marks.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..registry import MarkScale, MarkValue

GOOD = 4  # «хорошо» and above: what «качество» counts
TOP = 5


@dataclass
class Figures:
    counted: int = 0
    passing: int = 0  # успевающие
    quality: int = 0  # качественные
    excellent: int = 0  # отличники: only «5»
    good: int = 0  # хорошисты: «4» and «5», at least one «4»
    one_three: int = 0  # with exactly one «3», the rest «4» and «5»
    failing: int = 0  # неуспевающие: at least one failing mark
    not_assessed: int = 0  # a mark missing, none failing
    counts: dict[str, int] = field(default_factory=dict)  # marks by value
    worth_sum: float = 0.0
    worth_count: int = 0

    @property
    def progress_pct(self) -> float | None:
        return round(100 * self.passing / self.counted, 1) if self.counted else None

    @property
    def quality_pct(self) -> float | None:
        return round(100 * self.quality / self.counted, 1) if self.counted else None

    @property
    def mean(self) -> float | None:
        return round(self.worth_sum / self.worth_count, 2) if self.worth_count else None


def summarise(marks_by_learner: dict[int, list[str | None]], scale: MarkScale) -> Figures:
    """Figures over learners; each learner maps to the marks that count (None: missing)."""
    values: dict[str, MarkValue] = {v.value: v for v in scale.values}
    out = Figures()
    for marks in marks_by_learner.values():
        out.counted += 1
        known = [values[m] for m in marks if m is not None and m in values]
        for v in known:
            out.counts[v.value] = out.counts.get(v.value, 0) + 1
            if v.worth is not None:
                out.worth_sum += v.worth
                out.worth_count += 1
        if any(v.is_failing for v in known):
            out.failing += 1
            continue
        if not marks or len(known) < len(marks):
            out.not_assessed += 1
            continue
        out.passing += 1
        worths = [v.worth for v in known if v.worth is not None]
        if worths and min(worths) >= GOOD:
            out.quality += 1
            if min(worths) >= TOP:
                out.excellent += 1
            else:
                out.good += 1
        elif sum(1 for w in worths if w < GOOD) == 1:
            out.one_three += 1
    return out
