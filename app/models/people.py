"""People of an organisation: staff, learners, guardians and the links between them."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped


def short_name(last: str | None, first: str | None, middle: str | None) -> str:
    """«Иванова А. П.»: the surname and initials, spaced as Russian typography wants."""
    initials = " ".join(f"{p[0]}." for p in (first, middle) if p)
    return f"{last or ''} {initials}".strip()

class Person(OrgScoped, Model):
    """Личная карточка: the personal data every kind of person shares.

    The medical and psycho-social parts of a card are kept apart, with their own
    permissions (a later issue); nothing here is restricted beyond the organisation.
    """

    __tablename__ = "person"
    __scope__ = "custom"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, index=True)
    last_name: Mapped[str] = mapped_column(String(100), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    middle_name: Mapped[str | None] = mapped_column(String(100), default="")
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    gender: Mapped[str | None] = mapped_column(String(1), default="")
    phone: Mapped[str | None] = mapped_column(String(40), default="")
    email: Mapped[str | None] = mapped_column(String(200), default="")
    # СНИЛС «123-456-789 64» (checked by its control number on import: app/imports/learners.py).
    snils: Mapped[str | None] = mapped_column(String(14), index=True)

    __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "person"}

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def short_name(self) -> str:
        return short_name(self.last_name, self.first_name, self.middle_name)

    def __str__(self):
        return self.full_name


class Staff(Person):
    """Сотрудник: teacher, director, secretary …; roles come from the user account."""

    __mapper_args__ = {"polymorphic_identity": "staff"}

    position: Mapped[str | None] = mapped_column(String(120))
    hired_on: Mapped[dt.date | None] = mapped_column(Date)


class Learner(Person):
    """Обучающийся / воспитанник / студент."""

    __mapper_args__ = {"polymorphic_identity": "learner"}

    group_id: Mapped[int | None] = mapped_column(ForeignKey("learner_group.id"), index=True)
    enrolled_on: Mapped[dt.date | None] = mapped_column(Date)
    left_on: Mapped[dt.date | None] = mapped_column(Date)

    group = relationship("LearnerGroup", back_populates="learners", foreign_keys=[group_id])
    guardian_links = relationship("GuardianLink", back_populates="learner", foreign_keys="GuardianLink.learner_id")


class Guardian(Person):
    """Законный представитель."""

    __mapper_args__ = {"polymorphic_identity": "guardian"}

    child_links = relationship("GuardianLink", back_populates="guardian", foreign_keys="GuardianLink.guardian_id")


class GuardianLink(OrgScoped, Model):
    """A guardian's right to see one learner: a parent sees only linked children."""

    __tablename__ = "guardian_link"
    __scope__ = "learner"
    __table_args__ = (UniqueConstraint("guardian_id", "learner_id"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    guardian_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    relation: Mapped[str | None] = mapped_column(String(40), default="")  # мать, отец, опекун

    guardian = relationship(Guardian, back_populates="child_links", foreign_keys=[guardian_id])
    learner = relationship(Learner, back_populates="guardian_links", foreign_keys=[learner_id])

    def __str__(self):
        return f"{self.guardian} → {self.learner}"
