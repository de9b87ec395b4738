"""The preschool's periods: the months of the year."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.registry import PeriodTemplate, PeriodType

from . import name

MONTHS = ["Сентябрь", "Октябрь", "Ноябрь", "Декабрь", "Январь", "Февраль", "Март", "Апрель", "Май",
          "Июнь", "Июль", "Август"]


@hookimpl
def register_period_types(host) -> list[PeriodType]:
    return [PeriodType("month", name, "Месяц")]


@hookimpl
def get_calendar(host, start_year: int) -> list[PeriodTemplate]:
    """Twelve months from September: the табель учёта посещаемости is kept monthly."""
    out = []
    for i, title in enumerate(MONTHS):
        year = start_year + (1 if i >= 4 else 0)
        month = (i + 8) % 12 + 1
        start = dt.date(year, month, 1)
        end = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
        out.append(PeriodTemplate("month", f"{title} {year}", start, end, i + 1))
    return out
