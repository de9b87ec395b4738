"""Подгруппы (R9, seed 001 4.3.3 and 4.4.11).

At the start of the year the class teacher, together with the subject teacher,
splits the class into subgroups for a subject (английский язык: 1 and 2 группа;
труд (технология): девочки / мальчики). The split is free **until the first mark
is given in a lesson of one of these subgroups**: before that no record depends
on it. Afterwards a learner moves from one subgroup to another only at the end of
a study period and only by the Администратор: the move takes effect on the day
after the period ends (membership has ``valid_from`` / ``valid_to``), and the marks
already given stay with the subgroup (the lesson's subgroup) they were given in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.exceptions import RuleError
from app.models import (
    Assignment,
    Learner,
    LearnerGroup,
    Lesson,
    Mark,
    Period,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
)
from app.services.kinds import lower_first, words_of

RULE = "R9"


@dataclass(frozen=True)
class Actor:
    """Who acts: his person, whether his role edits subgroups organisation-wide
    (Администратор, Завуч), and whether he may move learners (Администратор)."""

    person_id: int | None
    org_wide: bool = False
    may_move: bool = False


def may_split(session, group: LearnerGroup, subject_id: int, actor: Actor) -> bool:
    if actor.org_wide:
        return True
    if actor.person_id is None:
        return False
    if group.leader_id == actor.person_id:
        return True
    return session.scalar(select(TeachingAssignment.id).where(
        TeachingAssignment.teacher_id == actor.person_id, TeachingAssignment.group_id == group.id,
        TeachingAssignment.subject_id == subject_id).limit(1)) is not None


def subgroups_of(session, group_id: int, subject_id: int) -> list[Subgroup]:
    return session.scalars(select(Subgroup).where(Subgroup.group_id == group_id, Subgroup.subject_id == subject_id)
                           .order_by(Subgroup.name, Subgroup.id)).all()


def split_locked(session, subgroup_ids: list[int]) -> bool:
    """True once a mark is given in a lesson of one of the subgroups."""
    if not subgroup_ids:
        return False
    return session.scalar(select(Mark.id).join(Assignment, Assignment.id == Mark.assignment_id)
                          .join(Lesson, Lesson.id == Assignment.lesson_id)
                          .where(Lesson.subgroup_id.in_(subgroup_ids)).limit(1)) is not None


def split(session, group: LearnerGroup, subject_id: int, names: list[str], placement: dict[int, int | None],
          actor: Actor) -> list[Subgroup]:
    """Split ``group`` for the subject: ``names`` of the subgroups (new ones are
    created, existing kept) and ``placement`` learner id → index in ``names`` (or
    None: in no subgroup). Replaces the whole split; refused once marks exist."""
    kind = words_of(group)  # «класс» / «учебная группа», «учитель» / «преподаватель»
    if not may_split(session, group, subject_id, actor):
        words = {"group": kind.name_acc, "name": group.name, "leader": lower_first(kind.leader),
                 "teacher": kind.teacher_with}
        raise RuleError(RULE, _l("Делить %(group)s %(name)s на подгруппы может только её %(leader)s "
                                 "вместе с %(teacher)s предмета.", **words) if kind.gender == "f" else
                        _l("Делить %(group)s %(name)s на подгруппы может только его %(leader)s "
                           "вместе с %(teacher)s предмета.", **words))
    names = [n.strip() for n in names if n and n.strip()]
    if len(names) < 2 or len(set(names)) != len(names):
        raise RuleError(RULE, _l("Укажите не меньше двух подгрупп с разными названиями."))
    existing = subgroups_of(session, group.id, subject_id)
    if split_locked(session, [s.id for s in existing]):
        raise RuleError(RULE, _l("По подгруппам уже выставлены отметки: разделение закрыто. Перевести %(learner)s "
                                 "в другую подгруппу может только администратор в конце учебного периода.",
                                 learner=kind.learner_of))
    learners = set(session.scalars(select(Learner.id).where(Learner.group_id == group.id)))
    if set(placement) - learners:
        raise RuleError(RULE, _l("В разделении есть %(learners)s не из %(group)s %(name)s.",
                                 learners=lower_first(kind.learner_plural), group=kind.group_of, name=group.name))
    by_name = {s.name: s for s in existing}
    subgroups = []
    for name in names:
        sub = by_name.get(name)
        if sub is None:
            sub = Subgroup(org_id=group.org_id, group_id=group.id, subject_id=subject_id, name=name)
            session.add(sub)
        subgroups.append(sub)
    session.flush()
    if existing:
        for member in session.scalars(select(SubgroupMember).where(
                SubgroupMember.subgroup_id.in_([s.id for s in existing]))):
            session.delete(member)  # one by one: the audit log records each (R16)
        session.flush()
    for learner_id, index in sorted(placement.items()):
        if index is None:
            continue
        if not 0 <= index < len(subgroups):
            raise RuleError(RULE, _l("Неизвестная подгруппа."))
        session.add(SubgroupMember(org_id=group.org_id, subgroup_id=subgroups[index].id, learner_id=learner_id))
    session.flush()
    return subgroups


def move_dates(session, group: LearnerGroup) -> list[tuple[dt.date, Period]]:
    """The days a move may take effect: the day after each study period of the year ends."""
    periods = session.scalars(select(Period).where(Period.year_id == group.year_id, Period.is_final.is_(False))
                              .order_by(Period.end)).all()
    return [(p.end + dt.timedelta(days=1), p) for p in periods]


def move(session, learner: Learner, to_subgroup: Subgroup, effective: dt.date | None, actor: Actor) -> SubgroupMember:
    """Move ``learner`` into ``to_subgroup`` from ``effective`` (the day after a period ends)."""
    group = to_subgroup.group
    kind = words_of(group)
    if not actor.may_move:
        raise RuleError(RULE, _l("Переводить %(learner)s из одной подгруппы в другую может только администратор, "
                                 "и только в конце учебного периода.", learner=kind.learner_of))
    if learner.group_id != group.id:
        raise RuleError(RULE, _l("%(learner)s не из %(group)s %(name)s.", learner=kind.learner, group=kind.group_of,
                                 name=group.name))
    allowed = dict(move_dates(session, group))
    if effective not in allowed:
        raise RuleError(RULE, _l("Перевод между подгруппами возможен только в конце учебного периода: со дня, "
                                 "следующего за окончанием четверти (полугодия)."))
    siblings = [s.id for s in subgroups_of(session, group.id, to_subgroup.subject_id)]
    rows = session.scalars(select(SubgroupMember).where(SubgroupMember.learner_id == learner.id,
                                                        SubgroupMember.subgroup_id.in_(siblings))).all()
    target = next((m for m in rows if m.subgroup_id == to_subgroup.id), None)
    if target is not None and (target.valid_to is None or target.valid_to >= effective):
        raise RuleError(RULE, _l("%(learner)s уже в этой подгруппе.", learner=kind.learner))
    if target is not None:
        raise RuleError(RULE, _l("%(learner)s уже был в этой подгруппе раньше; повторный перевод в неё не ведётся.",
                                 learner=kind.learner))
    for m in rows:
        if (m.valid_to is None or m.valid_to >= effective) and (m.valid_from is None or m.valid_from < effective):
            m.valid_to = effective - dt.timedelta(days=1)
        elif m.valid_from is not None and m.valid_from >= effective:
            raise RuleError(RULE, _l("У %(learner)s уже есть более поздний перевод между подгруппами.",
                                     learner=kind.learner_of))
    member = SubgroupMember(org_id=group.org_id, subgroup_id=to_subgroup.id, learner_id=learner.id,
                            valid_from=effective)
    session.add(member)
    session.flush()
    return member


def members_on(session, subgroup_ids: list[int], on: dt.date) -> dict[int, int]:
    """learner id → subgroup id on the day ``on``."""
    return {lid: sid for lid, sid in session.execute(
        select(SubgroupMember.learner_id, SubgroupMember.subgroup_id).where(
            SubgroupMember.subgroup_id.in_(subgroup_ids),
            or_(SubgroupMember.valid_from.is_(None), SubgroupMember.valid_from <= on),
            or_(SubgroupMember.valid_to.is_(None), SubgroupMember.valid_to >= on)))} if subgroup_ids else {}
