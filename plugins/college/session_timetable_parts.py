"""The session timetable (расписание сессии): consultations before exams and the hours and
rooms of the exams — their tables, permission resource, rights, page, report and the
students' and parents' link on the home page.

Rights by default (the Администратор changes them on «Права ролей»): «SessionTimetable»
(Расписание сессии) — the Менеджер учебной части writes; the Заведующий учебной частью,
Директор, Администратор, the Учитель and the Куратор (their groups), the Обучающийся and
the Родитель (own group, children's groups) read.
"""
from __future__ import annotations

from app import hookimpl
from app.registry import (
    READ,
    SCOPE_CHILDREN,
    SCOPE_GROUPS,
    SCOPE_ORGANISATION,
    SCOPE_SELF,
    WRITE,
    HomeLink,
    ReportSpec,
    Resource,
    RoleSpec,
)
from app.roles import ADMINISTRATOR, DIRECTOR, LEARNER, PARENT, TEACHER

from . import name
from .session_timetable_views import RESOURCE

MANAGER, HEAD, CURATOR = "Менеджер учебной части", "Заведующий учебной частью", "Куратор"
R, W = READ, WRITE


@hookimpl
def register_models(host) -> list[type]:
    from .consultation_models import Consultation, ExamTime

    return [Consultation, ExamTime]


@hookimpl
def register_resources(host) -> list[Resource]:
    return [Resource(RESOURCE, "Расписание сессии", name)]


@hookimpl
def register_roles(host) -> list[RoleSpec]:
    return [
        RoleSpec(MANAGER, SCOPE_ORGANISATION, {RESOURCE: W}),
        RoleSpec(HEAD, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(DIRECTOR, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(ADMINISTRATOR, SCOPE_ORGANISATION, {RESOURCE: R}),
        RoleSpec(TEACHER, SCOPE_GROUPS, {RESOURCE: R}),
        RoleSpec(CURATOR, SCOPE_GROUPS, {RESOURCE: R}),
        RoleSpec(LEARNER, SCOPE_SELF, {RESOURCE: R}, staff=False),
        RoleSpec(PARENT, SCOPE_CHILDREN, {RESOURCE: R}, staff=False),
    ]


@hookimpl
def extra_views(host, appbuilder) -> None:
    from flask_login import current_user

    from app.views.catalog import CATEGORIES
    from app.views.vocabulary import organisation_has_kind

    from .session_timetable_views import SessionTimetableView

    def kept():
        # Students and parents never open the journal's menu (R10): their way in is the home page.
        if not organisation_has_kind("college_group"):
            return False
        return not ({r.name for r in getattr(current_user, "roles", ())} & {LEARNER, PARENT})

    label, icon = CATEGORIES["Journal"]
    appbuilder.add_view(SessionTimetableView, RESOURCE, label=SessionTimetableView.menu_label(), category="Journal",
                        category_label=label, category_icon=icon, href="/college/session-timetable/",
                        menu_cond=kept)


@hookimpl
def extra_home_links(host, session, account, links) -> None:
    """A student or a parent opens the session timetable of his (his child's) group in one
    tap, while a session of its year is held or ahead. Two queries."""
    import datetime as dt

    from flask import current_app, url_for
    from flask_babel import gettext as _
    from sqlalchemy import select

    from app import clock
    from app.models import GuardianLink, Learner, LearnerGroup, Period

    person = getattr(account, "person_id", None)
    if person is None or current_app.appbuilder.sm.level(RESOURCE) < 1:
        return
    if not {r.name for r in account.roles} & {LEARNER, PARENT}:
        return
    learners = select(GuardianLink.learner_id).where(GuardianLink.guardian_id == person)
    groups = session.scalars(
        select(LearnerGroup).join(Learner, Learner.group_id == LearnerGroup.id)
        .where((Learner.id == person) | Learner.id.in_(learners), LearnerGroup.kind == "college_group")
        .distinct().order_by(LearnerGroup.name, LearnerGroup.id)).all()
    if not groups:
        return
    today = clock.today()
    # A session counts from a month before it: the consultations come first.
    held = set(session.scalars(select(Period.year_id).where(
        Period.year_id.in_({g.year_id for g in groups}), Period.type_code == "session",
        Period.end >= today, Period.start <= today + dt.timedelta(days=31))))
    for group in groups[:3]:
        if group.year_id in held:
            links.append(HomeLink(_("Расписание сессии: %(name)s", name=group.name),
                                  url_for("SessionTimetableView.index", group=group.id),
                                  _("Экзамены и консультации группы по датам.")))


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    from .session_timetable_report import report_specs

    return report_specs()
