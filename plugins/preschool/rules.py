"""The preschool's defaults of the organisation rules."""
from __future__ import annotations

from app import hookimpl
from app.registry import RuleSetting

from . import name


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    return [
        RuleSetting("edit_window_days", name, "Срок исправления посещаемости, дней", "R1", 7),
        RuleSetting("attendance_per_day", name, "Посещаемость отмечается за день, а не за урок", "R6", True),
        # Parental fees: the days attended are always charged; absences for a valid
        # reason (illness, a parent's leave…) never are.
        RuleSetting("charge_unexcused", name,
                    "Родительская плата начисляется и за дни отсутствия без уважительной причины", "R6", True),
    ]
