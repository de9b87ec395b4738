"""Дневник: what a learner and his parents see — the week and the period.

The queries are cut by the scope like everything else (a parent reaches his own
children only); here they are also filtered by the learner explicitly, so the
diary of one child never mixes in another's individual homework or marks.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import or_, select

from ..extensions import current_host
from ..models import (
    Assignment, AssignmentType, Attendance, AttendanceCode, FinalMark, Homework, HomeworkAttachment, Learner,
    LearnerGroup, Lesson, Mark, Organisation, Period, Person, SubgroupMember, Subject,
)
from .marks import WeightedMark, propose_final


def _learner_lessons(learner: Learner):
    """Lessons of the learner's group, of the whole group or of his subgroups."""
    # Of a subgroup only the lessons of the days he belonged to it (R9: moves at a period's end).
    subgroups = select(SubgroupMember.subgroup_id).where(
        SubgroupMember.learner_id == learner.id,
        or_(SubgroupMember.valid_from.is_(None), SubgroupMember.valid_from <= Lesson.date),
        or_(SubgroupMember.valid_to.is_(None), SubgroupMember.valid_to >= Lesson.date))
    return select(Lesson).where(
        Lesson.group_id == learner.group_id,
        or_(Lesson.subgroup_id.is_(None), Lesson.subgroup_id.in_(subgroups)),
    )


def _marks_by_lesson(session, learner_id: int, lesson_ids):
    out = defaultdict(list)
    for mark, lesson_id, type_name, weight in session.execute(
        select(Mark, Assignment.lesson_id, AssignmentType.name, Assignment.weight)
        .join(Assignment, Assignment.id == Mark.assignment_id)
        .join(AssignmentType, AssignmentType.id == Assignment.type_id)
        .where(Mark.learner_id == learner_id, Assignment.lesson_id.in_(lesson_ids))
        .order_by(Mark.id)
    ):
        out[lesson_id].append({"value": str(mark), "type": type_name, "weight": float(weight),
                               "debt": mark.is_debt, "comment": mark.comment or ""})
    return out


def week(session, learner: Learner, monday: dt.date, host=None) -> dict:
    """Seven days from ``monday``: lessons with topic, marks, attendance and homework,
    and the class's events of each day."""
    from .timetable import diary_extras

    sunday = monday + dt.timedelta(days=6)
    extras = defaultdict(list)
    for item in diary_extras(session, learner, monday, sunday):
        extras[item["date"]].append(item)
    lessons = session.scalars(_learner_lessons(learner).where(Lesson.date >= monday, Lesson.date <= sunday)
                              .order_by(Lesson.date, Lesson.number)).all()
    ids = [l.id for l in lessons]
    subjects = {s.id: s.name for s in session.scalars(select(Subject).where(Subject.id.in_({l.subject_id for l in lessons})))}
    teachers = {p.id: p.short_name for p in session.scalars(select(Person).where(
        Person.id.in_({l.substitute_id or l.teacher_id for l in lessons})))}
    marks = _marks_by_lesson(session, learner.id, ids)
    attendance = {
        lesson_id: code for lesson_id, code in session.execute(
            select(Attendance.lesson_id, AttendanceCode.code).join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
            .where(Attendance.learner_id == learner.id, Attendance.lesson_id.in_(ids)))
    }
    own_homework = or_(Homework.learner_id.is_(None), Homework.learner_id == learner.id)
    given = defaultdict(list)
    homework = session.scalars(select(Homework).where(Homework.lesson_id.in_(ids), own_homework).order_by(Homework.id)).all()
    files = defaultdict(list)
    for f in session.scalars(select(HomeworkAttachment).where(
            HomeworkAttachment.homework_id.in_([h.id for h in homework])).order_by(HomeworkAttachment.id)):
        files[f.homework_id].append({"id": f.id, "filename": f.filename, "size": f.size})
    for hw in homework:
        given[hw.lesson_id].append({"text": hw.text, "due": hw.due_date.isoformat(), "individual": hw.learner_id is not None,
                                    "files": files.get(hw.id, [])})
    due = defaultdict(list)
    group_lessons = select(Lesson.id).where(Lesson.group_id == learner.group_id)
    for hw, subject in session.execute(
        select(Homework, Subject.name).join(Lesson, Lesson.id == Homework.lesson_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .where(Homework.lesson_id.in_(group_lessons), own_homework,
               Homework.due_date >= monday, Homework.due_date <= sunday).order_by(Homework.id)
    ):
        due[hw.due_date].append({"subject": subject, "text": hw.text, "individual": hw.learner_id is not None})
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        days.append({
            "date": day.isoformat(),
            "lessons": [{
                "id": l.id, "number": l.number, "subject": subjects.get(l.subject_id, ""), "topic": l.topic,
                "teacher": teachers.get(l.substitute_id or l.teacher_id, ""), "distance": l.distance,
                "marks": marks.get(l.id, []), "attendance": attendance.get(l.id, ""), "homework": given.get(l.id, []),
            } for l in lessons if l.date == day],
            "homework_due": due.get(day, []),
            "extras": extras.get(day.isoformat(), []),
        })
    return {"learner": {"id": learner.id, "name": learner.full_name}, "monday": monday.isoformat(), "days": days}


def period_summary(session, host, learner: Learner, period: Period) -> dict:
    """Per subject: current marks, weighted average, forecast of the period mark, final marks."""
    group = session.get(LearnerGroup, learner.group_id)
    org = session.get(Organisation, learner.org_id)
    kind = host.group_kinds.get(group.kind) if group else None
    scale = host.scale_for(group.kind) if group else None
    plugin = kind.plugin if kind else None
    threshold = host.setting(org, plugin, "rounding_threshold") if plugin and (plugin, "rounding_threshold") in host.rule_settings else 0.6
    minimum = host.setting(org, plugin, "min_marks_for_final") if plugin and (plugin, "min_marks_for_final") in host.rule_settings else 3
    worth = {v.value: v.worth for v in scale.values} if scale else {}
    rows = session.execute(
        select(Lesson.subject_id, Lesson.date, Mark, Assignment.weight, AssignmentType.name)
        .join(Assignment, Assignment.lesson_id == Lesson.id)
        .join(AssignmentType, AssignmentType.id == Assignment.type_id)
        .join(Mark, Mark.assignment_id == Assignment.id)
        .where(Mark.learner_id == learner.id, Lesson.group_id == learner.group_id,
               Lesson.date >= period.start, Lesson.date <= period.end)
        .order_by(Lesson.date, Mark.id)
    ).all()
    by_subject = defaultdict(list)
    for subject_id, date, mark, weight, type_name in rows:
        by_subject[subject_id].append((date, mark, float(weight), type_name))
    year_periods = session.scalars(select(Period).where(Period.year_id == period.year_id)).all()
    finals = defaultdict(dict)
    for fm in session.scalars(select(FinalMark).where(FinalMark.learner_id == learner.id,
                                                      FinalMark.period_id.in_([p.id for p in year_periods]))):
        finals[fm.subject_id][fm.period_id] = fm.value
    subject_ids = set(by_subject) | set(finals)
    subjects = {s.id: s.name for s in session.scalars(select(Subject).where(Subject.id.in_(subject_ids)))}
    out = []
    for subject_id in sorted(subject_ids, key=lambda s: subjects.get(s, "")):
        items = by_subject.get(subject_id, [])
        weighted = [WeightedMark(None if m.is_debt else worth.get(m.value), w) for _d, m, w, _t in items]
        proposal = propose_final(weighted, scale, threshold, minimum) if scale else None
        out.append({
            "subject": subjects.get(subject_id, ""),
            "marks": [{"date": d.isoformat(), "value": str(m), "weight": w, "type": t} for d, m, w, t in items],
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
