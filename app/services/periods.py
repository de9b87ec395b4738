"""Study periods of a group: the ones current marks are given in, and the one to show."""
from __future__ import annotations

from .. import clock, reference
from ..models import LearnerGroup, Period


def study_periods(session, host, group: LearnerGroup | None) -> list[Period]:
    """The non-final periods of the group's plugin in its year, in order."""
    if group is None:
        return []
    plugin = host.group_kinds[group.kind].plugin
    # A plugin may say which types the group studies by (halves for grades 10–11 …).
    types = host.study_period_types(session, group)
    return sorted((p for p in reference.rows(session, Period, group.org_id)
                   if p.year_id == group.year_id and p.plugin == plugin and not p.is_final
                   and (not types or p.type_code in types)), key=lambda p: p.order)


def pick_period(periods: list[Period], period_id: int | None) -> Period | None:
    """The period asked for, else the one today falls in, else the last."""
    today = clock.today()
    return next((p for p in periods if p.id == period_id), None) or \
        next((p for p in periods if p.start <= today <= p.end), None) or (periods[-1] if periods else None)
