"""Организация → «Учебные планы специальностей»: a specialty's plan semester by semester,
and below it the check of the teaching load of its groups against the plan.

Every write goes through ``curriculum_service``: a refusal is flashed in Russian and
nothing is saved. Who has only «read» sees the plan and the check, without forms."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.exceptions import EjournalError
from app.extensions import db
from app.models import Subject
from app.registry import READ, WRITE

from .curriculum import FORMS, IN_MODULE, KINDS, MODULE
from .curriculum_parts import CURRICULUM
from .curriculum_service import STATUSES, delete_row, load_check, plan_rows, save_row, semester_count
from .models import Specialty


class CurriculumPlanView(BaseView):
    route_base = "/college/curriculum"
    class_permission_name = CURRICULUM
    method_permission_name = {"index": READ, "save": WRITE, "delete": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Учебные планы специальностей")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        host = current_app.extensions["ejournal"]
        specialties = session.scalars(select(Specialty).order_by(Specialty.code, Specialty.id)).all()
        specialty_id = request.args.get("specialty", type=int)
        if specialty_id is None and specialties:
            specialty_id = specialties[0].id
        specialty = next((s for s in specialties if s.id == specialty_id), None)
        if specialty_id is not None and specialty is None:
            abort(404)
        last = semester_count(host)
        semester = request.args.get("semester", type=int) or 1
        if not 1 <= semester <= last:
            abort(404)
        can_write = current_app.appbuilder.sm.level(CURRICULUM) >= 2
        rows, lines, ungrouped = [], [], []
        if specialty is not None:
            rows = plan_rows(session, specialty.id, semester)
            lines, ungrouped = load_check(session, specialty.id)
        editing = None
        if can_write and request.args.get("edit", type=int):
            editing = next((r for r in rows if r.id == request.args.get("edit", type=int)), None)
        subjects = session.scalars(select(Subject).order_by(Subject.name)).all() if can_write else []
        totals = (sum(r.classroom_hours for r in rows if r.kind != MODULE),
                  sum(r.self_study_hours for r in rows if r.kind != MODULE))
        return self.render_template(
            "college/curriculum.html", specialties=specialties, specialty=specialty, semester=semester,
            semesters=range(1, last + 1), rows=rows, can_write=can_write, editing=editing, subjects=subjects,
            modules=[r for r in rows if r.kind == MODULE], kinds=KINDS, forms=FORMS, in_module=IN_MODULE,
            module=MODULE, totals=totals, lines=lines, ungrouped=ungrouped, statuses=STATUSES)

    def _back(self, specialty=None, semester=None):
        form = request.form
        return redirect(url_for("CurriculumPlanView.index", specialty=specialty or form.get("specialty") or None,
                                semester=semester or form.get("semester") or None))

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        form = request.form
        host = current_app.extensions["ejournal"]
        try:
            row = save_row(db.session, host, row_id=form.get("row") or None, specialty_id=form.get("specialty"),
                           semester=form.get("semester"), subject_id=form.get("subject"), kind=form.get("kind", ""),
                           attestation=form.get("attestation", ""), classroom_hours=form.get("classroom_hours"),
                           self_study_hours=form.get("self_study_hours"), parent_id=form.get("parent") or None)
            db.session.commit()
        except EjournalError as exc:
            db.session.rollback()
            flash(exc.shown() if hasattr(exc, "shown") else str(exc), "danger")
            return self._back()
        flash(_("Учебный план сохранён."), "success")
        return self._back(row.specialty_id, row.semester)

    @expose("/delete", methods=["POST"])
    @has_access
    def delete(self):
        try:
            delete_row(db.session, request.form.get("row"))
            db.session.commit()
            flash(_("Строка удалена из учебного плана."), "success")
        except EjournalError as exc:
            db.session.rollback()
            flash(exc.shown() if hasattr(exc, "shown") else str(exc), "danger")
        return self._back()

