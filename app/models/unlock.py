"""Разблокировка журнала: leave to change marks and attendance after the edit window (R1)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, Timestamped

UNLOCK_STATUSES = {"requested": "Запрошена", "granted": "Разрешена", "refused": "Отклонена"}


class EditUnlock(OrgScoped, Timestamped, Model):
    """A teacher asks, a Завуч or Администратор grants or refuses, with a reason."""

    __tablename__ = "edit_unlock"
    __scope__ = "group"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), index=True)
    date_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    date_to: Mapped[dt.date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    requested_by: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="requested")
    decided_by: Mapped[int | None] = mapped_column(Integer)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    valid_until: Mapped[dt.datetime | None] = mapped_column(DateTime)

    group = relationship("LearnerGroup")
    subject = relationship("Subject")


class Substitution(OrgScoped, Timestamped, Model):
    """Журнал замещений (R15): who replaced whom on which lesson, and why."""

    __tablename__ = "substitution"
    __scope__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True, nullable=False)
    absent_teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    substitute_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    created_by: Mapped[int | None] = mapped_column(Integer)

    lesson = relationship("Lesson")
    absent_teacher = relationship("Staff", foreign_keys=[absent_teacher_id])
    substitute = relationship("Staff", foreign_keys=[substitute_id])
