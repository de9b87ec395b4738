"""Учебные дни года: the week length, holidays and transferred days, and the
periods each grade studies by. Pure rules over the session; no Flask request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from app.models import AcademicYear, Organisation, Period

from app.models.timetable import Holiday, SchoolYearMode, TransferredDay

PLUGIN = "school"
ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class YearCalendar:
    """Everything that decides whether a day of the year is a study day."""

    start: dt.date
    end: dt.date
    week_days: int
    holidays: tuple  # ((start, end, name), …)
    transfers: tuple  # ((work_date, off_date), …)

    def holiday_of(self, day: dt.date) -> str | None:
        return next((name for start, end, name in self.holidays if start <= day <= end), None)

    def timetable_weekday(self, day: dt.date) -> int | None:
        """The weekday whose timetable runs on ``day``; None on a day without lessons."""
        if not self.start <= day <= self.end:
            return None
        for work, off in self.transfers:
            if day == work:
                return None if self.holiday_of(day) else off.weekday()
        if any(day == off for _work, off in self.transfers):
            return None
        if day.weekday() >= self.week_days or self.holiday_of(day):
            return None
        return day.weekday()

    def working_days(self, start: dt.date | None = None, end: dt.date | None = None) -> dict[dt.date, int]:
        """Study days from ``start`` to ``end`` (the year by default) → the weekday of the timetable run."""
        day, last = max(start or self.start, self.start), min(end or self.end, self.end)
        out = {}
        while day <= last:
            weekday = self.timetable_weekday(day)
            if weekday is not None:
                out[day] = weekday
            day += ONE_DAY
        return out


def year_mode(session, year_id: int) -> SchoolYearMode | None:
    return session.scalar(select(SchoolYearMode).where(SchoolYearMode.year_id == year_id))


def week_days_of(session, host, year: AcademicYear, mode: SchoolYearMode | None = None) -> int:
    mode = mode or year_mode(session, year.id)
    if mode is not None and mode.week_days in (5, 6):
        return mode.week_days
    org = session.get(Organisation, year.org_id)
    value = host.setting(org, PLUGIN, "week_days") if org is not None else 5
    return 6 if int(value or 5) == 6 else 5


def load_calendar(session, host, year: AcademicYear) -> YearCalendar:
    """The calendar of ``year`` in three queries."""
    holidays = tuple((h.start, h.end, h.name) for h in session.scalars(
        select(Holiday).where(Holiday.year_id == year.id).order_by(Holiday.start, Holiday.id)))
    transfers = tuple((t.work_date, t.off_date) for t in session.scalars(
        select(TransferredDay).where(TransferredDay.year_id == year.id).order_by(TransferredDay.work_date)))
    return YearCalendar(year.start, year.end, week_days_of(session, host, year), holidays, transfers)


def working_days(session, host, year: AcademicYear, start: dt.date | None = None,
                 end: dt.date | None = None) -> dict[dt.date, int]:
    """Учебные дни of ``year`` between ``start`` and ``end``: date → weekday of the timetable that runs."""
    return load_calendar(session, host, year).working_days(start, end)


# --- periods by grade ----------------------------------------------------------

def period_type_for_level(mode: SchoolYearMode | None, level: int) -> str:
    """The type of study period a grade studies by: quarters unless the year says otherwise."""
    if mode is not None:
        if level in mode.levels("half"):
            return "half"
        if level in mode.levels("trimester"):
            return "trimester"
    return "quarter"


def period_templates(start_year: int, type_code: str) -> list[tuple[str, dt.date, dt.date]]:
    """Default halves and trimesters, aligned with the quarters of the school's calendar."""
    y, n, d = start_year, start_year + 1, dt.date
    if type_code == "half":
        return [("1 полугодие", d(y, 9, 1), d(y, 12, 28)), ("2 полугодие", d(n, 1, 9), d(n, 5, 26))]
    if type_code == "trimester":
        return [("1 триместр", d(y, 9, 1), d(y, 11, 30)), ("2 триместр", d(y, 12, 1), d(n, 2, 28)),
                ("3 триместр", d(n, 3, 1), d(n, 5, 26))]
    return []


def ensure_periods(session, year: AcademicYear, mode: SchoolYearMode) -> list[Period]:
    """Create the halves / trimesters the year's mode asks for, when missing."""
    made = []
    existing = {(p.type_code, p.name) for p in session.scalars(
        select(Period).where(Period.year_id == year.id, Period.plugin == PLUGIN))}
    wanted = [t for t in ("half", "trimester") if mode.levels(t)]
    for type_code in wanted:
        for order, (name, start, end) in enumerate(period_templates(year.start.year, type_code), start=1):
            if (type_code, name) not in existing:
                made.append(Period(org_id=year.org_id, year_id=year.id, plugin=PLUGIN, type_code=type_code,
                                   name=name, start=start, end=end, order=order, is_final=False))
    session.add_all(made)
    return made


def vacations_between(periods: list[Period]) -> list[tuple[str, dt.date, dt.date]]:
    """The vacations of a year of quarters: the gaps between consecutive quarters."""
    names = {10: "Осенние каникулы", 11: "Осенние каникулы", 12: "Зимние каникулы", 1: "Зимние каникулы",
             3: "Весенние каникулы", 4: "Весенние каникулы"}
    quarters = sorted((p for p in periods if p.type_code == "quarter"), key=lambda p: p.start)
    out = []
    for before, after in zip(quarters, quarters[1:]):
        start, end = before.end + ONE_DAY, after.start - ONE_DAY
        if start <= end:
            out.append((names.get(start.month, "Каникулы"), start, end))
    return out


# Public holidays on which no lessons are given (the Labour Code, art. 112).
PUBLIC_HOLIDAYS = [((11, 4), "День народного единства"), ((2, 23), "День защитника Отечества"),
                   ((3, 8), "Международный женский день"), ((5, 1), "Праздник Весны и Труда"),
                   ((5, 9), "День Победы")]


def public_holidays(start_year: int) -> list[tuple[str, dt.date, dt.date]]:
    out = []
    for (month, day), name in PUBLIC_HOLIDAYS:
        date = dt.date(start_year if month >= 9 else start_year + 1, month, day)
        out.append((name, date, date))
    return out
