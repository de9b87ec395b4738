"""Родительская плата: the authority's daily norms and the children's discounts.

``FeeNorm`` is the authority's (орган управления образованием), not an organisation's:
the core's read filter does not cut it, so every read goes through
``charges.visible_norms`` and every write through ``charges``; the mapper guard
below refuses, at the flush, a norm written by anyone but the authority's officer
(for his own authority) or the system. ``FeeDiscount`` is a child's row
(``__scope__ = "learner"``): the core cuts and guards it like every learner's row.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, ForeignKey, Numeric, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped

# Why a child pays less (or nothing): the grounds the authorities' acts name.
REASONS = {
    "large_family": _l("Многодетная семья"),
    "disabled_child": _l("Ребёнок-инвалид"),
    "orphan": _l("Ребёнок-сирота или оставшийся без попечения родителей"),
    "svo": _l("Родитель — участник СВО"),
    "staff": _l("Родитель — сотрудник организации"),
    "other": _l("Иное основание"),
}


class FeeNorm(Model):
    """Норматив родительской платы: the authority's daily rate for one kind of group
    (``models.GROUP_TYPES``), from ``valid_from`` to ``valid_to`` (None: until further
    notice). Norms of one authority and kind never overlap (``charges.add_norm``)."""

    __tablename__ = "preschool_fee_norm"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    authority_id: Mapped[int] = mapped_column(ForeignKey("authority.id"), index=True, nullable=False)
    group_type: Mapped[str] = mapped_column(String(20), nullable=False)
    daily_rate: Mapped[Decimal] = mapped_column(Numeric(10, 2), nullable=False)  # roubles a day
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)

    authority = relationship("Authority")

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def __str__(self):
        return f"{self.group_type} {self.daily_rate} ({self.valid_from:%d.%m.%Y})"


class FeeDiscount(OrgScoped, Model):
    """Льгота по родительской плате: a child pays ``percent`` less from ``starts`` to
    ``ends`` (None: until further notice); 100 is a full exemption (освобождение).
    A child's discounts never overlap (``charges.add_discount``)."""

    __tablename__ = "preschool_fee_discount"
    __scope__ = "learner"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    percent: Mapped[Decimal] = mapped_column(Numeric(5, 2), nullable=False)
    reason: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(Text, default="")
    starts: Mapped[dt.date] = mapped_column(Date, nullable=False)
    ends: Mapped[dt.date | None] = mapped_column(Date)

    learner = relationship("Learner")

    def covers(self, day: dt.date) -> bool:
        return self.starts <= day and (self.ends is None or day <= self.ends)

    def __str__(self):
        return f"{self.percent} % ({self.starts:%d.%m.%Y})"


def _guard_norm(mapper, connection, norm: FeeNorm) -> None:
    """Below every page: a norm is written by the system, by headless runs, or by an
    officer of its own authority (whose scope is the authority); anyone else is refused."""
    from app.scoping import current_scope

    from .charges import norm_writer_authority

    scope = current_scope()
    if scope is None or scope.is_system:
        return
    if norm_writer_authority(scope, connection) != norm.authority_id:
        from app.exceptions import ScopeError

        raise ScopeError(str(_l("Нормативы родительской платы устанавливает орган управления образованием.")))


for _event in ("before_insert", "before_update", "before_delete"):
    event.listen(FeeNorm, _event, _guard_norm)
