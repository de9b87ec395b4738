"""The tables of the session timetable: the consultations before the exams, and the hours
and rooms of the exams themselves (an exam sheet carries only its day and examiner).

Both hang on an exam sheet: a consultation prepares for one exam, and the sheet says
whose group, discipline and session it is.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped


class Consultation(OrgScoped, Model):
    """A consultation before an exam: its day, hours, room and teacher."""

    __tablename__ = "college_consultation"
    __scope__ = "group"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("college_exam_sheet.id"), index=True, nullable=False)
    # The sheet's group, kept on the row so that a student's or a curator's reach cuts it.
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    starts: Mapped[str] = mapped_column(String(5), nullable=False)  # «10:00», as the core's bells
    ends: Mapped[str] = mapped_column(String(5), nullable=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("school_room.id"), index=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)

    sheet = relationship("ExamSheet")
    room = relationship("Room")
    teacher = relationship("Staff", foreign_keys=[teacher_id])


class ExamTime(OrgScoped, Model):
    """The hours and the room of the exam of one sheet (its day and examiner are the sheet's)."""

    __tablename__ = "college_exam_time"
    __scope__ = "group"
    __audited__ = True
    __table_args__ = (UniqueConstraint("sheet_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sheet_id: Mapped[int] = mapped_column(ForeignKey("college_exam_sheet.id"), index=True, nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    starts: Mapped[str] = mapped_column(String(5), nullable=False)
    ends: Mapped[str] = mapped_column(String(5), nullable=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("school_room.id"), index=True)

    sheet = relationship("ExamSheet")
    room = relationship("Room")
