"""Домашнее задание: general for the lesson's group, or individual for one learner."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, now


class Homework(OrgScoped, Model):
    __tablename__ = "homework"
    __scope__ = "custom"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True, nullable=False)
    learner_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)  # None: the whole group
    text: Mapped[str] = mapped_column(Text, nullable=False)
    due_date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)
    # When it was entered: R7 (the lesson's day, an hour after the last lesson) is reported on.
    entered_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)

    lesson = relationship("Lesson")
    learner = relationship("Learner")


class HomeworkAttachment(OrgScoped, Model):
    """A file given with homework, kept on disk under a random name."""

    __tablename__ = "homework_attachment"
    __scope__ = "custom"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    homework_id: Mapped[int] = mapped_column(ForeignKey("homework.id"), index=True, nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size: Mapped[int] = mapped_column(Integer, nullable=False)

    homework = relationship(Homework, backref="attachments")
