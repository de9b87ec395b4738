"""Доска объявлений: an announcement, its audience and its display period."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, OrgScoped, now

# Who an announcement is for (seed 002: «для учащихся, родителей и педагогов»).
AUDIENCES = ("all", "staff", "parents", "learners", "groups")


class Announcement(OrgScoped, Model):
    """An announcement shown on the home page and in the diary of its audience,
    from ``shown_from`` to ``shown_to`` inclusive. ``groups``: the learners of the
    chosen groups and their parents."""

    __tablename__ = "announcement"
    __scope__ = "organisation"
    __table_args__ = (Index("ix_announcement_org_shown", "org_id", "shown_to", "shown_from"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False, default="")
    audience: Mapped[str] = mapped_column(String(20), nullable=False, default="all")
    shown_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    shown_to: Mapped[dt.date] = mapped_column(Date, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)

    groups = relationship("AnnouncementGroup", back_populates="announcement", cascade="all, delete-orphan")

    def __str__(self):
        return self.title


class AnnouncementGroup(OrgScoped, Model):
    """A group an announcement of audience «groups» is addressed to."""

    __tablename__ = "announcement_group"
    __scope__ = "group"
    __table_args__ = (UniqueConstraint("announcement_id", "group_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcement.id"), index=True, nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)

    announcement = relationship(Announcement, back_populates="groups")
    group = relationship("LearnerGroup")
