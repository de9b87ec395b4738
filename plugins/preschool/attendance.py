"""The воспитатель's day of attendance: load a group's day, save the whole day at once.

A day is *taken* when its ``AttendanceDay`` row exists; absences are the core's
``Attendance`` rows (learner × date, no lesson) with a code of the organisation's
table; a child of a taken day without such a row was present. Every refusal is a
``RuleError`` raised before anything is written.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.exceptions import RuleError
from app.extensions import current_host
from app.models import Attendance, AttendanceCode, EditUnlock, Learner, LearnerGroup, Organisation
from app.services.edit_window import check_editable

from . import name
from .models import AttendanceDay
from .regime import group_calendar

# «Опоздание» is no absence for a whole day: the child came.
NOT_A_DAY_ABSENCE = ("late",)
CONFLICT = _l("Посещаемость за этот день уже сохранил другой пользователь. Обновите страницу: "
              "ваши изменения не сохранены.")


@dataclass
class DaySheet:
    """What the page shows of one group's day."""

    group: LearnerGroup
    day: dt.date
    learners: list = field(default_factory=list)
    absences: dict[int, int] = field(default_factory=dict)  # learner id → code id
    taken: AttendanceDay | None = None
    codes: list = field(default_factory=list)  # the codes a day's absence may take
    closed: str = ""  # why the day takes no attendance (weekend, holiday, outside the year)
    previous: dt.date | None = None  # the working days around it
    next: dt.date | None = None
    regime: str = ""  # «Пн–Пт, 07:00–19:00»

    @property
    def version(self) -> int:
        """The version the page saw: 0 when the day was not taken yet."""
        return self.taken.version if self.taken is not None else 0


def preschool_kinds(host=None) -> set[str]:
    host = host or current_host()
    return {code for code, kind in host.group_kinds.items() if kind.plugin == name}


def attendance_groups(session) -> list[LearnerGroup]:
    """The preschool groups whose attendance the user keeps: the core's rule of the
    «Посещаемость за день» (a leader his own groups, an organisation-wide role every
    group, open years only), cut to the preschool's kind of group."""
    from app.scoping import current_scope
    from app.services.attendance import kept_groups

    kinds = preschool_kinds()
    return [g for g in kept_groups(session, current_scope()) if g.kind in kinds]


def day_codes(session, group: LearnerGroup) -> list[AttendanceCode]:
    """The organisation's codes a day's absence may take, the «unknown reason» first."""
    codes = session.scalars(select(AttendanceCode).where(AttendanceCode.org_id == group.org_id,
                                                         AttendanceCode.category.not_in(NOT_A_DAY_ABSENCE))
                            .order_by(AttendanceCode.code)).all()
    return sorted(codes, key=lambda c: c.category != "unknown")


def _learners(session, group: LearnerGroup, day: dt.date) -> list[Learner]:
    return list(session.scalars(
        select(Learner).where(Learner.group_id == group.id, or_(Learner.left_on.is_(None), Learner.left_on >= day))
        .order_by(Learner.last_name, Learner.first_name, Learner.id)))


def _rows(session, learner_ids, day: dt.date) -> dict[int, Attendance]:
    if not learner_ids:
        return {}
    return {a.learner_id: a for a in session.scalars(
        select(Attendance).where(Attendance.learner_id.in_(learner_ids), Attendance.date == day,
                                 Attendance.lesson_id.is_(None)))}


def _taken(session, group: LearnerGroup, day: dt.date) -> AttendanceDay | None:
    return session.scalar(select(AttendanceDay).where(AttendanceDay.group_id == group.id, AttendanceDay.date == day))


def load_day(session, group: LearnerGroup, day: dt.date) -> DaySheet:
    """The group's children on ``day`` with their absences, whether the day was taken
    (and its version), the codes to choose from and the working days around it.
    A fixed number of queries, whatever the size of the group."""
    calendar = group_calendar(session, group)
    sheet = DaySheet(group, day, closed=calendar.closed_reason(day), previous=calendar.neighbour(day, -1),
                     next=calendar.neighbour(day, 1), regime=calendar.regime_text)
    if sheet.closed:
        return sheet
    sheet.learners = _learners(session, group, day)
    sheet.absences = {lid: row.code_id for lid, row in _rows(session, [l.id for l in sheet.learners], day).items()}
    sheet.taken = _taken(session, group, day)
    sheet.codes = day_codes(session, group)
    return sheet


def save_day(session, group: LearnerGroup, day: dt.date, absences: dict[int, int | None], version: int | None,
             actor) -> AttendanceDay:
    """Save the whole day of ``group``: the children in ``absences`` were absent (the
    code of the reason, or None: reason not known yet, the organisation's «ОТ»),
    every other child of the group was present.

    ``version`` is the day's version the page showed (0 or None: not taken yet).
    Refuses, changing nothing: a day that is not a working day of the year, a day
    outside the edit window (R1, as the journal), a group the user does not keep,
    a child not of the group, a code not of the organisation, a stale version.
    Runs in a savepoint and flushes; the caller commits."""
    host = current_host()
    if group.kind not in preschool_kinds(host):
        raise RuleError("R6", _l("Посещаемость за день здесь ведётся только для дошкольных групп."))
    if group.id not in {g.id for g in attendance_groups(session)}:
        raise RuleError("R6", _l("Посещаемость группы отмечает её воспитатель."))
    closed = group_calendar(session, group).closed_reason(day)
    if closed:
        raise RuleError("R6", closed)
    now = clock.now()
    if day > clock.local_from_utc(now).date():
        raise RuleError("R1", _l("%(date)s ещё не наступило: посещаемость за этот день отмечать рано.",
                                 date=day.strftime("%d.%m.%Y")))
    org = session.get(Organisation, group.org_id)
    unlocks = session.scalars(select(EditUnlock).where(EditUnlock.group_id == group.id,
                                                       EditUnlock.status == "granted")).all()
    check_editable(day, group.id, None, host.setting(org, name, "edit_window_days"), now, unlocks)

    learners = {l.id: l for l in _learners(session, group, day)}
    strangers = [lid for lid in absences if lid not in learners]
    if strangers:
        raise RuleError("R10", _l("Воспитанник не из этой группы: посещаемость не сохранена."))
    codes = {c.id: c for c in day_codes(session, group)}
    unknown = next((c for c in codes.values() if c.category == "unknown"), None)
    wanted: dict[int, int] = {}
    for learner_id, code_id in absences.items():
        if code_id is None:
            if unknown is None:
                raise RuleError("R6", _l("Укажите причину отсутствия: %(name)s.",
                                         name=learners[learner_id].short_name))
            code_id = unknown.id
        if code_id not in codes:
            raise RuleError("R6", _l("Нет такого кода посещаемости в организации: посещаемость не сохранена."))
        wanted[learner_id] = code_id

    taken = _taken(session, group, day)
    seen = int(version or 0)
    if seen != (taken.version if taken is not None else 0):
        raise RuleError("R6", CONFLICT)
    try:
        with session.begin_nested():
            rows = _rows(session, list(learners), day)
            for learner_id in learners:
                row, code_id = rows.get(learner_id), wanted.get(learner_id)
                if row is not None and code_id is None:
                    session.delete(row)  # the audit log keeps the old code
                elif row is None and code_id is not None:
                    session.add(Attendance(org_id=group.org_id, learner_id=learner_id, lesson_id=None, date=day,
                                           code_id=code_id))
                elif row is not None and row.code_id != code_id:
                    row.code_id = code_id
            if taken is None:
                taken = AttendanceDay(org_id=group.org_id, group_id=group.id, date=day, version=1)
                session.add(taken)
            else:
                taken.version = taken.version + 1  # UPDATE … WHERE version = the one read above
            taken.taken_by = getattr(actor, "id", None)
            taken.taken_at = now
            session.flush()
    except (StaleDataError, IntegrityError):
        raise RuleError("R6", CONFLICT) from None
    return taken
