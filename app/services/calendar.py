"""Учебные дни года: the week length, holidays and transferred days. Pure rules
over the session; no Flask request."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app import reference
from app.exceptions import RuleError
from app.models import AcademicYear, Organisation
from app.models.timetable import Holiday, SchoolYearMode, TransferredDay
from app.services.settings import setting_of

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class YearCalendar:
    """Everything that decides whether a day of the year is a study day."""

    start: dt.date
    end: dt.date
    week_days: int
    holidays: tuple  # ((start, end, name), …)
    transfers: tuple  # ((work_date, off_date), …)
    public: tuple = ()  # the public non-working holidays among ``holidays``: ((start, end, name), …)

    def public_holiday_of(self, day: dt.date) -> str | None:
        """The public holiday ``day`` falls on (every group is closed), or None: on каникулы a kindergarten works."""
        return next((name for start, end, name in self.public if start <= day <= end), None)

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


def year_mode(session, year_id: int, org_id: int) -> SchoolYearMode | None:
    return next((m for m in reference.rows(session, SchoolYearMode, org_id) if m.year_id == year_id), None)


def week_days_of(session, host, year: AcademicYear, mode: SchoolYearMode | None = None) -> int:
    mode = mode or year_mode(session, year.id, year.org_id)
    if mode is not None and mode.week_days in (5, 6):
        return mode.week_days
    org = session.get(Organisation, year.org_id)
    value = setting_of(host, org, "week_days", 5) if org is not None else 5
    return 6 if int(value or 5) == 6 else 5


def load_calendar(session, host, year: AcademicYear) -> YearCalendar:
    """The calendar of ``year``: its holidays and transferred days are reference data (app/reference.py)."""
    rows = sorted((h for h in reference.rows(session, Holiday, year.org_id) if h.year_id == year.id),
                  key=lambda h: (h.start, h.id))
    holidays = tuple((h.start, h.end, h.name) for h in rows)
    transfers = tuple((t.work_date, t.off_date) for t in sorted(
        (t for t in reference.rows(session, TransferredDay, year.org_id) if t.year_id == year.id),
        key=lambda t: (t.work_date, t.id)))
    return YearCalendar(year.start, year.end, week_days_of(session, host, year), holidays, transfers,
                        tuple((h.start, h.end, h.name) for h in rows if h.public))


def working_days(session, host, year: AcademicYear, start: dt.date | None = None,
                 end: dt.date | None = None) -> dict[dt.date, int]:
    """Учебные дни of ``year`` between ``start`` and ``end``: date → weekday of the timetable that runs."""
    return load_calendar(session, host, year).working_days(start, end)


def check_holiday(start: dt.date | None, end: dt.date | None) -> None:
    """A holiday's range, as the form and the production calendar both enter it."""
    if start and end and start > end:
        raise RuleError("Календарь", _l("Первый день каникул позже последнего."))


def check_transfer(work_date: dt.date | None, off_date: dt.date | None) -> None:
    if work_date and off_date and work_date == off_date:
        raise RuleError("Календарь", _l("Выходной и учебный день переноса совпадают."))


def public_holidays(start_year: int) -> list[tuple[str, dt.date, dt.date]]:
    """The public non-working days (the Labour Code, art. 112, and the government's transfers
    of days off) of the school year starting in ``start_year``: (name, first day, last day).
    No lessons on them, and every group of the organisation is closed, a kindergarten's too."""
    from app.services.production_calendar import official_holidays

    return official_holidays(dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31))
