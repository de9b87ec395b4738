"""The page «Расписание сессии» (Журнал; for students and parents — a link on the home
page): a group's exams and consultations of a session in date order. The учебная часть
sets the exams' hours and rooms and adds consultations here; everyone else reads.

Every write goes through ``session_timetable``: a refusal is flashed in Russian and
nothing is saved.
"""
from __future__ import annotations

from flask import request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app.extensions import db
from app.idempotency import once
from app.models import Staff
from app.models.timetable import Room
from app.registry import READ, WRITE
from app.views.base import saved

from . import exams
from . import session_timetable as service
from .exam_models import ExamSheet
from .session_timetable_report import report_specs
from .session_views import _groups, _pick, _sessions

RESOURCE = "SessionTimetable"


class SessionTimetableView(BaseView):
    route_base = "/college/session-timetable"
    class_permission_name = RESOURCE
    method_permission_name = {"index": READ, "exam_time": WRITE, "consultation_add": WRITE,
                              "consultation_delete": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Расписание сессии")

    def _access(self):
        return exams.access_for(db.session, current_user)

    def _back(self):
        f = request.form
        return url_for("SessionTimetableView.index", group=f.get("group") or None, session=f.get("session") or None)

    @expose("/")
    @has_access
    def index(self):
        s = db.session
        groups = _groups()
        group, sessions, chosen = _pick(groups, _sessions)
        events, sheets, rooms, staff = [], [], [], []
        access = self._access()
        if group is not None and chosen is not None:
            events = service.timetable(s, group.id, chosen.id)
            if access.manager:
                sheets = s.execute(select(ExamSheet.id, ExamSheet.date, ExamSheet.examiner_id)
                                   .where(ExamSheet.group_id == group.id, ExamSheet.session_id == chosen.id)
                                   .order_by(ExamSheet.date, ExamSheet.id)).all()
                rooms = s.scalars(select(Room).order_by(Room.name)).all()
                staff = s.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name, Staff.id)).all()
        roles = {r.name for r in getattr(current_user, "roles", ())}
        printable = any(roles & set(spec.roles) for spec in report_specs())
        return self.render_template(
            "college/session/timetable.html", groups=groups, group=group, sessions=sessions, chosen=chosen,
            events=events, manager=access.manager, exams=[e for e in events if e.kind == service.EXAM],
            sheets=sheets, rooms=rooms, staff=staff, printable=printable)

    @expose("/exam-time", methods=["POST"])
    @has_access
    def exam_time(self):
        f = request.form
        return saved(lambda: service.set_exam_time(db.session, self._access(), sheet_id=f.get("sheet"),
                                                    starts=f.get("starts"), ends=f.get("ends"),
                                                    room_id=f.get("room")),
                      _("Время и аудитория экзамена сохранены."), self._back())

    @expose("/consultation", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def consultation_add(self):
        f = request.form
        return saved(lambda: service.save_consultation(
            db.session, self._access(), sheet_id=f.get("sheet"), date=f.get("date"), starts=f.get("starts"),
            ends=f.get("ends"), room_id=f.get("room"), teacher_id=f.get("teacher") or None),
            _("Консультация добавлена в расписание сессии."), self._back())

    @expose("/consultation/<int:consultation_id>/delete", methods=["POST"])
    @has_access
    def consultation_delete(self, consultation_id: int):
        return saved(lambda: service.delete_consultation(db.session, self._access(), consultation_id),
                      _("Консультация убрана из расписания сессии."), self._back())
