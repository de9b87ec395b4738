"""The REST API (``/api/v1/<resource>/``, OpenAPI at ``/api/v1/_openapi``).

Every resource here passes the same scoping as the pages: a foreign id in a
payload is refused with 422 and a Russian message.
"""
from __future__ import annotations

from .. import clock
from ..models import Attendance, Learner, LearnerGroup, Lesson, Mark
from ..views.base import EjournalRestApi, interface


class LearnerApi(EjournalRestApi):
    resource_name = "learners"
    class_permission_name = "Learners"
    datamodel = interface(Learner)
    list_columns = ["id", "last_name", "first_name", "middle_name", "group.id", "group.name", "left_on"]
    show_columns = ["id", "last_name", "first_name", "middle_name", "birth_date", "group.id", "group.name", "enrolled_on", "left_on"]
    add_columns = edit_columns = ["last_name", "first_name", "middle_name", "birth_date", "group", "enrolled_on", "left_on"]
    search_columns = ["last_name", "first_name", "group"]


class GroupApi(EjournalRestApi):
    resource_name = "groups"
    class_permission_name = "Groups"
    datamodel = interface(LearnerGroup)
    list_columns = show_columns = ["id", "name", "kind", "level", "year.id", "leader.id"]
    add_columns = edit_columns = ["name", "kind", "level", "year", "leader"]
    search_columns = ["name", "kind", "level"]


class LessonApi(EjournalRestApi):
    resource_name = "lessons"
    class_permission_name = "Lessons"
    datamodel = interface(Lesson)
    list_columns = show_columns = ["id", "date", "number", "group.id", "subject.id", "subject.name", "teacher.id", "topic"]
    add_columns = edit_columns = ["date", "number", "group", "subgroup", "subject", "teacher", "substitute", "topic", "distance"]
    search_columns = ["date", "group", "subject", "teacher"]


class MarkApi(EjournalRestApi):
    resource_name = "marks"
    class_permission_name = "Marks"
    datamodel = interface(Mark)
    list_columns = show_columns = ["id", "assignment.id", "learner.id", "value", "is_debt", "comment", "version"]
    add_columns = ["assignment", "learner", "value", "is_debt", "comment"]
    edit_columns = ["value", "is_debt", "comment"]
    search_columns = ["learner", "assignment", "value"]

    # The same rules as the journal grid: the scale (R2, R3) and the edit window (R1).
    def pre_add(self, item):
        check_mark_rules(item)

    def pre_update(self, item):
        check_mark_rules(item)


class AttendanceApi(EjournalRestApi):
    resource_name = "attendance"
    class_permission_name = "Attendance"
    datamodel = interface(Attendance)
    list_columns = show_columns = ["id", "date", "learner.id", "lesson.id", "code.code", "comment", "version"]
    add_columns = ["learner", "lesson", "date", "code", "comment"]
    edit_columns = ["code", "comment"]
    search_columns = ["learner", "lesson", "date"]


def check_mark_rules(mark: Mark) -> None:
    from flask import current_app
    from sqlalchemy import select

    from ..extensions import db
    from ..models import Assignment, EditUnlock, LearnerGroup, Lesson, Organisation
    from ..services.edit_window import check_editable
    from ..services.journal import _marks_allowed
    from ..services.marks import RuleError, check_value

    host = current_app.extensions["ejournal"]
    assignment = mark.assignment or db.session.get(Assignment, mark.assignment_id)
    if assignment is None:
        return  # the foreign-key checks answer for a missing assignment
    lesson = db.session.get(Lesson, assignment.lesson_id)
    group = db.session.get(LearnerGroup, lesson.group_id)
    org = db.session.get(Organisation, group.org_id)
    if not _marks_allowed(host, org, group, lesson.date):
        raise RuleError("R2", "В этом классе отметки не ставятся.")
    if mark.value and not mark.is_debt:
        mark.value = check_value(host.scale_for(group.kind), mark.value)
    window = host.setting(org, host.group_kinds[group.kind].plugin, "edit_window_days")
    unlocks = db.session.scalars(select(EditUnlock).where(EditUnlock.group_id == group.id)).all()
    check_editable(lesson.date, group.id, lesson.subject_id, window, clock.now(), unlocks)


APIS = [LearnerApi, GroupApi, LessonApi, MarkApi, AttendanceApi]
