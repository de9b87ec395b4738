"""Педагогическое портфолио (seed 003, 3.4.5): its tables, its permission resource, who
has which right, its page, its rule setting and its report.

Rights by default (the Администратор changes them on «Права ролей»):

* «TeacherPortfolio» (Портфолио преподавателей): the Учитель and the Куратор write
  their own portfolio and read nothing else of it; the Заведующий учебной частью,
  the Менеджер учебной части and the Директор read every teacher's; the
  Администратор writes every teacher's. Whatever the rights say, someone else's
  portfolio is written by the Администратор alone (``portfolio_service``, and the
  flush guard in ``portfolio``).
"""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, ReportSpec, Resource, RoleSpec, RuleSetting
from app.roles import ADMINISTRATOR, DIRECTOR, TEACHER

from . import name
from .portfolio_service import CURATOR, RESOURCE, UPDATES_SETTING

HEAD, MANAGER = "Заведующий учебной частью", "Менеджер учебной части"


@hookimpl
def register_models(host) -> list[type]:
    from .portfolio import PortfolioEntry, PortfolioUpdate

    return [PortfolioEntry, PortfolioUpdate]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource(RESOURCE, "Портфолио преподавателей", name)]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [
        RoleSpec(TEACHER, SCOPE_GROUPS, {RESOURCE: W}),
        RoleSpec(CURATOR, SCOPE_GROUPS, {RESOURCE: W}),
        RoleSpec(HEAD, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(MANAGER, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {RESOURCE: W}),
    ]


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    # «Подлежит корректировке не реже двух раз в семестр». No article of the rules is
    # about it: the settings page shows it under its own title.
    return [RuleSetting(UPDATES_SETTING, name, "Портфолио преподавателя обновляется за семестр не реже, раз",
                        "Портфолио преподавателей", 2)]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES

    from .portfolio_views import PortfolioView

    label, icon = CATEGORIES["People"]
    appbuilder.add_view(PortfolioView, RESOURCE, label=PortfolioView.menu_label(), category="People",
                        category_label=label, category_icon=icon, href="/college/portfolio/")


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    from .portfolio_report import report_specs

    return report_specs()
