"""The school's period types and its default calendar of the year."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.registry import PeriodTemplate, PeriodType

from . import name


@hookimpl
def register_period_types(host) -> list[PeriodType]:
    return [
        PeriodType("quarter", name, "Четверть"),
        PeriodType("half", name, "Полугодие"),
        PeriodType("trimester", name, "Триместр"),
        PeriodType("year", name, "Год", is_final=True, whole_year=True),
        PeriodType("exam", name, "Экзамен", is_final=True),
        PeriodType("final", name, "Итог", is_final=True),
    ]


@hookimpl
def get_calendar(host, start_year: int) -> list[PeriodTemplate]:
    """Four quarters (the usual calendar of seeds 000–002) and the final periods."""
    y, n = start_year, start_year + 1
    d = dt.date
    return [
        PeriodTemplate("quarter", "1 четверть", d(y, 9, 1), d(y, 10, 24), 1),
        PeriodTemplate("quarter", "2 четверть", d(y, 11, 5), d(y, 12, 28), 2),
        PeriodTemplate("quarter", "3 четверть", d(n, 1, 9), d(n, 3, 21), 3),
        PeriodTemplate("quarter", "4 четверть", d(n, 3, 31), d(n, 5, 26), 4),
        PeriodTemplate("year", "Год", d(y, 9, 1), d(n, 5, 26), 5),
        PeriodTemplate("exam", "Экзамен", d(n, 5, 27), d(n, 6, 30), 6),
        PeriodTemplate("final", "Итог", d(n, 5, 27), d(n, 6, 30), 7),
    ]
