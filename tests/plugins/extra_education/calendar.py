import datetime as dt

from app import hookimpl
from app.registry import PeriodTemplate, PeriodType

from . import name


@hookimpl
def register_period_types(host) -> list[PeriodType]:
    # Codes are unique across plugins: the school already has «half».
    return [PeriodType("extra_half", name, "Полугодие"),
            PeriodType("extra_year", name, "Учебный год", is_final=True, whole_year=True)]


@hookimpl
def get_calendar(host, start_year: int) -> list[PeriodTemplate]:
    y, n = start_year, start_year + 1
    return [PeriodTemplate("extra_half", "1 полугодие", dt.date(y, 9, 1), dt.date(y, 12, 28), 1),
            PeriodTemplate("extra_half", "2 полугодие", dt.date(n, 1, 9), dt.date(n, 5, 31), 2),
            PeriodTemplate("extra_year", "Учебный год", dt.date(y, 9, 1), dt.date(n, 5, 31), 3)]
