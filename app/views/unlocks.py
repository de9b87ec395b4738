"""R1 unlocks (teacher asks, Завуч decides with a reason) and R15 substitutions."""
from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..models import EditUnlock, LearnerGroup, Lesson, Staff, Subject, Substitution
from ..registry import READ, WRITE
from ..services.edit_window import decide_unlock, request_unlock
from ..services.journal import late_finals
from ..services.lessons import assign_substitute
from .base import saved
from .journal import _choices


class UnlockRequestView(BaseView):
    """A teacher asks to change marks of lessons past the edit window."""

    route_base = "/unlock-requests"
    class_permission_name = "Marks"
    method_permission_name = {"index": WRITE, "create": WRITE}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        mine = db.session.execute(
            select(EditUnlock, LearnerGroup.name, Subject.name)
            .join(LearnerGroup, LearnerGroup.id == EditUnlock.group_id)
            .outerjoin(Subject, Subject.id == EditUnlock.subject_id)
            .where(EditUnlock.requested_by == current_user.id).order_by(EditUnlock.id.desc()).limit(50)).all()
        return self.render_template("unlocks.html", mode="request", pairs=_choices(db.session), rows=mine)

    @expose("/", methods=["POST"])
    @has_access
    def create(self):
        f = request.form
        try:
            group_id, subject_id = (int(x) for x in f.get("pair", "").split(":"))
        except ValueError:
            abort(400)
        if (group_id, subject_id) not in {(p[0], p[1]) for p in _choices(db.session)}:
            abort(404)
        return saved(lambda: request_unlock(db.session, group_id, subject_id, f.get("date_from"), f.get("date_to"),
                                             f.get("reason"), current_user.id),
                      _("Запрос на разблокировку отправлен завучу."), url_for("UnlockRequestView.index"))


class UnlockDecisionView(BaseView):
    """The Завуч or Администратор decides on unlocks and records substitutions."""

    route_base = "/unlocks"
    class_permission_name = "Unlocks"
    method_permission_name = {"index": READ, "decide": WRITE, "substitute": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Разблокировка и замещения")

    @expose("/")
    @has_access
    def index(self):
        rows = db.session.execute(
            select(EditUnlock, LearnerGroup.name, Subject.name)
            .join(LearnerGroup, LearnerGroup.id == EditUnlock.group_id)
            .outerjoin(Subject, Subject.id == EditUnlock.subject_id)
            .order_by((EditUnlock.status == "requested").desc(), EditUnlock.id.desc()).limit(100)).all()
        subs = db.session.execute(
            select(Substitution, Lesson.date, Lesson.number, LearnerGroup.name, Subject.name)
            .join(Lesson, Lesson.id == Substitution.lesson_id)
            .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .order_by(Substitution.id.desc()).limit(100)).all()
        staff = {s.id: s.short_name for s in db.session.scalars(select(Staff))}
        late = late_finals(db.session, current_app.extensions["ejournal"])
        return self.render_template("unlocks.html", mode="decide", rows=rows, subs=subs, staff=staff, late=late)

    @expose("/<int:unlock_id>/decide", methods=["POST"])
    @has_access
    def decide(self, unlock_id: int):
        unlock = db.session.get(EditUnlock, unlock_id)
        if unlock is None:
            abort(404)
        grant = request.form.get("decision") == "grant"
        return saved(lambda: decide_unlock(unlock, grant, request.form.get("reason"), current_user.id, clock.now()),
                      _("Решение записано."), url_for("UnlockDecisionView.index"))

    @expose("/substitute/<int:lesson_id>", methods=["POST"])
    @has_access
    def substitute(self, lesson_id: int):
        lesson = db.session.get(Lesson, lesson_id)
        if lesson is None:
            abort(404)
        return saved(lambda: assign_substitute(db.session, lesson, request.form.get("substitute", type=int) or 0,
                                                request.form.get("reason"), current_user.id),
                      _("Замещение записано в журнал замещений."), url_for("LessonPageView.show", lesson_id=lesson.id))
