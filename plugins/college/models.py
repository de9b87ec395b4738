"""Entities of the college: специальности and the groups trained in them."""
from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped


class Specialty(OrgScoped, Model):
    """Специальность СПО (code by ФГОС, name, qualification)."""

    __tablename__ = "college_specialty"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), nullable=False)  # «38.02.01»
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    qualification: Mapped[str] = mapped_column(String(120), nullable=False, default="")

    def __str__(self):
        return f"{self.code} {self.name}"


class GroupSpecialty(OrgScoped, Model):
    """Which specialty a study group is trained in."""

    __tablename__ = "college_group_specialty"
    __scope__ = "group"
    __table_args__ = (UniqueConstraint("group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    specialty_id: Mapped[int] = mapped_column(ForeignKey("college_specialty.id"), index=True, nullable=False)

    group = relationship("LearnerGroup")
    specialty = relationship(Specialty)
