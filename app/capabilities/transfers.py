"""Transfer of a learner between organisations (перевод в другую ОО): the sending
organisation issues it, the receiving one accepts the learner into a class and keeps
his previous marks read-only («Отметки из предыдущей ОО»)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import READ, SCOPE_CHILDREN, SCOPE_GROUPS, SCOPE_ORGANISATION, SCOPE_SELF, WRITE, Resource, RoleSpec
from app.roles import ADMINISTRATOR, CLASS_TEACHER, DEPUTY, DIRECTOR, LEARNER, PARENT, SECRETARY, TEACHER

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from app.plugins import PluginHost


@hookimpl
def register_models(host: PluginHost) -> list[type]:
    from app.models.transfer import Transfer

    return [Transfer]


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource("Transfers", "Переводы в другие организации"),
            Resource("TransferMarks", "Отметки из предыдущей организации")]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    # The Секретарь transfers, as he enters every order of the book (seed 002).
    R, W = READ, WRITE
    return [
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Transfers": W, "TransferMarks": R}),
        RoleSpec(SECRETARY, SCOPE_ORGANISATION, {"Transfers": W, "TransferMarks": R}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {"Transfers": R, "TransferMarks": R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {"Transfers": R, "TransferMarks": R}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {"TransferMarks": R}),
        RoleSpec(CLASS_TEACHER, SCOPE_GROUPS, {"TransferMarks": R}),
        RoleSpec(PARENT, SCOPE_CHILDREN, {"TransferMarks": R}, staff=False),
        RoleSpec(LEARNER, SCOPE_SELF, {"TransferMarks": R}, staff=False),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.transfers import register_views

    register_views(appbuilder)
