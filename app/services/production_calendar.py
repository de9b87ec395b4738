"""Производственный календарь: Russia's public non-working holidays and the
government's transfers of days off for a year, proposed from the maintained
``holidays`` library, and their entry into a school year's calendar.

The library follows the Labour Code (art. 112) and each year's Постановление
Правительства о переносе выходных дней: a transferred day off is named
«Выходной (перенесено с 03.01.2026)», a public holiday falling on a weekend gives
its Monday «… (выходной)», and a Saturday made a working day is in
``weekend_workdays``. Nothing is written by a proposal: the school accepts the days
(:func:`accept_days`, the one write path) or enters its own by the holiday form.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

import holidays
from sqlalchemy import select

from app.exceptions import RuleError
from app.models import AcademicYear
from app.models.timetable import Holiday, TransferredDay
from app.services.calendar import check_holiday, check_transfer

HOLIDAY, WORKDAY = "holiday", "workday"
RULE = "Календарь"
TRANSFER_REASON = "Постановление Правительства РФ о переносе выходных дней"
_FROM = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


class ProposedDay(NamedTuple):
    date: dt.date
    name: str
    kind: str  # HOLIDAY: a public non-working day (a transferred day off too); WORKDAY: a weekend day worked


def _calendar(years, subdiv=None):
    supported = holidays.country_holidays("RU").subdivisions or ()
    return holidays.country_holidays("RU", years=years, language="ru",
                                      subdiv=subdiv if subdiv in supported else None)


def proposed_days(start: dt.date, end: dt.date, subdiv=None) -> list[ProposedDay]:
    """The official days from ``start`` to ``end``, by date: public holidays and days off
    by the government's transfers (``holiday``), weekend days made working (``workday``)."""
    calendar = _calendar(range(start.year, end.year + 1), subdiv)
    out = [ProposedDay(day, str(name), HOLIDAY) for day, name in calendar.items() if start <= day <= end]
    for day in getattr(calendar, "weekend_workdays", ()) or ():
        if start <= day <= end:
            off = transferred_off_day(day, calendar)
            out.append(ProposedDay(day, (f"Рабочий день (выходной перенесён на {off:%d.%m.%Y})" if off
                                         else "Рабочий день (перенос выходного)"), WORKDAY))
    return sorted(out)


def transferred_off_day(workday: dt.date, calendar=None) -> dt.date | None:
    """The day off a worked weekend day was moved to: the holiday named «… (перенесено с <workday>)»."""
    calendar = calendar if calendar is not None else _calendar([workday.year, workday.year + 1])
    for day, name in sorted(calendar.items()):
        for found in _FROM.finditer(str(name)):
            if dt.date(int(found[3]), int(found[2]), int(found[1])) == workday:
                return day
    return None


def _entered(session, year: AcademicYear) -> tuple[list[tuple[dt.date, dt.date]], set[dt.date]]:
    public = session.execute(select(Holiday.start, Holiday.end).where(Holiday.year_id == year.id,
                                                                      Holiday.public.is_(True))).all()
    worked = set(session.scalars(select(TransferredDay.work_date).where(TransferredDay.year_id == year.id)))
    return [tuple(r) for r in public], worked


def pending_days(session, year: AcademicYear, subdiv=None) -> list[ProposedDay]:
    """The proposal for ``year`` without the days already entered: a public holiday covering
    the day (каникулы do not count: on them a kindergarten works), a transfer of the worked day."""
    public, worked = _entered(session, year)
    out = []
    for day in proposed_days(year.start, year.end, subdiv):
        if day.kind == HOLIDAY and any(s <= day.date <= e for s, e in public):
            continue
        if day.kind == WORKDAY and day.date in worked:
            continue
        out.append(day)
    return out


def accept_days(session, host, year: AcademicYear, dates, subdiv=None):
    """Enter the chosen days of the proposal into ``year``'s calendar: public holidays as
    ``Holiday(public=True)`` (consecutive days of one name as one range), a worked weekend
    day as a ``TransferredDay`` to its day off. Days not proposed or already entered are
    skipped, so accepting twice adds nothing. Then the generated lessons follow the
    calendar. Returns (days added, the re-flow's result); the caller commits."""
    from app.services.timetable import reflow

    if year.closed:
        raise RuleError(RULE, "Учебный год закрыт: его календарь не изменяется.")
    chosen = set(dates)
    days = [d for d in pending_days(session, year, subdiv) if d.date in chosen]
    added = 0
    for name, start, end in holiday_runs(d for d in days if d.kind == HOLIDAY):
        check_holiday(start, end)
        session.add(Holiday(org_id=year.org_id, year_id=year.id, name=name[:120], start=start, end=end, public=True))
        added += (end - start).days + 1
    calendar = _calendar([year.start.year, year.end.year])
    for day in (d for d in days if d.kind == WORKDAY):
        off = transferred_off_day(day.date, calendar)
        if off is None:
            continue
        check_transfer(day.date, off)
        session.add(TransferredDay(org_id=year.org_id, year_id=year.id, work_date=day.date, off_date=off,
                                   reason=TRANSFER_REASON))
        added += 1
    session.flush()
    return added, reflow(session, host, year)


def holiday_runs(days) -> list[tuple[str, dt.date, dt.date]]:
    """Consecutive proposed days of one name as (name, first day, last day)."""
    runs: list[list] = []
    for day in sorted(days):
        if runs and runs[-1][0] == day.name and runs[-1][2] + dt.timedelta(days=1) == day.date:
            runs[-1][2] = day.date
        else:
            runs.append([day.name, day.date, day.date])
    return [tuple(r) for r in runs]


def official_holidays(start: dt.date, end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The public non-working days from ``start`` to ``end`` as (name, first day, last day)."""
    return holiday_runs(d for d in proposed_days(start, end) if d.kind == HOLIDAY)


def official_transfers(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The weekend days made working from ``start`` to ``end``, each with its day off: (work, off)."""
    calendar = _calendar(range(start.year, end.year + 1))
    return [(d.date, off) for d in proposed_days(start, end) if d.kind == WORKDAY
            and (off := transferred_off_day(d.date, calendar)) is not None]
