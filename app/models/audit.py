"""Журнал изменений: who changed what, when, from which value to which."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, now


class AuditEntry(Model):
    """One change of one row. Written in the transaction of the change; never edited."""

    __tablename__ = "audit_entry"
    __scope__ = "custom"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: users may go, entries stay
    username: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    entity: Mapped[str] = mapped_column(String(60), nullable=False)
    entity_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(10), nullable=False)  # insert, update, delete
    old: Mapped[dict | None] = mapped_column(JSON)
    new: Mapped[dict | None] = mapped_column(JSON)
