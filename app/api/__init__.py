"""The REST API (``/api/v1/<resource>/``, OpenAPI at ``/api/v1/_openapi``).

Every resource here passes the same scoping as the pages: a foreign id in a
payload is refused with 422 and a Russian message.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import db
from ..models import Assignment, Attendance, FinalMark, Learner, LearnerGroup, Lesson, Mark, Period, Subject
from ..services.journal import save_finals
from ..views.base import EjournalRestApi, interface
from ..views.catalog import LessonRecordRules
from .journal import JournalCellApi, _Refused


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
        assignment_id = result.assignment_id or change.get("assignment_id")  # a refused POST: the one asked
        return db.session.scalar(select(Mark.id).where(Mark.assignment_id == assignment_id,
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


class FinalMarkApi(JournalCellApi):
    """Final marks of a period. Written by the journal's service, as in the grid's
    final column: POST ``{learner, subject, period, value}``, PUT ``{value, version}``,
    DELETE. The scale is the period's final scale (a college's зачёт: «зч» / «нз»);
    «н/а» is never a final mark; a teacher writes only the subjects he teaches in
    the learner's group. A late mark is saved with a ``warning`` (R4)."""

    resource_name = "finals"
    class_permission_name = "FinalMarks"
    datamodel = interface(FinalMark)
    list_columns = show_columns = ["id", "learner.id", "subject.id", "period.id", "value", "version"]
    add_columns = ["learner", "subject", "period", "value"]
    edit_columns = ["value"]
    search_columns = ["learner", "subject", "period", "value"]
    kind = "final"
    service = staticmethod(save_finals)

    @staticmethod
    def _group_of(learner: Learner) -> int:
        # The learner's present group: the one whose final marks the service lets him have.
        if learner.group_id is None:
            raise _Refused("learner", _l("Обучающийся не состоит ни в классе, ни в группе."))
        return learner.group_id

    def new_change(self, payload: dict) -> dict:
        learner = self.found(Learner, payload.get("learner"), "learner")
        return {"group_id": self._group_of(learner), "learner_id": learner.id,
                "subject_id": self.found(Subject, payload.get("subject"), "subject").id,
                "period_id": self.found(Period, payload.get("period"), "period").id,
                "value": self._new_value(payload), "version": None}

    @classmethod
    def _new_value(cls, payload: dict) -> str:
        # An empty final mark is no mark to create: a present one is removed by DELETE.
        value = cls.text(payload.get("value"))
        if not value.strip():
            raise _Refused("value", _l("Укажите итоговую отметку."))
        return value

    def changed(self, item: FinalMark, payload: dict) -> dict:
        return {"group_id": self._group_of(item.learner), "learner_id": item.learner_id,
                "subject_id": item.subject_id, "period_id": item.period_id, "value": self.text(payload.get("value"))}

    def saved_id(self, change: dict, result) -> int | None:
        return db.session.scalar(select(FinalMark.id).where(FinalMark.learner_id == change["learner_id"],
                                                            FinalMark.subject_id == change["subject_id"],
                                                            FinalMark.period_id == change["period_id"]))


APIS = [LearnerApi, GroupApi, LessonApi, MarkApi, AttendanceApi, FinalMarkApi]
