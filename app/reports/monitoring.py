"""What the Завуч checks every month (seeds 000, 001, 004), for any kind of
organisation: current marks filled in, homework recorded on time (R7),
«ОТ» left open (R6), final marks missing or late (R4).

Each report is a few aggregate queries over the whole organisation, whatever
its size; names are joined in the same queries.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from .. import clock
from ..clock import utc_from_local
from ..models import (
    Assignment, Attendance, AttendanceCode, FinalMark, Homework, Learner, LearnerGroup, Lesson, Mark, Organisation,
    Period, Staff, Subject, TeachingAssignment,
)
from ..models.people import short_name
from ..registry import Table


def _host():
    return current_app.extensions["ejournal"]


def _initials(last, first, middle) -> str:
    return short_name(last, first, middle) if last else ""


def _range(params):
    return params["dates_from"], params["dates_to"]


def _no_marks_groups(session, org_id) -> set[int]:
    """Groups of a no-marks grade (R2, all year): no marks and no homework are expected there."""
    host = _host()
    org = session.get(Organisation, org_id)
    out = set()
    for gid, kind, level in session.execute(select(LearnerGroup.id, LearnerGroup.kind, LearnerGroup.level)
                                            .where(LearnerGroup.org_id == org_id)):
        plugin = host.group_kinds[kind].plugin if kind in host.group_kinds else None
        if plugin and (plugin, "no_marks_levels") in host.rule_settings and \
                level in host.setting(org, plugin, "no_marks_levels"):
            out.add(gid)
    return out


def _lesson_rows(org_id, start, end, *extra_columns):
    teacher = aliased(Staff)
    return (select(LearnerGroup.id, LearnerGroup.name, Subject.name, teacher.last_name, teacher.first_name,
                   teacher.middle_name, *extra_columns)
            .select_from(Lesson)
            .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .join(teacher, teacher.id == Lesson.teacher_id)
            .where(Lesson.org_id == org_id, Lesson.date >= start, Lesson.date <= end)
            .group_by(LearnerGroup.id, LearnerGroup.name, LearnerGroup.level, Subject.name, teacher.last_name,
                      teacher.first_name, teacher.middle_name)
            .order_by(LearnerGroup.level, LearnerGroup.name, Subject.name))


def marks_fill(session, params) -> list[Table]:
    """Наполняемость текущих оценок: per class, subject and teacher."""
    org, (start, end) = params["organisation"], _range(params)
    marks_per_lesson = (select(Assignment.lesson_id, func.count(Mark.id).label("n"))
                        .join(Mark, Mark.assignment_id == Assignment.id).group_by(Assignment.lesson_id).subquery())
    rows = session.execute(_lesson_rows(
        org, start, end,
        func.count(Lesson.id), func.sum(case((marks_per_lesson.c.n.is_(None), 1), else_=0)),
        func.coalesce(func.sum(marks_per_lesson.c.n), 0),
    ).outerjoin(marks_per_lesson, marks_per_lesson.c.lesson_id == Lesson.id)).all()
    learners = dict(session.execute(select(Learner.group_id, func.count(Learner.id))
                                    .where(Learner.org_id == org, Learner.left_on.is_(None)).group_by(Learner.group_id)).all())
    skip = _no_marks_groups(session, org)
    out = []
    for gid, group, subject, last, first, middle, lessons, without, marks in rows:
        if gid in skip:
            continue
        n = learners.get(gid, 0)
        out.append([group, subject, _initials(last, first, middle), lessons, int(without or 0), int(marks), n,
                    round(int(marks) / n, 1) if n else None])
    return [Table(_("Наполняемость текущих оценок"),
                  [_("Класс"), _("Предмет"), _("Учитель"), _("Уроков"), _("Уроков без отметок"), _("Отметок"),
                   _("Обучающихся"), _("Отметок на обучающегося")], out)]


def homework_record(session, params) -> list[Table]:
    """Запись домашнего задания и темы: lessons without homework or topic, and
    homework entered late under R7 — later than the organisation's hours
    (``homework_hours_after_last_lesson``, 1 by default) after the end of the
    group's last lesson that day by the bells a plugin gives (else the day's end)."""
    host = _host()
    org, (start, end) = params["organisation"], _range(params)
    first_entry = (select(Homework.lesson_id, func.min(Homework.entered_at).label("at"))
                   .group_by(Homework.lesson_id).subquery())
    rows = session.execute(_lesson_rows(
        org, start, end,
        func.count(Lesson.id),
        func.sum(case((first_entry.c.at.is_(None), 1), else_=0)),
        func.sum(case((Lesson.topic == "", 1), else_=0)),
    ).add_columns(Lesson.subject_id, Lesson.teacher_id).group_by(Lesson.subject_id, Lesson.teacher_id)
        .outerjoin(first_entry, first_entry.c.lesson_id == Lesson.id)).all()
    late = _late_homework(session, host, org, start, end, first_entry)
    skip = _no_marks_groups(session, org)
    out = [[group, subject, _initials(last, first, middle), lessons, None if gid in skip else int(without or 0),
            late.get((gid, subject_id, teacher_id), 0), int(no_topic or 0)]
           for gid, group, subject, last, first, middle, lessons, without, no_topic, subject_id, teacher_id in rows]
    return [Table(_("Запись домашнего задания"),
                  [_("Класс"), _("Предмет"), _("Учитель"), _("Уроков"), _("Без домашнего задания"),
                   _("Задание записано позже срока"), _("Без темы урока")], out)]


def _late_homework(session, host, org, start, end, first_entry) -> dict[tuple, int]:
    """(group, subject, teacher) → lessons whose homework came after R7's deadline."""
    from ..services.settings import setting_of
    from ..services.timetable import bell_end_times

    organisation = session.get(Organisation, org)
    hours = setting_of(host, organisation, "homework_hours_after_last_lesson", 1)
    bells = bell_end_times(session, org, start) or {}
    in_range = (Lesson.org_id == org, Lesson.date >= start, Lesson.date <= end)
    last_number = dict(((g, d), n) for g, d, n in session.execute(
        select(Lesson.group_id, Lesson.date, func.max(Lesson.number)).where(*in_range)
        .group_by(Lesson.group_id, Lesson.date)))
    out: dict[tuple, int] = {}
    for group_id, subject_id, teacher_id, day, entered in session.execute(
            select(Lesson.group_id, Lesson.subject_id, Lesson.teacher_id, Lesson.date, first_entry.c.at)
            .join(first_entry, first_entry.c.lesson_id == Lesson.id).where(*in_range)):
        ends = bells.get(last_number.get((group_id, day)))
        if ends is None:
            deadline = utc_from_local(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
        else:
            deadline = utc_from_local(dt.datetime.combine(day, ends)) + dt.timedelta(hours=hours)
        if entered > deadline:
            key = (group_id, subject_id, teacher_id)
            out[key] = out.get(key, 0) + 1
    return out


def open_absences(session, params) -> list[Table]:
    """«ОТ» left at the end of a day (R6): every learner-day still without a reason."""
    org, (start, end) = params["organisation"], _range(params)
    leader = aliased(Staff)
    today = clock.today()
    rows = session.execute(
        select(Attendance.date, LearnerGroup.name, Learner.last_name, Learner.first_name, func.count(Attendance.id),
               leader.last_name, leader.first_name, leader.middle_name)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .join(Learner, Learner.id == Attendance.learner_id)
        .join(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .outerjoin(leader, leader.id == LearnerGroup.leader_id)
        # A day is over when it is past: today's «ОТ» may still be turned into a reason.
        .where(Attendance.org_id == org, AttendanceCode.category == "unknown", Attendance.date >= start,
               Attendance.date <= min(end, today - dt.timedelta(days=1)))
        .group_by(Attendance.date, LearnerGroup.name, LearnerGroup.level, Learner.last_name, Learner.first_name,
                  leader.last_name, leader.first_name, leader.middle_name)
        .order_by(Attendance.date, LearnerGroup.level, LearnerGroup.name, Learner.last_name)).all()
    out = [[day, group, f"{last} {first}", n, _initials(ll, lf, lm)] for day, group, last, first, n, ll, lf, lm in rows]
    return [Table(_("Оставшиеся «ОТ» на конец дня"),
                  [_("Дата"), _("Класс"), _("Обучающийся"), _("Уроков с «ОТ»"), _("Классный руководитель")], out)]


def final_marks_deadline(session, params) -> list[Table]:
    """Итоговые отметки за период: not set, or set after the deadline of R4."""
    host = _host()
    period = session.get(Period, params["period"])
    org = session.get(Organisation, period.org_id)
    deadline = host.final_deadline(session, org, period)
    teacher = aliased(Staff)
    pairs = session.execute(
        select(LearnerGroup.id, LearnerGroup.name, Subject.id, Subject.name, teacher.last_name, teacher.first_name,
               teacher.middle_name)
        .select_from(TeachingAssignment)
        .join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(teacher, teacher.id == TeachingAssignment.teacher_id)
        .where(LearnerGroup.year_id == period.year_id)
        .order_by(LearnerGroup.level, LearnerGroup.name, Subject.name, teacher.last_name)).all()
    teachers: dict[tuple, list[str]] = {}
    for gid, group, sid, subject, last, first, middle in pairs:
        names = teachers.setdefault((gid, group, sid, subject), [])
        if _initials(last, first, middle) not in names:  # subgroups: each teacher once
            names.append(_initials(last, first, middle))
    learners = dict(session.execute(
        select(Learner.group_id, func.count(Learner.id))
        .where(Learner.org_id == org.id, (Learner.left_on.is_(None)) | (Learner.left_on > period.end))
        .group_by(Learner.group_id)).all())
    finals = {(g, s): (n, late) for g, s, n, late in session.execute(
        select(Learner.group_id, FinalMark.subject_id, func.count(FinalMark.id),
               # stored in UTC: late from the school's midnight after the deadline
               func.sum(case((FinalMark.created_at >= utc_from_local(dt.datetime.combine(
                   deadline + dt.timedelta(days=1), dt.time())), 1), else_=0)))
        .join(Learner, Learner.id == FinalMark.learner_id)
        .where(FinalMark.period_id == period.id).group_by(Learner.group_id, FinalMark.subject_id))}
    skip = _no_marks_groups(session, org.id)
    due = clock.today() > deadline
    out = []
    for (gid, group, sid, subject), names in teachers.items():
        if gid in skip:
            continue
        n, late = finals.get((gid, sid), (0, 0))
        expected = learners.get(gid, 0)
        out.append([group, subject, ", ".join(names), expected, n,
                    max(expected - n, 0) if due else None, int(late or 0)])
    return [Table(_("Итоговые отметки: срок %(date)s", date=deadline.strftime("%d.%m.%Y")),
                  [_("Класс"), _("Предмет"), _("Учитель"), _("Обучающихся"), _("Выставлено"),
                   _("Не выставлено к сроку"), _("Выставлено позже срока")], out)]
