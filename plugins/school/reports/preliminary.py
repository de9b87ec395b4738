"""Предварительный отчёт классного руководителя: before the period ends, the
forecast of each final mark (R5: weighted average rounded by the
organisation's threshold), learners at risk of «2», unexcused absences."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.models import AcademicYear, Assignment, Attendance, AttendanceCode, Lesson, Mark
from app.registry import Table
from app.services.marks import WeightedMark, propose_final

from .population import group_and_period, host, learners_at, marks_given, scale, subgroup_members, subjects_of, takes


def preliminary(session, params) -> list[Table]:
    group, period = group_and_period(session, params)
    learners = learners_at(session, group, period.end)
    ids = [l.id for l in learners]
    unexcused = dict(session.execute(
        select(Attendance.learner_id, func.count(Attendance.id))
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id.in_(ids), AttendanceCode.category.in_(("unexcused", "unknown")),
               Attendance.date >= period.start, Attendance.date <= period.end)
        .group_by(Attendance.learner_id)).all())
    absences = Table(_("Пропуски без уважительной причины"), [_("ФИО"), _("Уроков")],
                     [[l.full_name, unexcused[l.id]] for l in learners if unexcused.get(l.id)])
    if not marks_given(session, group, period):
        return [absences]
    org = session.get(AcademicYear, group.year_id).organisation
    h, sc = host(), scale(group)
    threshold = h.setting(org, "school", "rounding_threshold")
    minimum = h.setting(org, "school", "min_marks_for_final")
    worth = {v.value: v.worth for v in sc.values}
    failing = {v.value for v in sc.values if v.is_failing}
    subjects = subjects_of(session, group)
    members = subgroup_members(session, group)
    marks: dict[tuple[int, int], list[WeightedMark]] = {}
    for learner_id, subject_id, value, weight, debt in session.execute(
            select(Mark.learner_id, Lesson.subject_id, Mark.value, Assignment.weight, Mark.is_debt)
            .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
            .where(Lesson.group_id == group.id, Lesson.date >= period.start, Lesson.date <= period.end,
                   Mark.learner_id.in_(ids))):
        marks.setdefault((learner_id, subject_id), []).append(
            WeightedMark(None if debt else worth.get(value), float(weight)))
    forecast_rows, risk = [], []
    for learner in learners:
        row = [learner.full_name]
        for subject in subjects:
            if not takes(members, subject.id, learner.id):
                row.append("—")
                continue
            p = propose_final(marks.get((learner.id, subject.id), []), sc, threshold, minimum)
            row.append(int(worth[p.value]) if p.value in worth and worth[p.value] is not None else p.value)
            if p.value in failing or not p.enough:
                reason = _("прогноз «%(value)s»", value=p.value) if p.value in failing else \
                    _("мало отметок: %(n)s из %(min)s", n=p.count, min=minimum)
                risk.append([learner.full_name, subject.name,
                             round(p.average, 2) if p.average is not None else None, p.count, reason])
        row.append(unexcused.get(learner.id, 0))
        forecast_rows.append(row)
    forecast = Table(_("Прогноз итоговых отметок"),
                     [_("ФИО"), *(s.name for s in subjects), _("Пропущено без уважительной причины")], forecast_rows)
    at_risk = Table(_("Риск неудовлетворительной отметки или неаттестации"),
                    [_("ФИО"), _("Предмет"), _("Средневзвешенный балл"), _("Отметок"), _("Причина")], risk)
    return [forecast, at_risk, absences]
