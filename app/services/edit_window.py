"""R1: current marks and attendance change only within N days of the lesson,
later only under a granted unlock."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from flask_babel import lazy_gettext as _l

from .. import clock
from ..exceptions import RuleError


def unlock_covers(unlock, group_id: int, subject_id: int | None, on: dt.date, now: dt.datetime) -> bool:
    return (
        unlock.status == "granted"
        and unlock.group_id == group_id
        and (unlock.subject_id is None or unlock.subject_id == subject_id)
        and unlock.date_from <= on <= unlock.date_to
        and (unlock.valid_until is None or now <= unlock.valid_until)
    )


def check_editable(lesson_date: dt.date, group_id: int, subject_id: int | None, window_days: int,
                   now: dt.datetime, unlocks: Iterable = ()) -> None:
    """Raise RuleError("R1") when the lesson is past the window and no unlock covers it.

    ``now`` is stored time (naive UTC); the window is counted in the organisation's days.
    """
    today = clock.local_from_utc(now).date()
    if lesson_date > today:
        raise RuleError("R1", _l("Урок %(date)s ещё не прошёл: отметки за него ставить рано.",
                                 date=lesson_date.strftime("%d.%m.%Y")))
    deadline = lesson_date + dt.timedelta(days=window_days)
    if today <= deadline:
        return
    if any(unlock_covers(u, group_id, subject_id, lesson_date, now) for u in unlocks):
        return
    raise RuleError("R1", _l(
        "Срок исправления истёк %(deadline)s (%(days)s дн. после урока). Запросите разблокировку у завуча.",
        deadline=deadline.strftime("%d.%m.%Y"), days=window_days))


def request_unlock(session, group_id: int, subject_id: int | None, date_from: str, date_to: str, reason: str,
                   user_id: int):
    from ..models import EditUnlock

    reason = (reason or "").strip()
    if not reason:
        raise RuleError("R1", _l("Укажите причину: без неё разблокировку не рассматривают."))
    try:
        start, end = dt.date.fromisoformat(date_from), dt.date.fromisoformat(date_to)
    except (TypeError, ValueError):
        raise RuleError("R1", _l("Укажите даты уроков, которые нужно исправить.")) from None
    if end < start:
        raise RuleError("R1", _l("Дата окончания раньше даты начала."))
    unlock = EditUnlock(group_id=group_id, subject_id=subject_id, date_from=start, date_to=end, reason=reason,
                        requested_by=user_id, status="requested")
    session.add(unlock)
    session.flush()
    return unlock


def decide_unlock(unlock, grant: bool, reason: str, user_id: int, now: dt.datetime, days_valid: int = 3) -> None:
    """A Завуч or Администратор grants (for a few days) or refuses, always with a reason."""
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("R1", _l("Решение о разблокировке принимается с указанием причины."))
    if unlock.status != "requested":
        raise RuleError("R1", _l("По этому запросу решение уже принято."))
    unlock.status = "granted" if grant else "refused"
    unlock.decided_by = user_id
    unlock.decision_reason = reason
    unlock.valid_until = now + dt.timedelta(days=days_valid) if grant else None
