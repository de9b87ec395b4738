"""General school (1–11 grades): classes, quarters or halves, marks 2–5."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.registry import GroupKind, MarkScale, MarkValue, PeriodTemplate, PeriodType, PluginInfo, RuleSetting

from app.services.plans import default_study_weeks

from . import reports

name = "school"

FIVE_POINT = [
    MarkValue("5", "5 (отлично)", 5),
    MarkValue("4", "4 (хорошо)", 4),
    MarkValue("3", "3 (удовлетворительно)", 3),
    MarkValue("2", "2 (неудовлетворительно)", 2, is_failing=True),
]


@hookimpl
def describe_plugin(host):
    return PluginInfo(name, "Школа")


@hookimpl
def register_group_kinds(host):
    return [GroupKind("class", name, "Класс", "Классы", "Классный руководитель", "Обучающийся",
                      "Обучающиеся", levels=tuple(range(1, 12)), level_name="Параллель")]


@hookimpl
def register_period_types(host):
    return [
        PeriodType("quarter", name, "Четверть"),
        PeriodType("half", name, "Полугодие"),
        PeriodType("trimester", name, "Триместр"),
        PeriodType("year", name, "Год", is_final=True, whole_year=True),
        PeriodType("exam", name, "Экзамен", is_final=True),
        PeriodType("final", name, "Итог", is_final=True),
    ]


@hookimpl
def academic_year_calendar(host, start_year):
    """Four quarters (the usual calendar of seeds 000–002) and the final periods."""
    y, n = start_year, start_year + 1
    d = dt.date
    return [
        PeriodTemplate("quarter", "1 четверть", d(y, 9, 1), d(y, 10, 24), 1),
        PeriodTemplate("quarter", "2 четверть", d(y, 11, 5), d(y, 12, 28), 2),
        PeriodTemplate("quarter", "3 четверть", d(n, 1, 9), d(n, 3, 21), 3),
        PeriodTemplate("quarter", "4 четверть", d(n, 3, 31), d(n, 5, 26), 4),
        PeriodTemplate("year", "Год", d(y, 9, 1), d(n, 5, 26), 5),
        PeriodTemplate("exam", "Экзамен", d(n, 5, 27), d(n, 6, 30), 6),
        PeriodTemplate("final", "Итог", d(n, 5, 27), d(n, 6, 30), 7),
    ]


@hookimpl
def register_mark_scales(host):
    # Current marks 2–5 (seed 002); a final mark is never «н/а» nor «освобождён» (seed 001 5.3).
    return [MarkScale("five_point", name, "Пятибалльная", FIVE_POINT)]


@hookimpl
def rule_defaults(host):
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
                    default_study_weeks()),
    ]


@hookimpl
def register_reports(host):
    return reports.specs(name)


@hookimpl
def populate_demo(host, session, organisation, year, rng):
    from .demo import populate

    return populate(host, session, organisation, year, rng)


@hookimpl
def study_period_types(host, session, group):
    """Quarters by default; halves or trimesters for the grades the year's mode names."""
    if group is None or group.kind != "class":
        return None
    from app.services.calendar import period_type_for_level, year_mode

    mode = year_mode(session, group.year_id)
    return [period_type_for_level(mode, group.level)] if mode is not None else None
