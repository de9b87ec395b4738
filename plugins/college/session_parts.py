"""The examination session (seed 003): exam sheets, retakes and academic debts — their
tables, permission resources, rights, pages, reports and rule settings.

Rights by default (the Администратор changes them on «Права ролей»):

* «ExamSheets» (Экзаменационные ведомости): the Менеджер учебной части writes (creates,
  closes, reopens, appoints retakes); the Учитель writes too, but the service lets him
  fill only the open sheets and retakes he examines, in the groups he teaches; the
  Заведующий учебной частью, Директор, Администратор and the Куратор (his group) read.
* «AcademicDebts» (Академические задолженности): the Менеджер учебной части writes (the
  deadline of a session); the Заведующий учебной частью, Директор, Администратор and the
  Куратор (his group) read.
"""
from __future__ import annotations

from app import hookimpl
from app.core_plugin import R, W
from app.registry import SCOPE_GROUPS, SCOPE_ORGANISATION, ReportSpec, Resource, RoleSpec, RuleSetting
from app.roles import ADMINISTRATOR, DIRECTOR, TEACHER

from . import name
from .exams import DEBTS, SHEETS

MANAGER, HEAD, CURATOR = "Менеджер учебной части", "Заведующий учебной частью", "Куратор"


@hookimpl
def register_models(host) -> list[type]:
    from .exam_models import DebtDeadline, ExamResult, ExamRetake, ExamSheet

    return [ExamSheet, ExamResult, ExamRetake, DebtDeadline]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource(SHEETS, "Экзаменационные ведомости", name),
            Resource(DEBTS, "Академические задолженности", name)]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [
        RoleSpec(MANAGER, SCOPE_ORGANISATION, {SHEETS: W, DEBTS: W}),
        RoleSpec(HEAD, SCOPE_ORGANISATION, {SHEETS: R, DEBTS: R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {SHEETS: R, DEBTS: R}),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {SHEETS: R, DEBTS: R}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {SHEETS: W}),
        RoleSpec(CURATOR, SCOPE_GROUPS, {SHEETS: R, DEBTS: R}),
    ]


@hookimpl
def register_rule_settings(host) -> list[RuleSetting]:
    return [
        RuleSetting("retake_attempts", name, "Пересдач академической задолженности, не более (последняя — комиссии)",
                    "R4", 2),
        RuleSetting("debt_liquidation_days", name,
                    "Срок ликвидации академических задолженностей, дней после окончания сессии", "R4", 30),
    ]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from app.views.catalog import CATEGORIES
    from app.views.vocabulary import organisation_has_kind

    from .session_views import DebtView, SessionView

    def kept():  # a school or a kindergarten has no session
        return organisation_has_kind("college_group")

    label, icon = CATEGORIES["Journal"]
    appbuilder.add_view(SessionView, SHEETS, label=SessionView.menu_label(), category="Journal",
                        category_label=label, category_icon=icon, href="/college/session/", menu_cond=kept)
    appbuilder.add_view(DebtView, DEBTS, label=DebtView.menu_label(), category="Journal",
                        category_label=label, category_icon=icon, href="/college/debts/", menu_cond=kept)


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    from .exam_reports import report_specs

    return report_specs()


@hookimpl
def get_final_deadline(host, session, period):
    from .exams import session_after

    following = session_after(session, period)
    return following.end if following is not None else None
