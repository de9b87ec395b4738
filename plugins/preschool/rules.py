"""The preschool's defaults of the organisation rules."""
from __future__ import annotations

from app import hookimpl
from app.registry import RuleSetting

from . import name
from .kinds import LEVEL_NAMES


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    return [
        RuleSetting("edit_window_days", name, "Срок исправления посещаемости, дней", "R1", 7),
        RuleSetting("attendance_per_day", name, "Посещаемость отмечается за день, а не за занятие", "R6", True),
        # Parental fees: the days attended are always charged; absences for a valid
        # reason (illness, a parent's leave…) never are.
        RuleSetting("charge_unexcused", name,
                    "Родительская плата начисляется и за дни отсутствия без уважительной причины", "R6", True),
        # How the age groups (levels 1..6) are called on every page: a rule of no article
        # of the regulation («Названия в журнале»), edited as text.
        RuleSetting("level_names", name, "Названия возрастных групп (через запятую, по возрастанию)", "",
                    ", ".join(LEVEL_NAMES)),
    ]
