"""Согласие на обработку персональных данных (seed 002): recorded per person
before an account is issued; withdrawing it closes the person's account."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped

SIGNED_BY_SELF = "self"
SIGNED_BY_GUARDIAN = "guardian"


class Consent(OrgScoped, Model):
    """One signed consent: for whom (``person``), who signed (the person himself
    or a guardian, ``guardian`` when he is in the base, ``signer_name`` as written
    on the paper), when, what it covers, the paper's reference, and the date it
    was withdrawn (None while in force)."""

    __tablename__ = "consent"
    __scope__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    signed_by: Mapped[str] = mapped_column(String(10), nullable=False, default=SIGNED_BY_SELF)
    guardian_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    signer_name: Mapped[str | None] = mapped_column(String(300), default="")
    signed_on: Mapped[dt.date] = mapped_column(Date, nullable=False)
    scope: Mapped[str] = mapped_column(Text, nullable=False, default="")
    document_ref: Mapped[str | None] = mapped_column(String(100), default="")
    withdrawn_on: Mapped[dt.date | None] = mapped_column(Date)

    person = relationship("Person", foreign_keys=[person_id])
    guardian = relationship("Person", foreign_keys=[guardian_id])

    def in_force(self, day: dt.date) -> bool:
        return self.signed_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)

    def __str__(self):
        return f"{self.document_ref or '—'} от {self.signed_on:%d.%m.%Y}"
