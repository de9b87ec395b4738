"""R6: by the end of the school day no «ОТ» (absent, reason unknown) stays in the
journal — the class teacher turns it into a reason for the whole day."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..exceptions import RuleError
from ..models import AcademicYear, Attendance, AttendanceCode, Learner, LearnerGroup, Lesson, Subject

# What «ОТ» may become: a reason, or no reason at all (seeds 002, 004).
REASON_CATEGORIES = ("excused", "illness", "exempt", "unexcused")


def kept_groups(session, scope) -> list[LearnerGroup]:
    """The groups whose attendance a user keeps day by day: a group's leader his own, an
    organisation-wide role every group; this year's only (a closed year's groups have
    no days left to reconcile)."""
    q = (select(LearnerGroup).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
         .where(AcademicYear.closed.is_(False)).order_by(LearnerGroup.level, LearnerGroup.name))
    if scope is not None and scope.learner_ids is not None:
        q = q.where(LearnerGroup.leader_id == scope.person_id)
    return session.scalars(q).all()


def open_absences(session, group_ids, until: dt.date) -> list[dict]:
    """«ОТ» still open on or before ``until``: learner, day, number of lessons, by group."""
    rows = session.execute(
        select(Learner.id, Learner.last_name, Learner.first_name, LearnerGroup.name, Attendance.date,
               func.count(Attendance.id))
        .join(Learner, Learner.id == Attendance.learner_id)
        .join(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(AttendanceCode.category == "unknown", Learner.group_id.in_(list(group_ids)), Attendance.date <= until)
        .group_by(Learner.id, Learner.last_name, Learner.first_name, LearnerGroup.name, Attendance.date)
        .order_by(Attendance.date, LearnerGroup.name, Learner.last_name)
    ).all()
    return [{"learner_id": r[0], "name": f"{r[1]} {r[2]}", "group": r[3], "date": r[4], "lessons": r[5]} for r in rows]


def day_sheet(session, group_id: int, day: dt.date) -> dict:
    """Learners of the group × lessons of the day, with the codes set."""
    lessons = session.execute(
        select(Lesson.id, Lesson.number, Subject.name).join(Subject, Subject.id == Lesson.subject_id)
        .where(Lesson.group_id == group_id, Lesson.date == day).order_by(Lesson.number)
    ).all()
    learners = session.scalars(select(Learner).where(Learner.group_id == group_id)
                               .order_by(Learner.last_name, Learner.first_name)).all()
    codes = defaultdict(dict)
    for learner_id, lesson_id, code in session.execute(
        select(Attendance.learner_id, Attendance.lesson_id, AttendanceCode.code)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.lesson_id.in_([l[0] for l in lessons]))
    ):
        codes[learner_id][lesson_id] = code
    return {"lessons": lessons, "learners": learners, "codes": codes}


def convert_day(session, learner_id: int, day: dt.date, code_id: int) -> int:
    """Turn every «ОТ» of the learner on ``day`` into ``code_id``; return how many.

    Each row changes through the ORM, so the audit log keeps every old and new code.
    """
    code = session.get(AttendanceCode, code_id)
    if code is None or code.category not in REASON_CATEGORIES:
        raise RuleError("R6", _l("«ОТ» заменяется причиной: уважительная, болезнь, освобождение или без уважительной."))
    rows = session.scalars(
        select(Attendance).join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id == learner_id, Attendance.date == day, AttendanceCode.category == "unknown")
    ).all()
    for row in rows:
        row.code_id = code.id
    session.flush()
    return len(rows)


def month_sheet(session, group_id: int, month: dt.date) -> dict:
    """Learners × days of the month: the codes of each day and missed lessons by category."""
    start = month.replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    learners = session.scalars(select(Learner).where(Learner.group_id == group_id)
                               .order_by(Learner.last_name, Learner.first_name)).all()
    cells = defaultdict(lambda: defaultdict(set))
    totals = defaultdict(lambda: defaultdict(int))
    for learner_id, day, code, category in session.execute(
        select(Attendance.learner_id, Attendance.date, AttendanceCode.code, AttendanceCode.category)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id.in_([l.id for l in learners]), Attendance.date >= start, Attendance.date < end)
    ):
        cells[learner_id][day.day].add(code)
        totals[learner_id][category] += 1
    days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
    return {"learners": learners, "days": days, "cells": cells, "totals": totals}
