"""The school's defaults of the organisation rules (R1–R16)."""
from __future__ import annotations

from app import hookimpl
from app.registry import RuleSetting

from . import name


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    return [
        RuleSetting("edit_window_days", name, "Срок исправления текущих отметок и посещаемости, дней", "R1", 10),
        RuleSetting("no_marks_levels", name, "Параллели без отметок (весь год)", "R2", [1]),
        RuleSetting("no_marks_first_half_levels", name, "Параллели без отметок в первом полугодии", "R2", []),
        RuleSetting("final_mark_days_before_end", name, "Итоговые отметки не позднее, дней до конца периода", "R4", 2),
        RuleSetting("min_marks_for_final", name, "Минимум текущих отметок для итоговой", "R5", 3),
        RuleSetting("rounding_threshold", name, "Порог округления средневзвешенного балла", "R5", 0.6),
        RuleSetting("homework_hours_after_last_lesson", name, "Домашнее задание не позднее, часов после последнего урока", "R7", 1),
        RuleSetting("reason_correction_working_days", name, "Исправление причин пропуска, рабочих дней", "R6", 2),
        RuleSetting("week_days", name, "Учебных дней в неделе", "R13", 5),
        RuleSetting("study_weeks", name, "Учебных недель в году по параллелям (для сверки КТП)", "R13",
                    {str(level): (33 if level == 1 else 34) for level in range(1, 12)}),  # ФГОС НОО/ООО/СОО
    ]
