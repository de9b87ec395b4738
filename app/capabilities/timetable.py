"""The year's calendar, bells, rooms and the timetable."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_ORGANISATION, TAUGHT, Resource, RoleSpec

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from app.plugins import PluginHost


RESOURCES = [
    ("Timetable", "Расписание уроков"), ("ClassEvents", "Мероприятия классов"),
    ("TimetableOffDays", "Уроки вне учебных дней"), ("Rooms", "Кабинеты"), ("Bells", "Расписание звонков"),
    ("Holidays", "Каникулы и праздники"), ("TransferredDays", "Перенос учебных дней"),
    ("SchoolYearModes", "Режим учебного года"),
]


@hookimpl
def register_models(host: PluginHost) -> list[type]:
    from app.models.timetable import MODELS

    return MODELS


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource(n, label, needs=TAUGHT) for n, label in RESOURCES]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    every = [n for n, _ in RESOURCES]
    read_all = {n: "read" for n in every}
    seen = {"Timetable": "read", "ClassEvents": "read", "Rooms": "read", "Bells": "read", "Holidays": "read",
            "TransferredDays": "read"}
    return [
        RoleSpec("Администратор", SCOPE_ORGANISATION, {n: "write" for n in every}),
        RoleSpec("Завуч", SCOPE_ORGANISATION, {n: "write" for n in every}),
        RoleSpec("Директор", SCOPE_ORGANISATION, read_all),
        # The secretary of the учебная часть draws up and corrects the timetable.
        RoleSpec("Секретарь", SCOPE_ORGANISATION, {**seen, "Timetable": "write", "Rooms": "write"}),
        RoleSpec("Учитель", SCOPE_GROUPS, {**seen, "SchoolYearModes": "read"}),
        RoleSpec("Классный руководитель", SCOPE_GROUPS, {**seen, "ClassEvents": "write"}),
        RoleSpec("Психолог / социальный педагог", SCOPE_ORGANISATION, seen),
        RoleSpec("Медицинский работник", SCOPE_ORGANISATION, seen),
        RoleSpec("Технический персонал", SCOPE_ORGANISATION, seen),
        RoleSpec("Сотрудник УО", SCOPE_AUTHORITY, read_all),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.timetable import add_views

    add_views(appbuilder)
