"""Study periods of a group: the ones current marks are given in, and the one to show."""
from __future__ import annotations

from sqlalchemy import select

from .. import clock
from ..models import LearnerGroup, Period


def study_periods(session, host, group: LearnerGroup | None) -> list[Period]:
    """The non-final periods of the group's plugin in its year, in order."""
    if group is None:
        return []
    plugin = host.group_kinds[group.kind].plugin
    q = select(Period).where(Period.year_id == group.year_id, Period.plugin == plugin, Period.is_final.is_(False))
    # A plugin may say which types the group studies by (halves for grades 10–11 …).
    types = host.study_period_types(session, group)
    if types:
        q = q.where(Period.type_code.in_(types))
    return session.scalars(q.order_by(Period.order)).all()


def pick_period(periods: list[Period], period_id: int | None) -> Period | None:
    """The period asked for, else the one today falls in, else the last."""
    today = clock.today()
    return next((p for p in periods if p.id == period_id), None) or \
        next((p for p in periods if p.start <= today <= p.end), None) or (periods[-1] if periods else None)
