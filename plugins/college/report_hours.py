"""«Учёт часов работы преподавателей» for a month (seed 003, 3.2.8): per teacher,
discipline and group, the hours planned by the teaching load against the hours given.

- planned: the load's academic hours a week × the study weeks of the month, i.e. its days
  inside the semesters of the year (without semesters in the calendar: inside the year),
  over seven; for the whole month and up to today;
- given: the пары held in the month up to today, two academic hours each; a пара given
  by a substitute counts for him, not for the teacher he replaced (R15), and the
  replaced teacher's row shows those hours apart.

A fixed number of queries, whatever the size of the college."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import clock
from app.models import AcademicYear, LearnerGroup, Lesson, Period, Staff, Subject, TeachingAssignment
from app.registry import Table
from app.reports.engine import MONTHS

from . import name as PLUGIN
from .report_common import GROUP_KINDS, SEMESTER



def _lesson_hours() -> int:
    """Academic hours of one пара: the kind's (the load counts academic hours)."""
    from app.extensions import current_host

    return max(current_host().group_kinds[kind].lesson_hours for kind in GROUP_KINDS)


@dataclass
class Line:
    planned_month: float = 0.0
    planned_to_date: float = 0.0
    given: int = 0  # academic hours
    as_substitute: int = 0
    replaced: int = 0  # hours of his пары given by a substitute

    def add(self, other: Line) -> None:
        self.planned_month += other.planned_month
        self.planned_to_date += other.planned_to_date
        self.given += other.given
        self.as_substitute += other.as_substitute
        self.replaced += other.replaced

    def cells(self) -> list:
        return [round(self.planned_month, 1), round(self.planned_to_date, 1), self.given, self.as_substitute,
                self.replaced, round(self.given - self.planned_to_date, 1)]


def _study_days(spans: list[tuple[dt.date, dt.date]], start: dt.date, end: dt.date) -> int:
    days = set()
    for first, last in spans:
        lo, hi = max(first, start), min(last, end)
        days.update(lo + dt.timedelta(days=i) for i in range((hi - lo).days + 1))
    return len(days)


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def teacher_hours(session, params) -> list[Table]:
    month = params["month"]
    end = _month_end(month)
    today = clock.today()
    held_to = min(end, today)
    org = params.get("organisation")
    years = session.scalars(select(AcademicYear).where(
        AcademicYear.org_id == org, AcademicYear.start <= end, AcademicYear.end >= month)).all()
    year_ids = [y.id for y in years]
    semesters = defaultdict(list)
    for period in session.scalars(select(Period).where(Period.year_id.in_(year_ids), Period.plugin == PLUGIN,
                                                       Period.type_code == SEMESTER)):
        semesters[period.year_id].append((period.start, period.end))
    spans = {y.id: semesters.get(y.id) or [(y.start, y.end)] for y in years}
    lines: dict[tuple[int, int, int], Line] = defaultdict(Line)  # (teacher, subject, group)
    for teacher_id, subject_id, group_id, year_id, hours in session.execute(
            select(TeachingAssignment.teacher_id, TeachingAssignment.subject_id, TeachingAssignment.group_id,
                   TeachingAssignment.year_id, TeachingAssignment.hours_per_week)
            .join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
            .where(TeachingAssignment.year_id.in_(year_ids), LearnerGroup.kind.in_(GROUP_KINDS))):
        line = lines[(teacher_id, subject_id, group_id)]
        week = float(hours or 0) / 7
        line.planned_month += week * _study_days(spans[year_id], month, end)
        if held_to >= month:
            line.planned_to_date += week * _study_days(spans[year_id], month, held_to)
    if held_to >= month:
        for teacher_id, substitute_id, subject_id, group_id, n in session.execute(
                select(Lesson.teacher_id, Lesson.substitute_id, Lesson.subject_id, Lesson.group_id, func.count())
                .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
                .where(Lesson.org_id == org, Lesson.date >= month, Lesson.date <= held_to,
                       LearnerGroup.kind.in_(GROUP_KINDS))
                .group_by(Lesson.teacher_id, Lesson.substitute_id, Lesson.subject_id, Lesson.group_id)):
            hours = n * _lesson_hours()
            if substitute_id is not None and substitute_id != teacher_id:
                substitute = lines[(substitute_id, subject_id, group_id)]
                substitute.given += hours
                substitute.as_substitute += hours
                lines[(teacher_id, subject_id, group_id)].replaced += hours
            else:
                lines[(teacher_id, subject_id, group_id)].given += hours
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_({t for t, _s, _g in lines})))} \
        if lines else {}
    subjects = dict(session.execute(select(Subject.id, Subject.name).where(
        Subject.id.in_({s for _t, s, _g in lines}))).all()) if lines else {}
    groups = dict(session.execute(select(LearnerGroup.id, LearnerGroup.name).where(
        LearnerGroup.id.in_({g for _t, _s, g in lines}))).all()) if lines else {}
    wanted = (params.get("teacher") or "").strip().casefold()

    def name_of(teacher_id):
        person = staff.get(teacher_id)
        return person.full_name if person else ""

    keys = sorted((k for k in lines if k[0] in staff and wanted in name_of(k[0]).casefold()),
                  key=lambda k: (name_of(k[0]), k[0], subjects.get(k[1], ""), groups.get(k[2], ""), k))
    rows, per_teacher, total = [], {}, Line()
    for teacher_id, subject_id, group_id in keys:
        line = lines[(teacher_id, subject_id, group_id)]
        rows.append([name_of(teacher_id), subjects.get(subject_id, ""), groups.get(group_id, ""), *line.cells()])
        per_teacher.setdefault(teacher_id, Line()).add(line)
        total.add(line)
    everything = str(_l("Итого"))
    rows.append([everything, "", "", *total.cells()])
    teacher_rows = [[name_of(t), *line.cells()] for t, line in per_teacher.items()]
    teacher_rows.append([everything, *total.cells()])
    figures = [str(_l("План на месяц, ч")), str(_l("План по %(date)s, ч", date=f"{held_to:%d.%m.%Y}"))
               if held_to >= month else str(_l("План на сегодня, ч")), str(_l("Проведено, ч")),
               str(_l("в т. ч. замещения, ч")), str(_l("Проведено замещающими, ч")), str(_l("Отклонение, ч"))]
    title = str(_l("Учёт часов работы преподавателей: %(month)s %(year)s (пара — %(n)s академических часа)",
                   month=MONTHS[month.month - 1], year=month.year, n=_lesson_hours()))
    return [Table(title, [str(_l("Преподаватель")), str(_l("Дисциплина")), str(_l("Группа")), *figures], rows),
            Table(str(_l("Итого по преподавателям")), [str(_l("Преподаватель")), *figures], teacher_rows)]
