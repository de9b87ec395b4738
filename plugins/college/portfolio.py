"""Педагогическое портфолио преподавателя (seed 003, 3.4.5): its entries by section and
the days it was corrected.

The regulation asks the преподаватель to correct the portfolio «не реже двух раз в
семестр»: a correction is a day on which the portfolio changed, however many entries
changed that day, hence ``PortfolioUpdate`` (one row per teacher and day) besides
the entries themselves. Every write goes through ``portfolio_service``; the mapper
guard below refuses, at the flush, a row of someone else's portfolio written by
anyone but the Администратор (or the system).
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped
from app.models.base import now

# The sections of the portfolio, in the order the page shows them.
SECTIONS = {
    "education": _l("Образование"),
    "courses": _l("Курсы повышения квалификации"),
    "retraining": _l("Профессиональная переподготовка"),
    "methodical": _l("Научная и методическая работа"),
    "achievements": _l("Достижения"),
}
# Sections whose entries are usually counted in hours (an удостоверение names them).
HOURS_SECTIONS = ("courses", "retraining")


class PortfolioEntry(OrgScoped, Model):
    """A line of a teacher's portfolio: what (``title``, ``description``), when
    (``date``: of the diploma, certificate, event), and for courses: hours, who taught
    (``issuer``) and the document's number."""

    __tablename__ = "college_portfolio_entry"
    __scope__ = "organisation"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    section: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str | None] = mapped_column(Text, default="")
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    hours: Mapped[int | None] = mapped_column(Integer)
    issuer: Mapped[str | None] = mapped_column(String(300), default="")
    document: Mapped[str | None] = mapped_column(String(100), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)

    staff = relationship("Staff")

    def __str__(self):
        return f"{self.title} ({self.date:%d.%m.%Y})"


class PortfolioUpdate(OrgScoped, Model):
    """A day on which a teacher's portfolio changed; ``at``: the last change of that day."""

    __tablename__ = "college_portfolio_update"
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("staff_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)


def _is_administrator(connection, user_id: int) -> bool:
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role
    from sqlalchemy import select

    from app.roles import ADMINISTRATOR

    statement = (select(Role.__table__.c.id).select_from(assoc_user_role.join(
        Role.__table__, Role.__table__.c.id == assoc_user_role.c.role_id))
        .where(assoc_user_role.c.user_id == user_id, Role.__table__.c.name == ADMINISTRATOR))
    return connection.execute(statement).first() is not None


def _guard(mapper, connection, row) -> None:
    """Below every page: a teacher's portfolio is written by the teacher himself, by
    the Администратор of his organisation (the core's guard keeps the organisation),
    or by the system; anyone else is refused, whatever rights he was given."""
    from app.scoping import current_scope

    scope = current_scope()
    if scope is None or scope.is_system:
        return
    if scope.person_id is not None and scope.person_id == row.staff_id:
        return
    if scope.user_id is not None and _is_administrator(connection, scope.user_id):
        return
    from app.exceptions import ScopeError

    raise ScopeError(str(_l("Портфолио ведёт сам преподаватель: изменять чужое портфолио нельзя.")))


for _model in (PortfolioEntry, PortfolioUpdate):
    for _event in ("before_insert", "before_update", "before_delete"):
        event.listen(_model, _event, _guard)
