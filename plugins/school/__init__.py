"""General school (1–11 grades): classes, quarters or halves, marks 2–5."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.registry import GroupKind, MarkScale, MarkValue, PeriodTemplate, PeriodType, PluginInfo, RuleSetting

from . import reports
from .plans import hooks as plans_hooks

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
        *plans_hooks.rule_defaults(),
    ]


@hookimpl
def register_reports(host):
    return reports.specs(name)


@hookimpl
def populate_demo(host, session, organisation, year, rng):
    from .demo import populate

    return populate(host, session, organisation, year, rng)


@hookimpl(specname="register_models")
def movement_register_models(host):
    from .movement.models import MovementOrder

    return [MovementOrder]


@hookimpl(specname="register_resources")
def movement_register_resources(host):
    from app.registry import Resource

    return [Resource("Movement", "Книга движения учащихся", name),
            Resource("MovementOverdue", "Просроченные записи книги движения", name),
            Resource("YearClosing", "Закрытие учебного года", name),
            Resource("SubgroupSplit", "Деление классов на подгруппы", name),
            Resource("SubgroupMoves", "Перевод между подгруппами (R9)", name)]


@hookimpl(specname="register_roles")
def movement_register_roles(host):
    from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, RoleSpec

    # Seed 004 3.3.4.4: the Секретарь enters the orders; 3.3.3.2: the Завуч controls them.
    # Seed 001 4.3.3, 4.4.11: the class teacher splits the class with the subject teacher
    # (the page checks that the teacher leads or teaches the class); R9: moves by the Администратор.
    R, W = "read", "write"
    return [
        RoleSpec("Администратор", SCOPE_ORGANISATION, {"Movement": W, "MovementOverdue": R, "YearClosing": W,
                 "SubgroupSplit": W, "SubgroupMoves": W}),
        RoleSpec("Секретарь", SCOPE_ORGANISATION, {"Movement": W, "MovementOverdue": R}),
        RoleSpec("Завуч", SCOPE_ORGANISATION, {"Movement": R, "MovementOverdue": R, "YearClosing": R,
                 "SubgroupSplit": W}),
        RoleSpec("Директор", SCOPE_ORGANISATION, {"Movement": R, "MovementOverdue": R, "YearClosing": R,
                 "SubgroupSplit": R}),
        RoleSpec("Учитель", SCOPE_GROUPS, {"SubgroupSplit": R}),
    ]


@hookimpl(specname="extra_views")
def movement_extra_views(host, appbuilder):
    from .movement.views import register_views as movement_views
    from .subgroups.views import register_views as subgroup_views

    movement_views(appbuilder)
    subgroup_views(appbuilder)


@hookimpl(specname="former_group_members")
def movement_former_group_members(host, session, group_id, start, end):
    from .movement.services import former_members

    return former_members(session, group_id, start)


# --- the year's calendar and the timetable (plugins/school/timetable) ---------------
# Distinct function names with ``specname``: other parts of the plugin implement the same hooks.
TIMETABLE_RESOURCES = [
    ("Timetable", "Расписание уроков"), ("ClassEvents", "Мероприятия классов"),
    ("TimetableOffDays", "Уроки вне учебных дней"), ("Rooms", "Кабинеты"), ("Bells", "Расписание звонков"),
    ("Holidays", "Каникулы и праздники"), ("TransferredDays", "Перенос учебных дней"),
    ("SchoolYearModes", "Режим учебного года"),
]


@hookimpl(specname="register_resources")
def timetable_resources(host):
    from app.registry import Resource

    return [Resource(n, label, name) for n, label in TIMETABLE_RESOURCES]


@hookimpl(specname="register_roles")
def timetable_roles(host):
    from app.registry import SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_ORGANISATION, RoleSpec

    every = [n for n, _ in TIMETABLE_RESOURCES]
    read_all = {n: "read" for n in every}
    seen = {"Timetable": "read", "ClassEvents": "read", "Rooms": "read", "Bells": "read", "Holidays": "read",
            "TransferredDays": "read"}
    return [
        RoleSpec("Администратор", SCOPE_ORGANISATION, {n: "write" for n in every}),
        RoleSpec("Завуч", SCOPE_ORGANISATION, {n: "write" for n in every}),
        RoleSpec("Директор", SCOPE_ORGANISATION, read_all),
        # Seed 002: the secretary of the учебная часть draws up and corrects the timetable.
        RoleSpec("Секретарь", SCOPE_ORGANISATION, {**seen, "Timetable": "write", "Rooms": "write"}),
        RoleSpec("Учитель", SCOPE_GROUPS, {**seen, "SchoolYearModes": "read"}),
        RoleSpec("Классный руководитель", SCOPE_GROUPS, {**seen, "ClassEvents": "write"}),
        RoleSpec("Психолог / социальный педагог", SCOPE_ORGANISATION, seen),
        RoleSpec("Медицинский работник", SCOPE_ORGANISATION, seen),
        RoleSpec("Технический персонал", SCOPE_ORGANISATION, seen),
        RoleSpec("Сотрудник УО", SCOPE_AUTHORITY, read_all),
    ]


@hookimpl(specname="register_models")
def timetable_models(host):
    from .timetable.models import MODELS

    return MODELS


@hookimpl(specname="extra_views")
def timetable_views(host, appbuilder):
    from .timetable.views import add_views

    add_views(appbuilder)


@hookimpl
def study_period_types(host, session, group):
    """Quarters by default; halves or trimesters for the grades the year's mode names."""
    if group is None or group.kind != "class":
        return None
    from .timetable.calendar import period_type_for_level, year_mode

    mode = year_mode(session, group.year_id)
    return [period_type_for_level(mode, group.level)] if mode is not None else None


@hookimpl
def diary_week_extras(host, session, learner, start, end):
    from .timetable.services import diary_extras

    return diary_extras(session, learner, start, end)


# --- restricted personal data: medical and psycho-social cards (plugins/school/cards) ---


@hookimpl
def register_models(host):
    from .cards.models import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard

    return [HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard]


@hookimpl
def register_resources(host):
    from app.registry import Resource

    return [Resource("MedicalCards", "Медицинские карты", name),
            Resource("PsychoCards", "Психолого-педагогические карточки", name),
            Resource("HealthConditions", "Справочник заболеваний", name)]


@hookimpl
def register_roles(host):
    from app.registry import SCOPE_ORGANISATION, RoleSpec

    return [RoleSpec("Медицинский работник", SCOPE_ORGANISATION, {"MedicalCards": "write", "HealthConditions": "write"}),
            RoleSpec("Психолог / социальный педагог", SCOPE_ORGANISATION, {"PsychoCards": "write"})]


@hookimpl
def restricted_models(host):
    from app.registry import RestrictedModel

    from .cards.models import MedicalCard, MedicalCardCondition, PsychoCard

    return [RestrictedModel(MedicalCard, "MedicalCards"), RestrictedModel(MedicalCardCondition, "MedicalCards"),
            RestrictedModel(PsychoCard, "PsychoCards")]


@hookimpl
def extra_views(host, appbuilder):
    from app.views.catalog import CATEGORIES

    from .cards.views import HealthConditionView, MedicalCardView, PsychoCardView

    label, icon = CATEGORIES["People"]
    for view, resource in ((MedicalCardView, "MedicalCards"), (PsychoCardView, "PsychoCards")):
        appbuilder.add_view(view, resource, label=view.title, category="People", category_label=label,
                            category_icon=icon, href=f"{view.route_base}/")
    appbuilder.add_view(HealthConditionView, "HealthConditions", label=HealthConditionView.title, category="People")


# --- curriculum and lesson plans (plugins/school/plans) ---


@hookimpl(specname="register_models")
def plans_models(host):
    return plans_hooks.models()


@hookimpl(specname="register_resources")
def plans_resources(host):
    return plans_hooks.resources()


@hookimpl(specname="register_roles")
def plans_roles(host):
    return plans_hooks.roles()


@hookimpl(specname="extra_views")
def plans_views(host, appbuilder):
    plans_hooks.add_views(appbuilder)


@hookimpl(specname="academic_year_opened")
def plans_year_opened(host, session, old_year, new_year, group_map):
    plans_hooks.copy_curriculum(session, old_year, new_year)


@hookimpl(specname="bell_end_times")
def timetable_bell_end_times(host, session, org_id, on):
    from .timetable.services import bell_end_times

    return bell_end_times(session, org_id, on)
