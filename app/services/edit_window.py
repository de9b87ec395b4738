"""R1: current marks and attendance change only within N days of the lesson,
later only under a granted unlock."""
from __future__ import annotations

import datetime as dt
from typing import Iterable

from flask_babel import lazy_gettext as _l

from .marks import RuleError


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
    """Raise RuleError("R1") when the lesson is past the window and no unlock covers it."""
    if lesson_date > now.date():
        raise RuleError("R1", _l("Урок %(date)s ещё не прошёл: отметки за него ставить рано.",
                                 date=lesson_date.strftime("%d.%m.%Y")))
    deadline = lesson_date + dt.timedelta(days=window_days)
    if now.date() <= deadline:
        return
    if any(unlock_covers(u, group_id, subject_id, lesson_date, now) for u in unlocks):
        return
    raise RuleError("R1", _l(
        "Срок исправления истёк %(deadline)s (%(days)s дн. после урока). Запросите разблокировку у завуча.",
        deadline=deadline.strftime("%d.%m.%Y"), days=window_days))
