"""The class journal: lessons, assignments, marks, attendance and final marks."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, Timestamped, Versioned


class Lesson(OrgScoped, Versioned, Model):
    """Урок / занятие of a group or subgroup."""

    __tablename__ = "lesson"
    __scope__ = "group"
    __table_args__ = (
        Index("ix_lesson_group_date", "group_id", "date"),
        # Most lessons have no substitute: a full index would be mostly NULLs (migration 0021).
        Index("ix_lesson_substitute_id", "substitute_id", sqlite_where=text("substitute_id IS NOT NULL"),
              postgresql_where=text("substitute_id IS NOT NULL")),
    )
    # Lessons are made in bulk from the timetable; what the log keeps is every
    # change to one (date, teacher, substitute, topic) and every removal.
    __audited__ = ("update", "delete")

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("subgroup.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    number: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    topic: Mapped[str] = mapped_column(String(500), nullable=False, default="")
    topic_entered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    distance: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    # Distance format (seed 004): the platform and the time of the online session.
    distance_platform: Mapped[str | None] = mapped_column(String(200))
    distance_time: Mapped[str | None] = mapped_column(String(50))

    group = relationship("LearnerGroup")
    subgroup = relationship("Subgroup")
    subject = relationship("Subject")
    teacher = relationship("Staff", foreign_keys=[teacher_id])
    substitute = relationship("Staff", foreign_keys=[substitute_id])
    assignments = relationship("Assignment", back_populates="lesson")

    def __str__(self):
        return f"{self.date:%d.%m.%Y} №{self.number} {self.subject.name if self.subject else ''}"


class AssignmentType(OrgScoped, Model):
    """Вид работы with its default weight: an editable list per organisation."""

    __tablename__ = "assignment_type"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    weight: Mapped[float] = mapped_column(Numeric(4, 2), nullable=False, default=1)

    def __str__(self):
        return self.name


class Assignment(OrgScoped, Model):
    """Задание: one kind of work on a lesson; marks are given for it."""

    __tablename__ = "assignment"
    __scope__ = "custom"
    __table_args__ = (UniqueConstraint("default_of", name="uq_assignment_default_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True, nullable=False)
    type_id: Mapped[int] = mapped_column(ForeignKey("assignment_type.id"), index=True, nullable=False)
    weight: Mapped[float] = mapped_column(Numeric(4, 2), nullable=False, default=1)
    title: Mapped[str | None] = mapped_column(String(300), default="")
    # The lesson's id on the assignment its first mark created, else empty. Unique:
    # when two teachers put the first mark of a lesson at once, one assignment is
    # made and the other save is told of the conflict.
    default_of: Mapped[int | None] = mapped_column(Integer)

    lesson = relationship(Lesson, back_populates="assignments")
    type = relationship(AssignmentType)

    def __str__(self):
        return self.title or (self.type.name if self.type else "")


def mark_text(value: str, debt: bool) -> str:
    """A mark as shown: its value, or «.» for a debt without one (pages reading the
    columns, not the entity, show it so too)."""
    return "." if debt and not value else value


class Mark(OrgScoped, Versioned, Timestamped, Model):
    """Отметка: a learner's mark for an assignment; ``is_debt`` is the «точка»."""

    __tablename__ = "mark"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("assignment_id", "learner_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), index=True, nullable=False)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    value: Mapped[str] = mapped_column(String(10), nullable=False, default="")
    is_debt: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    comment: Mapped[str | None] = mapped_column(String(500), default="")

    assignment = relationship(Assignment)
    learner = relationship("Learner")

    def __str__(self):
        return mark_text(self.value, self.is_debt)


# Categories reports count attendance by; the letters shown come from AttendanceCode.
ATTENDANCE_CATEGORIES = {
    "unknown": "Причина не известна",
    "illness": "По болезни",
    "excused": "По уважительной причине",
    "unexcused": "Без уважительной причины",
    "late": "Опоздание",
    "exempt": "Освобождён",
}


class AttendanceCode(OrgScoped, Model):
    """A letter of the attendance reference table (ОТ, ОП, УП, Б, ОСВ, НП …)."""

    __tablename__ = "attendance_code"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    category: Mapped[str] = mapped_column(String(20), nullable=False)

    def __str__(self):
        return self.code


class Attendance(OrgScoped, Versioned, Timestamped, Model):
    """Посещаемость: learner × lesson (school, college) or learner × day (preschool)."""

    __tablename__ = "attendance"
    __scope__ = "learner"
    __table_args__ = (
        UniqueConstraint("learner_id", "lesson_id"),
        Index("ix_attendance_learner_date", "learner_id", "date"),
    )
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    code_id: Mapped[int] = mapped_column(ForeignKey("attendance_code.id"), index=True, nullable=False)
    comment: Mapped[str | None] = mapped_column(Text, default="")

    learner = relationship("Learner")
    lesson = relationship(Lesson)
    code = relationship(AttendanceCode)

    def __str__(self):
        return self.code.code if self.code else ""


class FinalMark(OrgScoped, Versioned, Timestamped, Model):
    """Итоговая отметка for a subject and period; never «н/а» (rule R3)."""

    __tablename__ = "final_mark"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("learner_id", "subject_id", "period_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True, nullable=False)
    value: Mapped[str] = mapped_column(String(10), nullable=False)

    learner = relationship("Learner")
    subject = relationship("Subject")
    period = relationship("Period")
