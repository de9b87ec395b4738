"""A group's month of attendance, as the табель and the parental fee count it.

For each child and each day of the month: a working day of the group that was
taken (``AttendanceDay``) is *attended* unless the child has an absence that day;
an absence counts by its code's category; a day not taken yet is neither. The
days *payable* are the days attended and, when the organisation says so (rule
setting ``charge_unexcused``), the days missed without a valid reason. Everything
in a fixed number of queries, whatever the size of the group.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import and_, or_, select

from app.extensions import current_host
from app.models import Attendance, AttendanceCode, Learner, LearnerGroup, Organisation

from . import name
from .models import AttendanceDay
from .regime import GroupCalendar, group_calendar

# Absences that are not the family's fault are never charged.
UNEXCUSED = ("unexcused", "unknown")
# The columns of missed days, in the order a табель prints them.
MISSED_CATEGORIES = ("illness", "excused", "unexcused", "unknown")


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    return start, end


@dataclass
class ChildMonth:
    learner: Learner
    marks: dict[dt.date, str] = field(default_factory=dict)  # day → code shown («Б», «УП»; "" present)
    categories: dict[dt.date, str] = field(default_factory=dict)  # day → absence category
    attended: list[dt.date] = field(default_factory=list)
    payable: list[dt.date] = field(default_factory=list)

    def missed(self, category: str) -> int:
        return sum(1 for c in self.categories.values() if c == category)

    @property
    def missed_total(self) -> int:
        return len(self.categories)


@dataclass
class GroupMonth:
    group: LearnerGroup
    start: dt.date
    end: dt.date
    calendar: GroupCalendar
    working: list[dt.date] = field(default_factory=list)
    taken: set[dt.date] = field(default_factory=set)
    children: list[ChildMonth] = field(default_factory=list)

    @property
    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]

    def present_on(self, day: dt.date) -> int | None:
        """Children present on ``day``; None on a day that was not taken."""
        if day not in self.taken:
            return None
        return sum(1 for c in self.children if day in c.attended)


def _enrolled(learner: Learner, day: dt.date) -> bool:
    return (learner.enrolled_on is None or learner.enrolled_on <= day) and (
        learner.left_on is None or learner.left_on >= day)


def group_month(session, group: LearnerGroup, month: dt.date, calendar: GroupCalendar | None = None) -> GroupMonth:
    """The month of ``group`` that holds ``month``: six queries (calendar, regime,
    children, taken days, absences, the organisation)."""
    start, end = month_bounds(month)
    calendar = calendar or group_calendar(session, group)
    out = GroupMonth(group, start, end, calendar, working=calendar.working_days(start, end))
    learners = session.scalars(
        select(Learner).where(Learner.group_id == group.id, or_(Learner.left_on.is_(None), Learner.left_on >= start),
                              or_(Learner.enrolled_on.is_(None), Learner.enrolled_on <= end))
        .order_by(Learner.last_name, Learner.first_name, Learner.id)).all()
    out.taken = set(session.scalars(select(AttendanceDay.date).where(
        AttendanceDay.group_id == group.id, AttendanceDay.date.between(start, end))))
    rows = session.execute(
        select(Attendance.learner_id, Attendance.date, AttendanceCode.code, AttendanceCode.category)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(and_(Attendance.learner_id.in_([l.id for l in learners]), Attendance.lesson_id.is_(None),
                    Attendance.date.between(start, end)))).all() if learners else []
    absences: dict[int, dict[dt.date, tuple[str, str]]] = {}
    for learner_id, day, code, category in rows:
        absences.setdefault(learner_id, {})[day] = (code, category)
    org = session.get(Organisation, group.org_id)
    charge_unexcused = bool(current_host().setting(org, name, "charge_unexcused"))
    working = set(out.working)
    for learner in learners:
        child = ChildMonth(learner)
        own = absences.get(learner.id, {})
        for day in out.working:
            if not _enrolled(learner, day):
                continue
            if day in own:
                code, category = own[day]
                if category == "late":  # came late: attended
                    child.attended.append(day)
                    child.marks[day] = ""
                    continue
                child.marks[day] = code
                child.categories[day] = category
            elif day in out.taken:
                child.attended.append(day)
                child.marks[day] = ""
        child.payable = sorted(set(child.attended) | (
            {d for d, c in child.categories.items() if c in UNEXCUSED and d in working} if charge_unexcused else set()))
        out.children.append(child)
    return out
