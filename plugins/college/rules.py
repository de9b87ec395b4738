"""The college's defaults of the organisation rules."""
from __future__ import annotations

from app import hookimpl
from app.registry import RuleSetting

from . import name


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    return [
        RuleSetting("edit_window_days", name, "Срок исправления текущих отметок и посещаемости, дней", "R1", 14),
        RuleSetting("final_mark_days_before_end", name, "Итоговые отметки не позднее, дней до конца периода", "R4", 2),
        RuleSetting("min_marks_for_final", name, "Минимум текущих отметок для итоговой", "R5", 3),
        RuleSetting("rounding_threshold", name, "Порог округления средневзвешенного балла", "R5", 0.5),
    ]
