"""The school's movement book: who graduates, how classes are renamed a grade up,
and the deadlines of the orders (seed 004 3.3.3.2)."""
from __future__ import annotations

import datetime as dt

from app.models.movement import DEPART, ENROL, GRADUATE, PROMOTE, REPEAT
from app.registry import MovementRules
from app.services.movement import add_working_days


def next_name(name: str, level: int) -> str:
    """«5А» → «6А»: the parallel in a class's name goes up with it."""
    letter = name[len(str(level)):] if name.startswith(str(level)) else name
    return f"{level + 1}{letter}"


def deadline(kind: str, order_date: dt.date, event_date: dt.date, level: int | None, year) -> dt.date | None:
    """When the order had to be in the system:

    * promotion of grades 1–8 and 10 and repeaters — by 31 August of the school year;
    * graduation from grades 9 and 11, and 9th graders repeating — by 1 July;
    * departure and enrolment — within 2 working days of the event;
    * enrolment to the 10th grade at the start of the year — by 31 August;
    * enrolment to the 1st grade — within 3 working days of the decision (the order's date).
    Transfers between classes have no deadline of their own.
    """
    end_year = year.end.year if year is not None else order_date.year
    if kind == PROMOTE:
        return dt.date(end_year, 8, 31)
    if kind == REPEAT:
        return dt.date(end_year, 7, 1) if level == 9 else dt.date(end_year, 8, 31)
    if kind == GRADUATE:
        return dt.date(end_year, 7, 1)
    if kind == DEPART:
        return add_working_days(event_date, 2)
    if kind == ENROL:
        if level == 1:
            return add_working_days(order_date, 3)
        if level == 10 and year is not None and event_date <= year.start:
            return dt.date(year.start.year, 8, 31)
        return add_working_days(event_date, 2)
    return None


RULES = MovementRules(graduating_levels=(9, 11), next_name=next_name, deadline=deadline,
                      graduation_note="Окончил %(level)s классов")
