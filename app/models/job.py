"""Задания: long work done in the background (a large report, an e-mail) and its result.

A job belongs to the account that asked for it; only that account sees it
(``app.views.jobs``). A report's file lies in the jobs folder until ``expires_at``.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, now

JOB_KINDS = ("report", "mail", "archive")
JOB_STATUSES = ("queued", "running", "done", "failed")


class Job(Model):
    __tablename__ = "job"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a uuid: not guessable
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ab_user.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    params: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    progress: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    message: Mapped[str | None] = mapped_column(Text)  # why it failed, in Russian
    file_path: Mapped[str | None] = mapped_column(String(500))
    file_name: Mapped[str | None] = mapped_column(String(200))
    mime: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime, index=True)
    downloaded_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
