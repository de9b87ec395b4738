"""Учёт пройденного материала: each lesson plan (КТП) against the lessons
given by a date — hours planned, lessons given and how many of them kept the
plan's topic, and the lag behind the plan.

«Должно быть к дате» spreads the plan's hours evenly over the year's study
weekdays (from the year's start to the end of its last study period): the
Завуч's usual rule of thumb, not the timetable of each class."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, or_, select

from app.models import AcademicYear, LearnerGroup, Lesson, Period, Subgroup, Subject
from app.models.plans import LessonPlan, LessonTopicLink, PlanTopic
from app.registry import Table


def material_covered(session, params) -> list[Table]:
    org, on = params["organisation"], params["date"]
    hours = (select(PlanTopic.plan_id, func.sum(PlanTopic.hours).label("hours"))
             .group_by(PlanTopic.plan_id).subquery())
    same_subgroup = or_(and_(LessonPlan.subgroup_id.is_(None), Lesson.subgroup_id.is_(None)),
                        LessonPlan.subgroup_id == Lesson.subgroup_id)
    given = Lesson.date <= on
    on_plan = and_(given, LessonTopicLink.plan_topic_id.is_not(None), LessonTopicLink.text == Lesson.topic)
    rows = session.execute(
        select(LessonPlan.id, LearnerGroup.name, Subgroup.name, Subject.name, func.max(hours.c.hours),
               func.count(Lesson.id), func.sum(case((given, 1), else_=0)), func.sum(case((on_plan, 1), else_=0)))
        .select_from(LessonPlan)
        .join(AcademicYear, AcademicYear.id == LessonPlan.year_id)
        .join(LearnerGroup, LearnerGroup.id == LessonPlan.group_id)
        .outerjoin(Subgroup, Subgroup.id == LessonPlan.subgroup_id)
        .join(Subject, Subject.id == LessonPlan.subject_id)
        .outerjoin(hours, hours.c.plan_id == LessonPlan.id)
        .outerjoin(Lesson, and_(Lesson.group_id == LessonPlan.group_id, Lesson.subject_id == LessonPlan.subject_id,
                                same_subgroup, Lesson.date >= AcademicYear.start, Lesson.date <= AcademicYear.end))
        .outerjoin(LessonTopicLink, LessonTopicLink.lesson_id == Lesson.id)
        .where(LessonPlan.org_id == org, AcademicYear.start <= on, AcademicYear.end >= on)
        .group_by(LessonPlan.id, LearnerGroup.level, LearnerGroup.name, Subgroup.name, Subject.name)
        .order_by(LearnerGroup.level, LearnerGroup.name, Subject.name, Subgroup.name)).all()
    share = _year_share(session, org, on)
    out = []
    for _id, group, subgroup, subject, planned, _lessons, done, matched in rows:
        planned, done, matched = int(planned or 0), int(done or 0), int(matched or 0)
        expected = round(planned * share)
        out.append([f"{group} ({subgroup})" if subgroup else group, subject, planned, expected, done, matched,
                    done - matched, max(expected - done, 0)])
    return [Table(_("Учёт пройденного материала"),
                  [_("Класс"), _("Предмет"), _("Часов в КТП"), _("Должно быть к дате"), _("Уроков проведено"),
                   _("Из них по темам КТП"), _("Тема не по КТП"), _("Отставание, ч")], out)]


def _weekdays(start, end) -> int:
    days = (end - start).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    return weeks * 5 + sum(1 for i in range(rest) if (start.weekday() + i) % 7 < 5)


def _year_share(session, org, on) -> float:
    """The part of the year's study weekdays past by ``on`` (0…1)."""
    start, end = session.execute(
        select(func.min(Period.start), func.max(Period.end))
        .join(AcademicYear, AcademicYear.id == Period.year_id)
        .where(Period.org_id == org, Period.plugin == "school", Period.is_final.is_(False),
               AcademicYear.start <= on, AcademicYear.end >= on)).one()
    if start is None:
        return 0.0
    total = _weekdays(start, end)
    return min(_weekdays(start, min(on, end)) / total, 1.0) if total else 0.0
