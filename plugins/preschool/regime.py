"""When a preschool group works: its regime's weekdays within the year, closed on
the public holidays of the organisation's calendar (not on school каникулы), with
the calendar's transferred days (a worked Saturday, a weekday off)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import current_host
from app.models import AcademicYear, LearnerGroup
from app.services.calendar import YearCalendar, load_calendar

from .models import GroupRegime

ONE_DAY = dt.timedelta(days=1)
FULL_WEEK = "12345"
WEEKDAY_SHORT = ["Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"]


@dataclass(frozen=True)
class GroupCalendar:
    """The working days of one group in its year."""

    calendar: YearCalendar
    weekdays: str = FULL_WEEK  # ISO weekdays as digits
    opens: dt.time = dt.time(7, 0)
    closes: dt.time = dt.time(19, 0)
    group_type: str = "full"

    @property
    def start(self) -> dt.date:
        return self.calendar.start

    @property
    def end(self) -> dt.date:
        return self.calendar.end

    def closed_reason(self, day: dt.date) -> str:
        """Why the group does not work on ``day``; empty on a working day."""
        shown = day.strftime("%d.%m.%Y")
        if not self.start <= day <= self.end:
            return str(_l("%(date)s — вне учебного года (%(start)s – %(end)s): посещаемость не отмечается.",
                          date=shown, start=self.start.strftime("%d.%m.%Y"), end=self.end.strftime("%d.%m.%Y")))
        holiday = self.calendar.public_holiday_of(day)
        if holiday:
            return str(_l("%(date)s — %(holiday)s: группа не работает.", date=shown, holiday=holiday))
        transfers = self.calendar.transfers
        if any(day == off for _work, off in transfers):
            return str(_l("%(date)s — перенесённый выходной день: группа не работает.", date=shown))
        if any(day == work for work, _off in transfers):
            return ""
        if str(day.isoweekday()) not in self.weekdays:
            return str(_l("%(date)s — выходной день группы: посещаемость не отмечается.", date=shown))
        return ""

    def is_open(self, day: dt.date) -> bool:
        return not self.closed_reason(day)

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The group's working days from ``start`` to ``end``, both included."""
        day, out = max(start, self.start), []
        while day <= min(end, self.end):
            if self.is_open(day):
                out.append(day)
            day += ONE_DAY
        return out

    def neighbour(self, day: dt.date, step: int) -> dt.date | None:
        """The nearest working day before (``step`` -1) or after (+1) ``day`` within the year."""
        probe = day + dt.timedelta(days=step)
        if probe < self.start:
            probe = self.start if step > 0 else probe
        if probe > self.end:
            probe = self.end if step < 0 else probe
        while self.start <= probe <= self.end:
            if self.is_open(probe):
                return probe
            probe += dt.timedelta(days=step)
        return None

    @property
    def regime_text(self) -> str:
        return regime_text(self.weekdays, self.opens, self.closes)


def regime_text(weekdays: str = FULL_WEEK, opens: dt.time = dt.time(7, 0), closes: dt.time = dt.time(19, 0)) -> str:
    """«Пн–Пт, 07:00–19:00»."""
    days = [int(d) for d in sorted(weekdays)]
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        shown = f"{WEEKDAY_SHORT[days[0] - 1]}–{WEEKDAY_SHORT[days[-1] - 1]}"
    else:
        shown = ", ".join(WEEKDAY_SHORT[d - 1] for d in days)
    return f"{shown}, {opens:%H:%M}–{closes:%H:%M}"


def regimes(session, group_ids) -> dict[int, GroupRegime]:
    if not group_ids:
        return {}
    return {r.group_id: r for r in session.scalars(select(GroupRegime).where(GroupRegime.group_id.in_(group_ids)))}


def group_calendar(session, group: LearnerGroup, calendar: YearCalendar | None = None,
                   regime: GroupRegime | None = None) -> GroupCalendar:
    """The group's calendar: the year's (three queries, or none when given) and its regime (one)."""
    if calendar is None:
        calendar = load_calendar(session, current_host(), session.get(AcademicYear, group.year_id))
    if regime is None:
        regime = regimes(session, [group.id]).get(group.id)
    if regime is None:
        return GroupCalendar(calendar)
    return GroupCalendar(calendar, regime.weekdays or FULL_WEEK, regime.opens, regime.closes, regime.group_type)


def save_regime(session, group: LearnerGroup, weekdays, opens: dt.time | None, closes: dt.time | None,
                group_type: str, places: int | None = None) -> GroupRegime:
    """Set the regime of a preschool group; refuses bad values with a message, changing nothing.
    The row is audited; the caller commits."""
    from app.exceptions import RuleError

    from .attendance import preschool_kinds
    from .models import GROUP_TYPES

    if group.kind not in preschool_kinds():
        raise RuleError("R6", _l("Режим работы задаётся только для дошкольных групп."))
    days = "".join(sorted({str(int(d)) for d in weekdays if str(d).isdigit() and 1 <= int(d) <= 7}))
    if not days:
        raise RuleError("R6", _l("Отметьте хотя бы один день недели, в который группа работает."))
    if opens is None or closes is None or opens >= closes:
        raise RuleError("R6", _l("Время работы: начало должно быть раньше окончания, например 07:00–19:00."))
    if group_type not in GROUP_TYPES:
        raise RuleError("R6", _l("Выберите вид группы из списка."))
    if places is not None and not 1 <= places <= 100:
        raise RuleError("R6", _l("Число мест в группе — от 1 до 100."))
    regime = regimes(session, [group.id]).get(group.id)
    if regime is None:
        regime = GroupRegime(org_id=group.org_id, group_id=group.id)
        session.add(regime)
    regime.weekdays, regime.opens, regime.closes, regime.group_type = days, opens, closes, group_type
    regime.places = places
    session.flush()
    return regime
