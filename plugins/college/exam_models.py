"""The tables of the examination session: exam sheets (экзаменационные ведомости), their
results, retakes (пересдачи) and the deadlines for liquidating academic debts.

A sheet belongs to a group, a discipline, the session it is held in and the semester
whose final marks it sets. Rows are never deleted by the service: a retake adds a row
and leaves the first result as it was (R16).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped, Versioned
from app.models.base import now

# Kinds of attestation (seed 003); the scale of each is in ``exams.scale_code``.
KINDS = {
    "exam": _l("Экзамен"),
    "diff_credit": _l("Дифференцированный зачёт"),
    "credit": _l("Зачёт"),
    "course_work": _l("Курсовая работа"),
    "qualification_exam": _l("Экзамен квалификационный"),
}

# What a student came out with, besides a mark.
MARK, ABSENT, NOT_ADMITTED = "mark", "absent", "not_admitted"
VALID, INVALID = "valid", "invalid"


class ExamSheet(OrgScoped, Versioned, Model):
    """Экзаменационная ведомость of one discipline for one group in one session.

    ``version`` guards the one form the examiner saves: two people filling the same
    sheet do not overwrite each other silently."""

    __tablename__ = "college_exam_sheet"
    __scope__ = "group"
    __audited__ = True
    __table_args__ = (UniqueConstraint("group_id", "subject_id", "period_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    session_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True, nullable=False)
    # The semester whose final marks the sheet sets.
    period_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    closed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    saved_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Why the учебная часть opened a closed sheet again; the audit log keeps who and when.
    reopen_reason: Mapped[str | None] = mapped_column(Text, default="")

    group = relationship("LearnerGroup")
    subject = relationship("Subject")
    session = relationship("Period", foreign_keys=[session_id])
    period = relationship("Period", foreign_keys=[period_id])
    examiner = relationship("Staff", foreign_keys=[examiner_id])

    def __str__(self):
        return f"{KINDS.get(self.kind, self.kind)} {self.date:%d.%m.%Y}"


class ExamResult(OrgScoped, Model):
    """A student's result on the sheet: a mark, «неявка» (with its reason) or «недопуск»."""

    __tablename__ = "college_exam_result"
    __scope__ = "learner"
    __audited__ = True
    __table_args__ = (UniqueConstraint("sheet_id", "learner_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("college_exam_sheet.id"), index=True, nullable=False)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    value: Mapped[str | None] = mapped_column(String(10), default="")
    absence_reason: Mapped[str | None] = mapped_column(String(10), default="")

    learner = relationship("Learner")


class ExamRetake(OrgScoped, Model):
    """Ведомость пересдачи of one student: its own date, examiner and, from the second
    retake on, the commission; its result is added beside the first one."""

    __tablename__ = "college_exam_retake"
    __scope__ = "learner"
    __audited__ = True
    __table_args__ = (UniqueConstraint("sheet_id", "learner_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("college_exam_sheet.id"), index=True, nullable=False)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    number: Mapped[int] = mapped_column(Integer, nullable=False)  # 1: the first retake
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    examiner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    commission: Mapped[str | None] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(20), default="")  # empty until the result is entered
    value: Mapped[str | None] = mapped_column(String(10), default="")
    absence_reason: Mapped[str | None] = mapped_column(String(10), default="")
    closed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now)

    sheet = relationship(ExamSheet)
    learner = relationship("Learner", foreign_keys=[learner_id])
    examiner = relationship("Staff", foreign_keys=[examiner_id])


class DebtDeadline(OrgScoped, Model):
    """The date the учебная часть set for liquidating the debts of one session; without
    it the deadline is the session's end plus the plugin's rule setting."""

    __tablename__ = "college_debt_deadline"
    __scope__ = "organisation"
    __audited__ = True
    __table_args__ = (UniqueConstraint("session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("period.id"), index=True, nullable=False)
    deadline: Mapped[dt.date] = mapped_column(Date, nullable=False)
