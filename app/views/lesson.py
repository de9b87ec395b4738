"""The lesson page: topic, distance format, assignments, homework with files."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, request, send_from_directory, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock
from ..extensions import db
from ..idempotency import once
from ..models import Assignment, AssignmentType, Homework, HomeworkAttachment, Learner, Lesson, Staff
from ..registry import READ, WRITE
from ..scoping import current_scope
from ..services.kinds import kind_of
from ..services.lessons import add_assignment, add_homework, read_attachments, store_attachments, update_lesson
from .base import saved


def upload_dir() -> Path:
    return Path(current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")


def send_attachment(attachment_id: int):
    """A homework file, if the scope lets the user reach it; 404 otherwise."""
    item = db.session.get(HomeworkAttachment, attachment_id)
    if item is None:
        abort(404)
    return send_from_directory(upload_dir(), item.stored_name, as_attachment=True, download_name=item.filename,
                               mimetype=item.content_type)


def _lesson_for_write(lesson_id: int) -> Lesson:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        abort(404)
    scope = current_scope()
    if scope is not None and scope.learner_ids is not None and scope.person_id not in (lesson.teacher_id, lesson.substitute_id):
        abort(403)  # R15: the lesson's teacher or its substitute fills it
    return lesson


class LessonPageView(BaseView):
    route_base = "/lesson"
    class_permission_name = "Lessons"
    method_permission_name = {"show": READ, "save": WRITE, "assignment": WRITE, "homework": WRITE,
                              "attachment": READ}

    @expose("/<int:lesson_id>")
    @has_access
    def show(self, lesson_id: int):
        session = db.session
        lesson = session.get(Lesson, lesson_id)
        if lesson is None:
            abort(404)
        assignments = session.execute(
            select(Assignment, AssignmentType.name).join(AssignmentType, AssignmentType.id == Assignment.type_id)
            .where(Assignment.lesson_id == lesson.id).order_by(Assignment.id)).all()
        homework = session.scalars(select(Homework).where(Homework.lesson_id == lesson.id).order_by(Homework.id)).all()
        learners = session.scalars(select(Learner).where(Learner.group_id == lesson.group_id)
                                   .order_by(Learner.last_name, Learner.first_name)).all()
        kind = kind_of(lesson.group)
        return self.render_template(
            "lesson.html", lesson=lesson, assignments=assignments, homework=homework, learners=learners,
            unit=kind.lesson if kind is not None else _("Урок"),
            types=session.scalars(select(AssignmentType).order_by(AssignmentType.name)).all(),
            can_write=current_app.appbuilder.sm.level("Lessons") >= 2,
            learner_names={l.id: l.full_name for l in learners},
            can_substitute=current_app.appbuilder.sm.level("Unlocks") >= 2,
            staff=session.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name)).all(),
        )

    def _apply(self, lesson, action, success):
        return saved(action, success, url_for("LessonPageView.show", lesson_id=lesson.id))

    @expose("/<int:lesson_id>", methods=["POST"])
    @has_access
    def save(self, lesson_id: int):
        lesson = _lesson_for_write(lesson_id)
        f = request.form
        return self._apply(lesson, lambda: update_lesson(
            lesson, f.get("topic", ""), f.get("distance") == "y", f.get("distance_platform", ""),
            f.get("distance_time", ""), clock.now()), _("Урок сохранён."))

    @expose("/<int:lesson_id>/assignment", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def assignment(self, lesson_id: int):
        lesson = _lesson_for_write(lesson_id)
        f = request.form
        return self._apply(lesson, lambda: add_assignment(
            db.session, lesson, f.get("type", type=int) or 0, f.get("weight", ""), f.get("title", "")),
            _("Задание добавлено."))

    @expose("/<int:lesson_id>/homework", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def homework(self, lesson_id: int):
        lesson = _lesson_for_write(lesson_id)
        f = request.form
        max_bytes = int(current_app.config.get("MAX_ATTACHMENT_MB", 10)) * 1024 * 1024

        def add():
            # Every file is checked before anything is kept: a refused second file leaves no first on disk.
            files = read_attachments([s for s in request.files.getlist("files") if s and s.filename], max_bytes)
            hw = add_homework(db.session, lesson, f.get("text", ""), f.get("due", ""),
                              f.get("learner", type=int) or None, clock.now())
            store_attachments(db.session, hw, files, upload_dir())

        return self._apply(lesson, add, _("Домашнее задание записано."))

    @expose("/attachment/<int:attachment_id>")
    @has_access
    def attachment(self, attachment_id: int):
        return send_attachment(attachment_id)
