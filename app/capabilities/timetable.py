"""The year's calendar, bells, rooms and the timetable."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import READ, SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_ORGANISATION, TAUGHT, WRITE, Resource, RoleSpec
from app.roles import (
    ADMINISTRATOR, AUTHORITY_OFFICER, CLASS_TEACHER, DEPUTY, DIRECTOR, MEDIC, PSYCHOLOGIST, SECRETARY, TEACHER,
    TECHNICIAN,
)

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
    read_all = {n: READ for n in every}
    seen = {"Timetable": READ, "ClassEvents": READ, "Rooms": READ, "Bells": READ, "Holidays": READ,
            "TransferredDays": READ}
    return [
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {n: WRITE for n in every}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {n: WRITE for n in every}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, read_all),
        # The secretary of the учебная часть draws up and corrects the timetable.
        RoleSpec(SECRETARY, SCOPE_ORGANISATION, {**seen, "Timetable": WRITE, "Rooms": WRITE}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {**seen, "SchoolYearModes": READ}),
        RoleSpec(CLASS_TEACHER, SCOPE_GROUPS, {**seen, "ClassEvents": WRITE}),
        RoleSpec(PSYCHOLOGIST, SCOPE_ORGANISATION, seen),
        RoleSpec(MEDIC, SCOPE_ORGANISATION, seen),
        RoleSpec(TECHNICIAN, SCOPE_ORGANISATION, seen),
        RoleSpec(AUTHORITY_OFFICER, SCOPE_AUTHORITY, read_all),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.timetable import add_views

    add_views(appbuilder)
