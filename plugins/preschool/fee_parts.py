"""Родительская плата: its tables, its two permission resources, who has which right,
its pages and its report (seed 004: the Сотрудник УО keeps the norms; the
organisation keeps its children's discounts and counts the charges).

Rights by default (the Администратор changes them on «Права ролей»; a norm is
written only by an officer of the authority, whatever the rights say):

* «FeeNorms» (Нормативы родительской платы): Сотрудник УО writes; the
  organisation's Администратор and Директор read.
* «FeeDiscounts» (Льготы по родительской плате): Администратор and Директор
  (заведующий) write; Завуч (заместитель) reads. The Воспитатель has no right:
  the grounds of a discount (a disability, an orphanhood) are not the group's business.
"""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_AUTHORITY, SCOPE_ORGANISATION, ReportSpec, Resource, RoleSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR

from . import name

NORMS, DISCOUNTS = "FeeNorms", "FeeDiscounts"


@hookimpl
def register_models(host) -> list[type]:
    from .fees import FeeDiscount, FeeNorm

    return [FeeNorm, FeeDiscount]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource(NORMS, "Нормативы родительской платы", name),
            Resource(DISCOUNTS, "Льготы по родительской плате", name)]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [
        RoleSpec(AUTHORITY_OFFICER, SCOPE_AUTHORITY, {NORMS: W}),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {NORMS: R, DISCOUNTS: W}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {NORMS: R, DISCOUNTS: W}),
        RoleSpec(DEPUTY, SCOPE_ORGANISATION, {DISCOUNTS: R}),
    ]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES

    from app.views.vocabulary import organisation_has_kind

    from .fee_views import FeeDiscountView, FeeNormView

    def kept():  # a school or college without a preschool group has no such entries
        return organisation_has_kind("preschool_group")

    label, icon = CATEGORIES["Organisation"]
    appbuilder.add_view(FeeNormView, NORMS, label=FeeNormView.menu_label(), category="Organisation",
                        category_label=label, category_icon=icon, href="/preschool/fee-norms/",
                        menu_cond=kept)
    label, icon = CATEGORIES["People"]
    appbuilder.add_view(FeeDiscountView, DISCOUNTS, label=FeeDiscountView.menu_label(), category="People",
                        category_label=label, category_icon=icon, href="/preschool/fee-discounts/",
                        menu_cond=kept)


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    from .fee_report import report_specs

    return report_specs()
