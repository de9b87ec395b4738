"""The movement book (книга движения): orders of enrolment, transfer, promotion,
departure and graduation, and the closing of the year."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.hookspecs import hookimpl
from app.registry import READ, SCOPE_ORGANISATION, WRITE, Resource, RoleSpec
from app.roles import ADMINISTRATOR, DEPUTY, DIRECTOR, SECRETARY

if TYPE_CHECKING:
    from flask_appbuilder import AppBuilder

    from app.plugins import PluginHost


@hookimpl
def register_models(host: PluginHost) -> list[type]:
    from app.models.movement import MovementOrder

    return [MovementOrder]


@hookimpl
def register_resources(host: PluginHost) -> list[Resource]:
    return [Resource("Movement", "Книга движения обучающихся"),
            Resource("MovementOverdue", "Просроченные записи книги движения"),
            Resource("YearClosing", "Закрытие учебного года")]


@hookimpl
def register_roles(host: PluginHost) -> list[RoleSpec]:
    # The Секретарь enters the orders; the Завуч controls them.
    R, W = READ, WRITE
    return [
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {"Movement": W, "MovementOverdue": R, "YearClosing": W}),
        RoleSpec(SECRETARY, SCOPE_ORGANISATION, {"Movement": W, "MovementOverdue": R}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {"Movement": R, "MovementOverdue": R, "YearClosing": R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {"Movement": R, "MovementOverdue": R, "YearClosing": R}),
    ]


@hookimpl
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    from app.views.movement import register_views

    register_views(appbuilder)
