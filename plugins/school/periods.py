"""The periods a class studies by: quarters, or halves or trimesters for the grades
the year's mode names («Режим учебного года»)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app.models import AcademicYear, Period
from app.models.timetable import SchoolYearMode

PLUGIN = "school"
ONE_DAY = dt.timedelta(days=1)


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
