"""Печатная форма классного журнала for a subject and period: the marks and
absences page (lessons in columns) and the page of topics and homework."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from app.models import Assignment, Attendance, AttendanceCode, FinalMark, Homework, Lesson, Mark, Staff, Subject
from app.registry import Table

from .population import learners_during

LESSONS_PER_PAGE = 18  # columns that fit a landscape A4 page


def journal_print(session, params) -> list[Table]:
    from .population import group_and_period

    group, period = group_and_period(session, params)
    subject = session.get(Subject, params["subject"])
    lessons = session.scalars(select(Lesson).where(
        Lesson.group_id == group.id, Lesson.subject_id == subject.id, Lesson.date >= period.start,
        Lesson.date <= period.end).order_by(Lesson.date, Lesson.number, Lesson.id)).all()
    learners = learners_during(session, group, period.start, period.end)
    lesson_ids, ids = [l.id for l in lessons], [l.id for l in learners]
    cells: dict[tuple[int, int], list[str]] = {}
    for learner_id, lesson_id, value, debt in session.execute(
            select(Mark.learner_id, Assignment.lesson_id, Mark.value, Mark.is_debt)
            .join(Assignment, Assignment.id == Mark.assignment_id)
            .where(Assignment.lesson_id.in_(lesson_ids), Mark.learner_id.in_(ids)).order_by(Assignment.id)):
        cells.setdefault((learner_id, lesson_id), []).append("." if debt else value)
    for learner_id, lesson_id, code in session.execute(
            select(Attendance.learner_id, Attendance.lesson_id, AttendanceCode.code)
            .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
            .where(Attendance.lesson_id.in_(lesson_ids), Attendance.learner_id.in_(ids))):
        cells.setdefault((learner_id, lesson_id), []).insert(0, code)
    finals = dict(session.execute(select(FinalMark.learner_id, FinalMark.value).where(
        FinalMark.period_id == period.id, FinalMark.subject_id == subject.id, FinalMark.learner_id.in_(ids))).all())
    pages = [lessons[i:i + LESSONS_PER_PAGE] for i in range(0, len(lessons), LESSONS_PER_PAGE)] or [[]]
    tables = []
    for n, page in enumerate(pages, 1):
        last = n == len(pages)
        columns = [_("ФИО")] + [f"{l.date:%d.%m}" for l in page] + ([_("Итог")] if last else [])
        rows = [[learner.full_name] + [" ".join(cells.get((learner.id, l.id), [])) for l in page]
                + ([finals.get(learner.id, "")] if last else []) for learner in learners]
        title = _("%(subject)s, %(group)s: отметки и посещаемость", subject=subject.name, group=group.name)
        tables.append(Table(title if len(pages) == 1 else f"{title} ({n}/{len(pages)})", columns, rows))
    homework: dict[int, list[str]] = {}
    for lesson_id, text in session.execute(select(Homework.lesson_id, Homework.text).where(
            Homework.lesson_id.in_(lesson_ids), Homework.learner_id.is_(None)).order_by(Homework.id)):
        homework.setdefault(lesson_id, []).append(text)
    teachers = {s.id: s.short_name for s in session.scalars(select(Staff).where(
        Staff.id.in_({l.teacher_id for l in lessons} | {l.substitute_id for l in lessons if l.substitute_id})))}
    topics = [[l.date, l.number, l.topic, "; ".join(homework.get(l.id, [])),
               teachers.get(l.substitute_id or l.teacher_id, "")] for l in lessons]
    tables.append(Table(_("Темы уроков и домашние задания"),
                        [_("Дата"), _("Урок"), _("Тема"), _("Домашнее задание"), _("Учитель")], topics))
    return tables
