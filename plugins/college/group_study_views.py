"""Организация → «Специальности учебных групп»: each study group of a year with its
specialty, year of admission and form of study, and the group's own page where the
учебная часть sets them.

Every write goes through ``group_study.save_link``: a refusal is flashed in Russian and
nothing is saved. Who has only «read» of the specialties sees the pages without forms."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.exceptions import EjournalError
from app.extensions import db
from app.models import AcademicYear, LearnerGroup
from app.registry import READ, WRITE

from .group_study import GROUP_KINDS, default_admission_year, link_of, save_link
from .models import STUDY_FORMS, GroupSpecialty, Specialty

RESOURCE = "Specialties"


class GroupStudyView(BaseView):
    route_base = "/college/groups"
    class_permission_name = RESOURCE
    method_permission_name = {"index": READ, "group": READ, "save": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Специальности учебных групп")

    @staticmethod
    def _can_write() -> bool:
        return current_app.appbuilder.sm.level(RESOURCE) >= 2

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        years = session.scalars(select(AcademicYear).order_by(AcademicYear.start.desc())).all()
        year_id = request.args.get("year", type=int)
        if year_id is None:
            year = next((y for y in years if not y.closed), years[0] if years else None)
        else:
            year = next((y for y in years if y.id == year_id), None)
            if year is None:
                abort(404)
        rows = session.execute(
            select(LearnerGroup, GroupSpecialty).outerjoin(GroupSpecialty, GroupSpecialty.group_id == LearnerGroup.id)
            .where(LearnerGroup.year_id == year.id, LearnerGroup.kind.in_(GROUP_KINDS))
            .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id)).all() if year is not None else []
        specialties = {s.id: s for s in session.scalars(select(Specialty))}
        return self.render_template("college/groups.html", years=years, year=year, rows=rows,
                                    specialties=specialties, forms=STUDY_FORMS, can_write=self._can_write())

    def _group(self, group_id: int) -> LearnerGroup:
        group = db.session.get(LearnerGroup, group_id)
        if group is None or group.kind not in GROUP_KINDS:
            abort(404)
        return group

    @expose("/<int:group_id>")
    @has_access
    def group(self, group_id: int):
        session = db.session
        group = self._group(group_id)
        year = session.get(AcademicYear, group.year_id)
        link = link_of(session, group.id)
        can_write = self._can_write() and not year.closed
        specialties = session.scalars(select(Specialty).order_by(Specialty.code, Specialty.id)).all() \
            if can_write else []
        return self.render_template("college/group.html", group=group, year=year, link=link,
                                    specialty=session.get(Specialty, link.specialty_id) if link else None,
                                    expected=default_admission_year(session, group), forms=STUDY_FORMS,
                                    specialties=specialties, can_write=can_write)

    @expose("/<int:group_id>/save", methods=["POST"])
    @has_access
    def save(self, group_id: int):
        group = self._group(group_id)
        form = request.form
        try:
            save_link(db.session, group_id=group.id, specialty_id=form.get("specialty"),
                      admission_year=form.get("admission_year"), study_form=form.get("study_form", ""))
            db.session.commit()
        except EjournalError as exc:
            db.session.rollback()
            flash(exc.shown() if hasattr(exc, "shown") else str(exc), "danger")
            return redirect(url_for("GroupStudyView.group", group_id=group_id))
        flash(_("Специальность, год набора и форма обучения группы сохранены."), "success")
        return redirect(url_for("GroupStudyView.group", group_id=group_id))
