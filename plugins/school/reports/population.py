"""Who a school report counts, decided once for every report.

- a class's learners at a period: enrolled by its end and not left before it
  (a learner who left mid-period is counted by the class they left only in
  the movement reports);
- a subgroup subject (languages, technology): only the members of that
  subject's subgroups;
- a no-marks grade (R2) in that period: no figures at all.
"""
from __future__ import annotations

from flask import current_app
from sqlalchemy import or_, select

from app.models import AcademicYear, Learner, LearnerGroup, Period, Subgroup, SubgroupMember, Subject, TeachingAssignment
from app.services.marks import marks_allowed


def host():
    return current_app.extensions["ejournal"]


def group_and_period(session, params) -> tuple[LearnerGroup, Period | None]:
    group = session.get(LearnerGroup, params["group"])
    period = session.get(Period, params["period"]) if params.get("period") else None
    return group, period


def learners_at(session, group: LearnerGroup, end) -> list[Learner]:
    """The class's learners on the date ``end``, alphabetically."""
    return session.scalars(
        select(Learner).where(Learner.group_id == group.id,
                              or_(Learner.enrolled_on.is_(None), Learner.enrolled_on <= end),
                              or_(Learner.left_on.is_(None), Learner.left_on > end))
        .order_by(Learner.last_name, Learner.first_name, Learner.id)).all()


def learners_during(session, group: LearnerGroup, start, end) -> list[Learner]:
    """The class's learners at any time between ``start`` and ``end``."""
    return session.scalars(
        select(Learner).where(Learner.group_id == group.id,
                              or_(Learner.enrolled_on.is_(None), Learner.enrolled_on <= end),
                              or_(Learner.left_on.is_(None), Learner.left_on > start))
        .order_by(Learner.last_name, Learner.first_name, Learner.id)).all()


def subjects_of(session, group: LearnerGroup) -> list[Subject]:
    """Subjects taught in the class this year (its teaching assignments)."""
    return session.scalars(
        select(Subject).where(Subject.id.in_(
            select(TeachingAssignment.subject_id).where(TeachingAssignment.group_id == group.id,
                                                        TeachingAssignment.year_id == group.year_id)))
        .order_by(Subject.name)).all()


def subgroup_members(session, group: LearnerGroup) -> dict[int, set[int]]:
    """subject id → learners of its subgroups, for the subjects taught in subgroups."""
    rows = session.execute(
        select(Subgroup.subject_id, SubgroupMember.learner_id)
        .join(SubgroupMember, SubgroupMember.subgroup_id == Subgroup.id)
        .where(Subgroup.group_id == group.id, Subgroup.subject_id.is_not(None))).all()
    out: dict[int, set[int]] = {}
    for subject_id, learner_id in rows:
        out.setdefault(subject_id, set()).add(learner_id)
    return out


def takes(members: dict[int, set[int]], subject_id: int, learner_id: int) -> bool:
    return subject_id not in members or learner_id in members[subject_id]


def marks_given(session, group: LearnerGroup, period: Period) -> bool:
    """False for a no-marks grade in this period (R2)."""
    year = session.get(AcademicYear, group.year_id)
    org, h = year.organisation, host()
    return marks_allowed(group.level, period.end, year.start, h.setting(org, "school", "no_marks_levels"),
                         h.setting(org, "school", "no_marks_first_half_levels"))


def scale(group: LearnerGroup):
    return host().scale_for(group.kind)
