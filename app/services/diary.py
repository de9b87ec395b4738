"""Дневник: what a learner and his parents see — the week and the period.

The queries are cut by the scope like everything else (a parent reaches his own
children only); here they are also filtered by the learner explicitly, so the
diary of one child never mixes in another's individual homework or marks.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import and_, bindparam, func, or_, select
from sqlalchemy.orm import aliased

from .. import reference
from ..extensions import current_host
from ..models import (
    Assignment, AssignmentType, Attendance, AttendanceCode, FinalMark, Homework, HomeworkAttachment, Learner,
    LearnerGroup, Lesson, Mark, Period, Person, SubgroupMember, Subject,
)
from ..models.journal import mark_text
from ..models.people import short_name
from .marks import WeightedMark, propose_final


def _week_statements():
    """The week's two reads, built once with bound parameters (``learner``, ``group``,
    ``monday``, ``sunday``): building a statement of this size costs more than running
    it. The scope's criteria are still added to each execution (``scoping.reads``)."""
    learner, group = bindparam("learner"), bindparam("group")
    monday, sunday = bindparam("monday"), bindparam("sunday")
    # Of a subgroup only the lessons of the days he belonged to it (R9: moves at a period's end).
    subgroups = select(SubgroupMember.subgroup_id).where(
        SubgroupMember.learner_id == learner,
        or_(SubgroupMember.valid_from.is_(None), SubgroupMember.valid_from <= Lesson.date),
        or_(SubgroupMember.valid_to.is_(None), SubgroupMember.valid_to >= Lesson.date))
    teacher = aliased(Person)
    # The lessons with all that is shown on their line. Outer joins: a lesson is shown
    # even when its subject or teacher is out of reach (empty there), without attendance
    # or marks. One attendance per lesson and learner (a unique key); a line per work of
    # the lesson, with the learner's mark on it or none.
    # Subjects, attendance codes and kinds of work are named from the organisation's
    # reference data (app/reference.py): three joins fewer to plan and run.
    lessons = (
        select(Lesson.id, Lesson.date, Lesson.number, Lesson.topic, Lesson.distance, Lesson.subject_id,
               teacher.last_name, teacher.first_name, teacher.middle_name, Attendance.code_id,
               Mark.id, Mark.value, Mark.is_debt, Mark.comment, Assignment.type_id, Assignment.weight)
        .outerjoin(teacher, teacher.id == func.coalesce(Lesson.substitute_id, Lesson.teacher_id))
        .outerjoin(Attendance, and_(Attendance.lesson_id == Lesson.id, Attendance.learner_id == learner))
        .outerjoin(Assignment, Assignment.lesson_id == Lesson.id)
        .outerjoin(Mark, and_(Mark.assignment_id == Assignment.id, Mark.learner_id == learner))
        .where(Lesson.group_id == group, or_(Lesson.subgroup_id.is_(None), Lesson.subgroup_id.in_(subgroups)),
               Lesson.date >= monday, Lesson.date <= sunday)
        .order_by(Lesson.date, Lesson.number, Lesson.id, Mark.id))
    # The homework given in the week (``week`` keeps that of the learner's own lessons,
    # his subgroups being decided above) and the homework due in the week: general, or
    # individual to this learner (the scope would let a parent see his other children's
    # too). Files by an outer join: a line per file.
    homework = (
        select(Homework.id, Homework.lesson_id, Homework.learner_id.is_not(None), Homework.text, Homework.due_date,
               Lesson.subject_id, HomeworkAttachment.id, HomeworkAttachment.filename, HomeworkAttachment.size)
        .join(Lesson, Lesson.id == Homework.lesson_id)
        .outerjoin(HomeworkAttachment, HomeworkAttachment.homework_id == Homework.id)
        # Homework is never due before its lesson (services.lessons): whichever way it is of
        # the week, its lesson is on or before Sunday, and the group's later lessons are not read.
        .where(Lesson.group_id == group, or_(Homework.learner_id.is_(None), Homework.learner_id == learner),
               Lesson.date <= sunday,
               or_(Lesson.date >= monday, and_(Homework.due_date >= monday, Homework.due_date <= sunday)))
        .order_by(Homework.id, HomeworkAttachment.id))
    return lessons, homework


_WEEK_LESSONS, _WEEK_HOMEWORK = _week_statements()


def week(session, learner: Learner, monday: dt.date, host=None) -> dict:
    """Seven days from ``monday``: lessons with topic, marks, attendance and homework,
    and the class's events of each day.

    Three reads whatever the week holds (a parent's phone opens it many times a
    day): the class's events, the lessons with all of their line, the homework.
    Plain columns, not entities: nothing here is changed, and rows are cheaper.
    Each goes through the session, so the scope's criteria cut all of them."""
    from .timetable import diary_extras

    sunday = monday + dt.timedelta(days=6)
    params = {"learner": learner.id, "group": learner.group_id, "monday": monday, "sunday": sunday}
    extras = defaultdict(list)
    for item in diary_extras(session, learner, monday, sunday):
        extras[item["date"]].append(item)
    days = [{"date": day, "lessons": [], "homework_due": [], "extras": extras.get(day, [])}
            for day in ((monday + dt.timedelta(days=offset)).isoformat() for offset in range(7))]
    subjects = reference.names(session, Subject, learner.org_id)
    codes = reference.names(session, AttendanceCode, learner.org_id, "code")
    type_names = reference.names(session, AssignmentType, learner.org_id)
    by_id = {}
    row = None
    for (lesson_id, day, number, topic, distance, subject_id, last, first, middle, code_id,
         mark_id, value, debt, comment, type_id, weight) in session.execute(_WEEK_LESSONS, params):
        if row is None or row["id"] != lesson_id:
            by_id[lesson_id] = row = {
                "id": lesson_id, "number": number, "subject": subjects.get(subject_id, ""), "topic": topic,
                "teacher": short_name(last, first, middle), "distance": distance,
                "marks": [], "attendance": codes.get(code_id, ""), "homework": []}
            days[(day - monday).days]["lessons"].append(row)
        if mark_id is not None:
            row["marks"].append({"value": mark_text(value, debt), "type": type_names.get(type_id),
                                 "weight": float(weight), "debt": debt, "comment": comment or ""})
    seen = set()
    for hw_id, lesson_id, individual, text, due, subject_id, file_id, filename, size in session.execute(
            _WEEK_HOMEWORK, params):
        subject = subjects.get(subject_id)
        lesson = by_id.get(lesson_id)
        if hw_id in seen:  # another file of the same homework
            if file_id is not None and lesson is not None:
                lesson["homework"][-1]["files"].append({"id": file_id, "filename": filename, "size": size})
            continue
        seen.add(hw_id)
        if lesson is not None:
            lesson["homework"].append({
                "text": text, "due": due.isoformat(), "individual": bool(individual),
                "files": [{"id": file_id, "filename": filename, "size": size}] if file_id is not None else []})
        if monday <= due <= sunday and subject is not None:
            days[(due - monday).days]["homework_due"].append({"subject": subject, "text": text,
                                                              "individual": bool(individual)})
    return {"learner": {"id": learner.id, "name": learner.full_name}, "monday": monday.isoformat(), "days": days}


def period_summary(session, host, learner: Learner, period: Period) -> dict:
    """Per subject: current marks, weighted average, forecast of the period mark, final marks."""
    group = session.get(LearnerGroup, learner.group_id)
    org = reference.organisation(session, learner.org_id)
    kind = host.group_kinds.get(group.kind) if group else None
    scale = host.scale_for(group.kind) if group else None
    plugin = kind.plugin if kind else None
    threshold = host.setting(org, plugin, "rounding_threshold") if plugin and (plugin, "rounding_threshold") in host.rule_settings else 0.6
    minimum = host.setting(org, plugin, "min_marks_for_final") if plugin and (plugin, "min_marks_for_final") in host.rule_settings else 3
    worth = {v.value: v.worth for v in scale.values} if scale else {}
    # Plain columns, not entities: a period holds hundreds of marks; the kinds of work
    # and the year's periods are the organisation's reference data (app/reference.py).
    type_names = reference.names(session, AssignmentType, learner.org_id)
    rows = session.execute(
        select(Lesson.subject_id, Lesson.date, Mark.value, Mark.is_debt, Assignment.weight, Assignment.type_id)
        .join(Assignment, Assignment.lesson_id == Lesson.id)
        .join(Mark, Mark.assignment_id == Assignment.id)
        .where(Mark.learner_id == learner.id, Lesson.group_id == learner.group_id,
               Lesson.date >= period.start, Lesson.date <= period.end)
        .order_by(Lesson.date, Mark.id)
    ).all()
    by_subject = defaultdict(list)
    for subject_id, date, value, debt, weight, type_id in rows:
        by_subject[subject_id].append((date, value, debt, float(weight), type_names.get(type_id, "")))
    year_periods = [p for p in reference.rows(session, Period, learner.org_id) if p.year_id == period.year_id]
    finals = defaultdict(dict)
    for subject_id, period_id, value in session.execute(
            select(FinalMark.subject_id, FinalMark.period_id, FinalMark.value)
            .where(FinalMark.learner_id == learner.id, FinalMark.period_id.in_([p.id for p in year_periods]))):
        finals[subject_id][period_id] = value
    subject_ids = set(by_subject) | set(finals)
    subjects = reference.names(session, Subject, learner.org_id)
    out = []
    for subject_id in sorted(subject_ids, key=lambda s: subjects.get(s, "")):
        items = by_subject.get(subject_id, [])
        weighted = [WeightedMark(None if debt else worth.get(value), w) for _d, value, debt, w, _t in items]
        proposal = propose_final(weighted, scale, threshold, minimum) if scale else None
        out.append({
            "subject": subjects.get(subject_id, ""),
            "marks": [{"date": d.isoformat(), "value": mark_text(value, debt), "weight": w, "type": t}
                      for d, value, debt, w, t in items],
            "average": round(proposal.average, 2) if proposal and proposal.average is not None else None,
            "forecast": proposal.value if proposal else None,
            "enough_marks": proposal.enough if proposal else False,
            "final": {p.name: finals[subject_id][p.id] for p in year_periods if p.id in finals.get(subject_id, {})},
        })
    return {"learner": {"id": learner.id, "name": learner.full_name},
            "period": {"id": period.id, "name": period.name, "start": period.start.isoformat(),
                       "end": period.end.isoformat()}, "subjects": out}


def month_attendance(session, learner: Learner, month: dt.date) -> dict:
    """The month of ``month`` day by day for a learner attending by the day (a kindergarten
    child): weekends, and each day's absence with its reason. Two queries."""
    from ..models import Attendance, AttendanceCode

    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    absences = {day: (code, name) for day, code, name in session.execute(
        select(Attendance.date, AttendanceCode.code, AttendanceCode.name)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id == learner.id, Attendance.date >= first, Attendance.date < following))}
    days = []
    day = first
    while day < following:
        code, name = absences.get(day, (None, None))
        days.append({"date": day, "weekend": day.weekday() >= 5, "code": code, "reason": name, "state": ""})
        day += dt.timedelta(days=1)
    lines = current_host().diary_month(session, learner, first, days)
    return {"month": first, "days": days, "missed": len(absences), "lines": lines,
            "present": sum(1 for d in days if d["state"] == "present"),
            "previous": (first - dt.timedelta(days=1)).replace(day=1), "next": following}
