"""Shared pieces of every model: the tenant column and optimistic versions."""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import DateTime, ForeignKey, Integer, func
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .. import clock


class OrgScoped:
    """A row that belongs to one organisation.

    Every SELECT of a subclass is cut to the organisations of the current user
    (``app.scoping``), and every write is checked against them. ``__scope__``
    says how far further its rows are cut: ``"organisation"``, ``"group"``
    (``group_id``), ``"learner"`` (``learner_id``) or ``"custom"``
    (``app.scoping.declarations``); a model with a ``learner_id`` or a
    ``group_id`` must declare it. ``__audited__`` makes the audit log record
    the row's changes.
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
    return clock.now()


class Timestamped:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=now, server_default=func.now())


__all__ = ["Model", "OrgScoped", "Versioned", "Timestamped", "now"]
