"""Preschool groups (дошкольные группы): воспитанники, months, attendance per day, no marks."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_GROUPS, GroupKind, PeriodTemplate, PeriodType, PluginInfo, ReportParam, ReportSpec, RoleSpec, RuleSetting

from .reports import attendance_sheet

name = "preschool"

MONTHS = ["Сентябрь", "Октябрь", "Ноябрь", "Декабрь", "Январь", "Февраль", "Март", "Апрель", "Май",
          "Июнь", "Июль", "Август"]


@hookimpl
def describe_plugin(host):
    return PluginInfo(name, "Дошкольное образование")


@hookimpl
def register_group_kinds(host):
    # Levels are age groups: 1 ясельная … 6 подготовительная.
    return [GroupKind("preschool_group", name, "Дошкольная группа", "Дошкольные группы", "Воспитатель",
                      "Воспитанник", "Воспитанники", levels=tuple(range(1, 7)), level_name="Возрастная группа",
                      takes_marks=False)]


@hookimpl
def register_period_types(host):
    return [PeriodType("month", name, "Месяц")]


@hookimpl
def academic_year_calendar(host, start_year):
    """Twelve months from September: the табель учёта посещаемости is kept monthly."""
    out = []
    for i, title in enumerate(MONTHS):
        year = start_year + (1 if i >= 4 else 0)
        month = (i + 8) % 12 + 1
        start = dt.date(year, month, 1)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        out.append(PeriodTemplate("month", f"{title} {year}", start, end, i + 1))
    return out


@hookimpl
def register_mark_scales(host):
    return []  # воспитанники get no marks


@hookimpl
def rule_defaults(host):
    return [
        RuleSetting("edit_window_days", name, "Срок исправления посещаемости, дней", "R1", 7),
        RuleSetting("attendance_per_day", name, "Посещаемость отмечается за день, а не за урок", "R6", True),
    ]


@hookimpl
def register_roles(host):
    return [RoleSpec("Воспитатель", SCOPE_GROUPS, {"Groups": R, "Learners": R, "Guardians": R, "Attendance": W,
                     "AttendanceCodes": R, "Periods": R, "Reports": R},
                     "Ведёт посещаемость своей дошкольной группы")]


@hookimpl
def register_reports(host):
    return [ReportSpec("preschool.attendance_sheet", name, "Табель учёта посещаемости детей",
                       roles=("Администратор", "Директор", "Завуч", "Воспитатель"), run=attendance_sheet,
                       params=(ReportParam("group", "Группа", "group"), ReportParam("month", "Месяц", "month")),
                       landscape=True)]


@hookimpl
def populate_demo(host, session, organisation, year, rng):
    from .demo import populate

    return populate(host, session, organisation, year, rng)
