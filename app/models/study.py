"""The frame of study: years, periods, groups, subgroups, subjects, teaching load."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped


class AcademicYear(OrgScoped, Model):
    """Учебный год."""

    __tablename__ = "academic_year"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(20), nullable=False)  # «2026/2027»
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    closed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    organisation = relationship("Organisation")
    periods = relationship("Period", back_populates="year", order_by="Period.order")

    def __str__(self):
        return self.name


class Period(OrgScoped, Model):
    """Учебный период: четверть, полугодие, триместр, семестр, месяц, or a final one."""

    __tablename__ = "period"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    plugin: Mapped[str] = mapped_column(String(40), nullable=False)
    type_code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(80), nullable=False)
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    is_final: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    year = relationship(AcademicYear, back_populates="periods")

    def __str__(self):
        return self.name


class Subject(OrgScoped, Model):
    """Предмет / дисциплина / МДК, always by its full name (rule R8)."""

    __tablename__ = "subject"
    __scope__ = "organisation"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    plugin: Mapped[str] = mapped_column(String(40), nullable=False)  # whose subject: a plugin's code

    def __str__(self):
        return self.name


class LearnerGroup(OrgScoped, Model):
    """Класс, дошкольная группа or учебная группа; its kind comes from a plugin."""

    __tablename__ = "learner_group"
    __scope__ = "custom"
    __table_args__ = (UniqueConstraint("org_id", "year_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)  # GroupKind.code
    name: Mapped[str] = mapped_column(String(40), nullable=False)  # «5А», «ЭК-21»
    level: Mapped[int] = mapped_column(Integer, nullable=False, default=1)  # grade or course
    # person.group_id points back here: this side is created after both tables.
    leader_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", use_alter=True, name="fk_learner_group_leader_id_person"), index=True
    )

    year = relationship(AcademicYear)
    leader = relationship("Staff", foreign_keys=[leader_id])
    learners = relationship("Learner", back_populates="group", foreign_keys="Learner.group_id")
    subgroups = relationship("Subgroup", back_populates="group")

    def __str__(self):
        return self.name


class Subgroup(OrgScoped, Model):
    """Подгруппа: a split of a group for one subject."""

    __tablename__ = "subgroup"
    __scope__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), index=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)

    group = relationship(LearnerGroup, back_populates="subgroups")
    subject = relationship(Subject)
    members = relationship("SubgroupMember", back_populates="subgroup")

    def __str__(self):
        return f"{self.group.name if self.group else ''} · {self.name}"


class SubgroupMember(OrgScoped, Model):
    __tablename__ = "subgroup_member"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("subgroup_id", "learner_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    subgroup_id: Mapped[int] = mapped_column(ForeignKey("subgroup.id"), index=True, nullable=False)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    # Membership dates (R9: a move takes effect the day after a period ends); None: open.
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    subgroup = relationship(Subgroup, back_populates="members")
    learner = relationship("Learner")


class TeachingAssignment(OrgScoped, Model):
    """Педагогическая нагрузка: teacher × subject × group (or subgroup) × year."""

    __tablename__ = "teaching_assignment"
    __scope__ = "group"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("subgroup.id"), index=True)
    hours_per_week: Mapped[float] = mapped_column(Numeric(5, 2), nullable=False, default=0)

    year = relationship(AcademicYear)
    teacher = relationship("Staff")
    subject = relationship(Subject)
    group = relationship(LearnerGroup)
    subgroup = relationship(Subgroup)
