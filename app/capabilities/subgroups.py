"""Subgroups of a group (languages, technology, physical education) and moves between them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import READ, SCOPE_GROUPS, SCOPE_ORGANISATION, TAUGHT, WRITE, Resource, RoleSpec
from app.roles import ADMINISTRATOR, DEPUTY, DIRECTOR, TEACHER

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from app.plugins import PluginHost


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource("SubgroupSplit", "Деление на подгруппы", needs=TAUGHT),
            Resource("SubgroupMoves", "Перевод между подгруппами", needs=TAUGHT)]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    # The group's leader splits it with the subject teacher (the page checks that the
    # teacher leads or teaches the group); moves between subgroups are the Администратор's.
    return [
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"SubgroupSplit": WRITE, "SubgroupMoves": WRITE}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {"SubgroupSplit": WRITE}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {"SubgroupSplit": READ}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {"SubgroupSplit": READ}),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.subgroups import register_views

    register_views(appbuilder)
