"""Shared pieces of every model: the tenant column and optimistic versions."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column


class OrgScoped:
    """A row that belongs to one organisation.

    Every SELECT of a subclass is cut to the organisations of the current user
    (``app.scoping``), and every write is checked against them. ``__audited__``
    makes the audit log record the row's changes.
    """

    __audited__ = False

    @declared_attr
    def org_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisation.id"), index=True, nullable=False)


class Versioned:
    """Optimistic locking: a concurrent save of a stale row fails instead of overwriting."""

    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}


def now() -> dt.datetime:
    """Times are stored as naive UTC; pages show them in EJOURNAL_TIMEZONE (Flask-Babel)."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def utc_from_local(value: dt.datetime) -> dt.datetime:
    """A wall-clock time of the organisation (bells, a lesson's day) as stored: naive UTC."""
    from zoneinfo import ZoneInfo

    from flask import current_app, has_app_context

    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Europe/Moscow") if has_app_context() else "Europe/Moscow"
    return value.replace(tzinfo=ZoneInfo(name)).astimezone(dt.timezone.utc).replace(tzinfo=None)


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, server_default=func.now())


__all__ = ["Model", "OrgScoped", "Versioned", "Timestamped", "now"]
