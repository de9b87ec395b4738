"""Tables of the school's curriculum and lesson plans (КТП)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped

# Kinds of work a plan topic may carry (None: an ordinary lesson).
WORK_TYPES = {
    "practical": "практическая",
    "laboratory": "лабораторная",
    "test": "контрольная",
}


class CurriculumEntry(OrgScoped, Model):
    """Учебный план: hours a week of one subject in one grade (параллель) in one year."""

    __tablename__ = "school_curriculum"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("year_id", "level", "subject_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    level: Mapped[int] = mapped_column(Integer, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    hours_per_week: Mapped[float] = mapped_column(Numeric(5, 2), nullable=False, default=0)

    year = relationship("AcademicYear")
    subject = relationship("Subject")

    def __str__(self):
        return f"{self.level} — {self.subject.name if self.subject else ''}"


class LessonPlan(OrgScoped, Model):
    """КТП of a subject in a class (or one of its subgroups) for a year."""

    __tablename__ = "school_lesson_plan"
    __scope__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("subgroup.id"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    updated_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    group = relationship("LearnerGroup")
    subgroup = relationship("Subgroup")
    subject = relationship("Subject")
    topics = relationship("PlanTopic", back_populates="plan", order_by="PlanTopic.position")


class PlanTopic(OrgScoped, Model):
    """One row of a КТП: its place, title, hours and kind of work."""

    __tablename__ = "school_plan_topic"
    __scope__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_lesson_plan.id"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    hours: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    work_type: Mapped[str | None] = mapped_column(String(20))  # a key of WORK_TYPES

    plan = relationship(LessonPlan, back_populates="topics")


class LessonTopicLink(OrgScoped, Model):
    """Which lesson got its topic from which plan, and the very text put there:
    a lesson whose topic no longer equals ``text`` was edited by hand and the
    plan never writes it again."""

    __tablename__ = "school_lesson_topic"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # A lesson removed by plain SQL (not through the ORM, where reflow.py lets go of it) takes its link along.
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True, nullable=False)
    plan_id: Mapped[int] = mapped_column(ForeignKey("school_lesson_plan.id"), index=True, nullable=False)
    plan_topic_id: Mapped[int | None] = mapped_column(ForeignKey("school_plan_topic.id"), index=True)
    text: Mapped[str] = mapped_column(String(500), nullable=False, default="")
