"""Люди → «Портфолио преподавателей»: the list of the college's teachers with the state of
their portfolios (for those who read every one), and a teacher's portfolio by section.

A teacher opening the page lands on his own portfolio. Every write goes through
``portfolio_service``: a refusal is flashed in Russian and nothing is saved. Both
pages run a fixed number of queries, however many teachers and entries there are."""
from __future__ import annotations

from flask import abort, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.idempotency import once
from app.models import Organisation, Staff
from app.registry import READ, WRITE
from app.views.base import saved

from . import name
from .portfolio import HOURS_SECTIONS, SECTIONS, PortfolioEntry, PortfolioUpdate
from .portfolio_service import (
    RESOURCE, add_entry, current_semester, current_year, delete_entry, last_update, request_actor, required_updates,
    section_order, teachers_select, update_entry,
)

PER_PAGE = 25


def _page(total: int) -> tuple[int, int]:
    pages = max(1, -(-total // PER_PAGE))
    return min(max(1, request.args.get("page", type=int) or 1), pages), pages


def _moment(value) -> str:
    return clock.local_from_utc(value).strftime("%d.%m.%Y %H:%M") if value else ""


class PortfolioView(BaseView):
    route_base = "/college/portfolio"
    class_permission_name = RESOURCE
    method_permission_name = {"index": READ, "teacher": READ, "add": WRITE, "edit": WRITE, "delete": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Портфолио преподавателей")

    def _organisations(self) -> list[Organisation]:
        """The colleges the user reaches: his own, or (the system administrator) every one."""
        orgs = db.session.scalars(select(Organisation).order_by(Organisation.short_name, Organisation.id))
        return [o for o in orgs if name in (o.plugins or []) and (current_user.org_id in (None, o.id))]

    def _semester_state(self, organisation):
        year = current_year(db.session, organisation.id)
        return year, current_semester(db.session, year), required_updates(organisation)

    @expose("/")
    @has_access
    def index(self):
        actor = request_actor()
        if not actor.reads_all:
            if actor.reads_own and db.session.get(Staff, actor.person_id) is not None:
                return redirect(url_for("PortfolioView.teacher", staff_id=actor.person_id))
            abort(404)
        orgs = self._organisations()
        wanted = request.args.get("org", type=int)
        organisation = next((o for o in orgs if o.id == wanted), orgs[0] if orgs else None)
        if organisation is None:
            abort(404)
        year, semester, needed = self._semester_state(organisation)
        statement = teachers_select(organisation.id, year, semester)
        total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
        page, pages = _page(total)
        rows = db.session.execute(statement.limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        return self.render_template(
            "college/portfolio/index.html", rows=rows, total=total, page=page, pages=pages, semester=semester,
            needed=needed, organisation=organisation, organisations=orgs if current_user.org_id is None else [],
            moment=_moment)

    @expose("/teacher/<int:staff_id>")
    @has_access
    def teacher(self, staff_id: int):
        actor = request_actor()
        staff = db.session.get(Staff, staff_id)
        # Someone else's portfolio one may not read is as absent as another organisation's.
        if staff is None or not actor.may_read(staff.id):
            abort(404)
        organisation = db.session.get(Organisation, staff.org_id)
        if organisation is None or name not in (organisation.plugins or []):
            abort(404)
        session = db.session
        total = session.scalar(select(func.count(PortfolioEntry.id)).where(PortfolioEntry.staff_id == staff.id)) or 0
        page, pages = _page(total)
        entries = list(session.scalars(
            select(PortfolioEntry).where(PortfolioEntry.staff_id == staff.id)
            .order_by(section_order(), PortfolioEntry.date.desc(), PortfolioEntry.id.desc())
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)))
        sections: list[tuple[str, list]] = []
        for entry in entries:
            if not sections or sections[-1][0] != entry.section:
                sections.append((entry.section, []))
            sections[-1][1].append(entry)
        _year, semester, needed = self._semester_state(organisation)
        updates = None
        if semester is not None:
            updates = session.scalar(select(func.count(PortfolioUpdate.id)).where(
                PortfolioUpdate.staff_id == staff.id, PortfolioUpdate.day >= semester.start,
                PortfolioUpdate.day <= semester.end))
        editing = None
        can_write = actor.may_write(staff.id)
        edit_id = request.args.get("edit", type=int)
        if can_write and edit_id:
            editing = session.scalar(select(PortfolioEntry).where(PortfolioEntry.id == edit_id,
                                                                  PortfolioEntry.staff_id == staff.id))
        return self.render_template(
            "college/portfolio/teacher.html", staff=staff, sections=sections, labels=SECTIONS,
            hours_sections=HOURS_SECTIONS, total=total, page=page, pages=pages, can_write=can_write,
            own=staff.id == actor.person_id, reads_all=actor.reads_all, last=_moment(last_update(session, staff.id)),
            semester=semester, updates=updates, needed=needed, editing=editing, today=clock.today())

    def _back(self, staff_id):
        try:
            return url_for("PortfolioView.teacher", staff_id=int(staff_id))
        except (TypeError, ValueError):
            return url_for("PortfolioView.index")

    @staticmethod
    def _fields(form) -> dict:
        return {key: form.get(key) for key in
                ("section", "title", "date", "description", "hours", "issuer", "document")}

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        form = request.form
        return saved(lambda: add_entry(db.session, request_actor(), form.get("staff"), **self._fields(form)),
                      _("Запись добавлена в портфолио."), self._back(form.get("staff")))

    @expose("/edit", methods=["POST"])
    @has_access
    def edit(self):
        form = request.form
        return saved(lambda: update_entry(db.session, request_actor(), form.get("entry"), **self._fields(form)),
                      _("Запись портфолио сохранена."), self._back(form.get("staff")))

    @expose("/delete", methods=["POST"])
    @has_access
    def delete(self):
        form = request.form
        return saved(lambda: delete_entry(db.session, request_actor(), form.get("entry")),
                      _("Запись удалена из портфолио."), self._back(form.get("staff")))
