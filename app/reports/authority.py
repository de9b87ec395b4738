"""Сводный отчёт по подведомственным организациям (Сотрудник УО): the key
figures of each organisation the user sees, a row each, with a total row.

Seven aggregate queries whatever the number of organisations; the figures
follow app/services/figures.py (a learner is успевающий with no failing
final mark, качественный with every mark worth 4 or more).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..models import (
    AcademicYear, Assignment, Attendance, AttendanceCode, FinalMark, Learner, LearnerGroup, Lesson, Mark, Organisation,
    Period,
)
from ..registry import Chart, Table
from ..services.figures import GOOD

MISSED = ("illness", "excused", "unexcused", "unknown")


def _pct(part, whole):
    return round(100 * part / whole, 1) if whole else None


def authority_summary(session, params) -> list[Table]:
    start, end = params["dates_from"], params["dates_to"]
    scales = current_app.extensions["ejournal"].mark_scales.values()
    failing = {v.value for s in scales for v in s.values if v.is_failing}
    low = {v.value for s in scales for v in s.values if v.worth is not None and v.worth < GOOD and not v.is_failing}
    orgs = session.execute(select(Organisation.id, Organisation.short_name, Organisation.name)
                           .order_by(Organisation.short_name, Organisation.id)).all()
    by_org = lambda rows: {r[0]: r[1:] for r in rows}  # noqa: E731
    learners = by_org(session.execute(select(Learner.org_id, func.count(Learner.id))
                                      .where(Learner.left_on.is_(None), Learner.group_id.is_not(None))
                                      .group_by(Learner.org_id)))
    groups = by_org(session.execute(select(LearnerGroup.org_id, func.count(LearnerGroup.id))
                                    .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
                                    .where(AcademicYear.start <= end, AcademicYear.end >= start)
                                    .group_by(LearnerGroup.org_id)))
    per_learner = session.execute(
        select(FinalMark.org_id, FinalMark.learner_id,
               func.sum(case((FinalMark.value.in_(failing), 1), else_=0)),
               func.sum(case((FinalMark.value.in_(low), 1), else_=0)))
        .join(Period, Period.id == FinalMark.period_id)
        .where(Period.is_final.is_(False), Period.end >= start, Period.end <= end)
        .group_by(FinalMark.org_id, FinalMark.learner_id)).all()
    results: dict[int, list[int]] = {}
    for org_id, _learner, n_fail, n_low in per_learner:
        r = results.setdefault(org_id, [0, 0, 0])  # assessed, passing, quality
        r[0] += 1
        r[1] += not n_fail
        r[2] += not n_fail and not n_low
    absences = by_org(session.execute(
        select(Attendance.org_id, func.count(Attendance.id))
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(AttendanceCode.category.in_(MISSED), Attendance.date >= start, Attendance.date <= end)
        .group_by(Attendance.org_id)))
    lessons = by_org(session.execute(
        select(Lesson.org_id, func.count(Lesson.id), func.sum(case((Lesson.topic == "", 1), else_=0)))
        .where(Lesson.date >= start, Lesson.date <= end).group_by(Lesson.org_id)))
    marks = by_org(session.execute(
        select(Mark.org_id, func.count(Mark.id))
        .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
        .where(Lesson.date >= start, Lesson.date <= end).group_by(Mark.org_id)))
    rows, total, total_marks = [], [0] * 8, 0
    for org_id, short, name in orgs:
        n = learners.get(org_id, (0,))[0]
        assessed, passing, quality = results.get(org_id, [0, 0, 0])
        n_lessons, no_topic = lessons.get(org_id, (0, 0))
        n_marks, n_absent = marks.get(org_id, (0,))[0], absences.get(org_id, (0,))[0]
        values = [n, groups.get(org_id, (0,))[0], assessed, passing, quality, n_absent, int(n_lessons or 0),
                  int(no_topic or 0)]
        total = [a + b for a, b in zip(total, values)]
        rows.append(_row(short or name, values, n_marks))
        total_marks += n_marks
    if rows:
        rows.append(_row(_("Итого"), total, total_marks))
    # The percentages are of those assessed, the column before them: the basis is on the page.
    columns = [_("Организация"), _("Обучающихся"), _("Классов и групп"), _("Аттестовано"),
               _("Успеваемость, % от аттестованных"), _("Качество, % от аттестованных"),
               _("Пропущено уроков на обучающегося"), _("Уроков"), _("Уроков без темы, %"),
               _("Отметок на обучающегося")]
    chart = Chart(_("Успеваемость и качество по организациям, %"), 0, (4, 5), skip_last=True, y_label="%", y_max=100)
    return [Table(_("Сводные показатели по организациям"), columns, rows, chart)]


def _row(name, values, n_marks):
    n, n_groups, assessed, passing, quality, n_absent, n_lessons, no_topic = values
    return [name, n, n_groups, assessed, _pct(passing, assessed), _pct(quality, assessed),
            round(n_absent / n, 1) if n else None, n_lessons, _pct(no_topic, n_lessons),
            round(n_marks / n, 1) if n else None]
