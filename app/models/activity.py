"""Activity of users: one counter per user, kind of action and day.

A login or a key action costs one UPDATE (or one INSERT the first time that
day); the monthly activity report sums these rows.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, OrgScoped

# Kinds of recorded actions; the report's columns follow this order.
ACTIVITY_KINDS = ("login", "marks", "attendance", "homework", "message", "announcement", "diary")


class ActivityDay(OrgScoped, Model):
    __tablename__ = "activity_day"
    __scope__ = "organisation"
    __table_args__ = (
        UniqueConstraint("account_id", "day", "kind"),
        Index("ix_activity_day_org_day", "org_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True, nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
