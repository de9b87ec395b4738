"""The REST API (``/api/v1/<resource>/``, OpenAPI at ``/api/v1/_openapi``).

Every resource here passes the same scoping as the pages: a foreign id in a
payload is refused with 422 and a Russian message.
"""
from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Attendance, Learner, LearnerGroup, Lesson, Mark
from ..views.base import EjournalRestApi, interface
from ..views.catalog import LessonRecordRules
from .journal import JournalCellApi


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


class LessonApi(LessonRecordRules, EjournalRestApi):
    resource_name = "lessons"
    class_permission_name = "Lessons"
    datamodel = interface(Lesson)
    list_columns = show_columns = ["id", "date", "number", "group.id", "subject.id", "subject.name", "teacher.id", "topic"]
    add_columns = edit_columns = ["date", "number", "group", "subgroup", "subject", "teacher", "substitute", "topic", "distance"]
    search_columns = ["date", "group", "subject", "teacher"]


class MarkApi(JournalCellApi):
    """Marks. Written by the journal's service, as in the grid: POST ``{assignment,
    learner, value}`` (value «.» is a debt), PUT ``{value, version}``, DELETE."""

    resource_name = "marks"
    class_permission_name = "Marks"
    datamodel = interface(Mark)
    list_columns = show_columns = ["id", "assignment.id", "learner.id", "value", "is_debt", "comment", "version"]
    add_columns = ["assignment", "learner", "value"]
    edit_columns = ["value"]
    search_columns = ["learner", "assignment", "value"]
    kind = "mark"

    def new_change(self, payload: dict) -> dict:
        assignment = self.found(Assignment, payload.get("assignment"), "assignment")
        return {"lesson_id": assignment.lesson_id, "assignment_id": assignment.id,
                "learner_id": self.found(Learner, payload.get("learner"), "learner").id,
                "value": self.text(payload.get("value")), "version": None}

    def changed(self, item: Mark, payload: dict) -> dict:
        return {"lesson_id": item.assignment.lesson_id, "assignment_id": item.assignment_id,
                "learner_id": item.learner_id, "value": self.text(payload.get("value"))}

    def saved_id(self, change: dict, result) -> int | None:
        return db.session.scalar(select(Mark.id).where(Mark.assignment_id == result.assignment_id,
                                                       Mark.learner_id == change["learner_id"]))


class AttendanceApi(JournalCellApi):
    """Attendance by lesson. Written by the journal's service: POST ``{lesson,
    learner, code}`` (a code such as «ОТ», «УП», «Б»), PUT ``{code, version}``, DELETE."""

    resource_name = "attendance"
    class_permission_name = "Attendance"
    datamodel = interface(Attendance)
    list_columns = show_columns = ["id", "date", "learner.id", "lesson.id", "code.code", "comment", "version"]
    add_columns = ["learner", "lesson", "code"]
    edit_columns = ["code"]
    search_columns = ["learner", "lesson", "date"]
    kind = "attendance"
    value_field = "code"

    def new_change(self, payload: dict) -> dict:
        return {"lesson_id": self.found(Lesson, payload.get("lesson"), "lesson").id,
                "learner_id": self.found(Learner, payload.get("learner"), "learner").id,
                "value": self.text(payload.get("code")), "version": None}

    def changed(self, item: Attendance, payload: dict) -> dict:
        return {"lesson_id": item.lesson_id, "learner_id": item.learner_id, "value": self.text(payload.get("code"))}

    def saved_id(self, change: dict, result) -> int | None:
        return db.session.scalar(select(Attendance.id).where(Attendance.lesson_id == change["lesson_id"],
                                                             Attendance.learner_id == change["learner_id"]))


APIS = [LearnerApi, GroupApi, LessonApi, MarkApi, AttendanceApi]
