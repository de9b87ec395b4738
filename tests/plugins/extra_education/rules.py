from app import hookimpl
from app.registry import RuleSetting

from . import name


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    # The journal reads these four for every plugin whose groups take marks.
    return [
        RuleSetting("edit_window_days", name, "Срок исправления отметок и посещаемости, дней", "R1", 7),
        RuleSetting("final_mark_days_before_end", name, "Итоговые отметки не позднее, дней до конца периода", "R4", 2),
        RuleSetting("min_marks_for_final", name, "Минимум текущих отметок для итоговой", "R5", 1),
        RuleSetting("rounding_threshold", name, "Порог округления средневзвешенного балла", "R5", 0.5),
    ]
