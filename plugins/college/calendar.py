"""The college's period types and its default calendar: semesters and sessions."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.registry import PeriodTemplate, PeriodType

from . import name


@hookimpl
def register_period_types(host) -> list[PeriodType]:
    return [
        PeriodType("semester", name, "Семестр"),
        PeriodType("session", name, "Сессия", is_final=True),
        PeriodType("college_year", name, "Учебный год", is_final=True, whole_year=True),
    ]


@hookimpl
def get_calendar(host, start_year: int) -> list[PeriodTemplate]:
    y, n = start_year, start_year + 1
    d = dt.date
    return [
        PeriodTemplate("semester", "1 семестр", d(y, 9, 1), d(y, 12, 28), 1),
        PeriodTemplate("session", "Зимняя сессия", d(y, 12, 29), d(n, 1, 20), 2),
        PeriodTemplate("semester", "2 семестр", d(n, 1, 21), d(n, 6, 10), 3),
        PeriodTemplate("session", "Летняя сессия", d(n, 6, 11), d(n, 6, 30), 4),
        PeriodTemplate("college_year", "Учебный год", d(y, 9, 1), d(n, 6, 30), 5),
    ]
