"""Vocational college (СПО): study groups by course, semesters, зачёт/незачёт and exams."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.core_plugin import READ_ALL, R, W
from app.registry import (
    SCOPE_GROUPS,
    SCOPE_ORGANISATION,
    GroupKind,
    MarkScale,
    MarkValue,
    PeriodTemplate,
    PeriodType,
    PluginInfo,
    Resource,
    RoleSpec,
    RuleSetting,
)

name = "college"


@hookimpl
def describe_plugin(host):
    return PluginInfo(name, "Колледж (СПО)")


@hookimpl
def register_group_kinds(host):
    return [GroupKind("college_group", name, "Учебная группа", "Учебные группы", "Куратор", "Студент",
                      "Студенты", levels=(1, 2, 3, 4), level_name="Курс")]


@hookimpl
def register_period_types(host):
    return [
        PeriodType("semester", name, "Семестр"),
        PeriodType("session", name, "Сессия", is_final=True),
        PeriodType("college_year", name, "Учебный год", is_final=True, whole_year=True),
    ]


@hookimpl
def academic_year_calendar(host, start_year):
    y, n = start_year, start_year + 1
    d = dt.date
    return [
        PeriodTemplate("semester", "1 семестр", d(y, 9, 1), d(y, 12, 28), 1),
        PeriodTemplate("session", "Зимняя сессия", d(y, 12, 29), d(n, 1, 20), 2),
        PeriodTemplate("semester", "2 семестр", d(n, 1, 21), d(n, 6, 10), 3),
        PeriodTemplate("session", "Летняя сессия", d(n, 6, 11), d(n, 6, 30), 4),
        PeriodTemplate("college_year", "Учебный год", d(y, 9, 1), d(n, 6, 30), 5),
    ]


@hookimpl
def register_mark_scales(host):
    return [
        MarkScale("college_five_point", name, "Пятибалльная", [
            MarkValue("5", "5 (отлично)", 5), MarkValue("4", "4 (хорошо)", 4),
            MarkValue("3", "3 (удовлетворительно)", 3), MarkValue("2", "2 (неудовлетворительно)", 2, is_failing=True),
        ]),
        MarkScale("pass_fail", name, "Зачёт / незачёт", [
            MarkValue("зч", "зачёт", None), MarkValue("нз", "незачёт", None, is_failing=True),
        ], final_only=True),
    ]


@hookimpl
def rule_defaults(host):
    return [
        RuleSetting("edit_window_days", name, "Срок исправления текущих отметок и посещаемости, дней", "R1", 14),
        RuleSetting("final_mark_days_before_end", name, "Итоговые отметки не позднее, дней до конца периода", "R4", 2),
        RuleSetting("min_marks_for_final", name, "Минимум текущих отметок для итоговой", "R5", 3),
        RuleSetting("rounding_threshold", name, "Порог округления средневзвешенного балла", "R5", 0.5),
    ]


@hookimpl
def register_resources(host):
    return [Resource("Specialties", "Специальности", name)]


@hookimpl
def register_roles(host):
    # Seed 003: the curator leads a group; the учебная часть runs the schedule and
    # the journal; its head sees everything and edits nothing.
    return [
        RoleSpec("Куратор", SCOPE_GROUPS, {"Learners": W, "Guardians": W, "GuardianLinks": W, "Attendance": W,
                 "Reports": R}, "Роль преподавателя, ведущего учебную группу"),
        RoleSpec("Менеджер учебной части", SCOPE_ORGANISATION, {**READ_ALL, "Groups": W, "Subjects": W,
                 "Lessons": W, "TeachingAssignments": W, "Periods": W, "Specialties": W},
                 "Ведёт расписание, нагрузку и журнал колледжа"),
        RoleSpec("Заведующий учебной частью", SCOPE_ORGANISATION, {**READ_ALL, "Specialties": R, "Audit": R},
                 "Видит всё, ничего не изменяет"),
        RoleSpec("Администратор", SCOPE_ORGANISATION, {"Specialties": W}),
        RoleSpec("Сотрудник УО", "authority", {"Specialties": R}),
    ]


@hookimpl
def register_models(host):
    from .models import GroupSpecialty, Specialty

    return [Specialty, GroupSpecialty]


@hookimpl
def extra_views(host, appbuilder):
    from app.views.catalog import CATEGORIES

    from .views import SpecialtyView

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(SpecialtyView, "Specialties", label=SpecialtyView.title, category="Organisation",
                        category_label=label, category_icon=icon)


@hookimpl
def populate_demo(host, session, organisation, year, rng):
    from .demo import populate

    return populate(host, session, organisation, year, rng)
