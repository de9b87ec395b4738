"""Demo subgroups: английский язык (1 and 2 группа) and труд (технология) (девочки / мальчики)
in a few classes of grades 5–7. The lessons the demo journal already holds are split too:
each lesson goes to the first subgroup and a twin lesson, with its own teacher where the
school has a second one, to the second; marks and attendance follow their learners."""
from __future__ import annotations

from sqlalchemy import select, update

from app.models import (
    Assignment, Attendance, Learner, LearnerGroup, Lesson, Mark, Staff, Subgroup, SubgroupMember, Subject,
    TeachingAssignment,
)

CLASSES = ("5А", "5Б", "6А", "7А")
ENGLISH = "Иностранный язык (английский)"
LABOUR = "Труд (технология)"


def populate_subgroups(host, session, organisation, year, rng):
    if "school" not in (organisation.plugins or []):
        return
    subjects = {s.name: s for s in session.scalars(select(Subject).where(Subject.org_id == organisation.id,
                                                                         Subject.name.in_([ENGLISH, LABOUR])))}
    groups = session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id,
                                                        LearnerGroup.name.in_(CLASSES))
                             .order_by(LearnerGroup.name)).all()
    # (teacher, weekday, lesson number) already taken: a second teacher must be free then.
    busy = {(t, d.weekday(), n) for t, d, n in session.execute(
        select(Lesson.teacher_id, Lesson.date, Lesson.number).join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
        .where(LearnerGroup.year_id == year.id))}
    for group in groups:
        learners = session.scalars(select(Learner).where(Learner.group_id == group.id, Learner.left_on.is_(None))
                                   .order_by(Learner.last_name, Learner.first_name, Learner.id)).all()
        for subject_name, split in ((ENGLISH, _halves), (LABOUR, _by_gender)):
            subject = subjects.get(subject_name)
            if subject is None:
                continue
            (first_name, first), (second_name, second) = split(learners)
            _split_class(session, organisation, group, subject, [(first_name, first), (second_name, second)], busy,
                         rng)
    session.flush()


def _halves(learners):
    half = (len(learners) + 1) // 2
    return ("1 группа", learners[:half]), ("2 группа", learners[half:])


def _by_gender(learners):
    return ("Девочки", [l for l in learners if l.gender == "ж"]), ("Мальчики", [l for l in learners if l.gender != "ж"])


def _split_class(session, organisation, group, subject, parts, busy: set, rng):
    subs = [Subgroup(org_id=organisation.id, group_id=group.id, subject_id=subject.id, name=name) for name, _ in parts]
    session.add_all(subs)
    session.flush()
    session.add_all([SubgroupMember(org_id=organisation.id, subgroup_id=sub.id, learner_id=l.id)
                     for sub, (_, members) in zip(subs, parts) for l in members])
    load = session.scalar(select(TeachingAssignment).where(TeachingAssignment.group_id == group.id,
                                                           TeachingAssignment.subject_id == subject.id))
    if load is None:
        return
    # A second teacher of the subject for the second subgroup, if the school has one.
    colleagues = session.scalars(select(TeachingAssignment.teacher_id).where(
        TeachingAssignment.subject_id == subject.id, TeachingAssignment.teacher_id != load.teacher_id)
        .order_by(TeachingAssignment.teacher_id).distinct()).all()
    lessons = session.scalars(select(Lesson).where(Lesson.group_id == group.id, Lesson.subject_id == subject.id)
                              .order_by(Lesson.date, Lesson.number)).all()
    slots = {(l.date.weekday(), l.number) for l in lessons}
    # The colleague free at every lesson of this class; when none is, the school
    # takes on another teacher of the subject (a split doubles the subject's hours).
    clashes = {t: sum((t, d, n) in busy for d, n in slots) for t in colleagues}
    free = [t for t in colleagues if clashes[t] == 0]
    if free:
        second_teacher = free[0]
    else:
        from app import demo

        position = session.get(Staff, load.teacher_id).position or "Учитель"
        newcomer = demo.add_staff(session, organisation, demo.Names(rng), position)
        session.flush()
        second_teacher = newcomer.id
        colleagues.append(newcomer.id)
    busy.update((second_teacher, d, n) for d, n in slots)
    load.subgroup_id = subs[0].id
    session.add(TeachingAssignment(org_id=organisation.id, year_id=load.year_id, teacher_id=second_teacher,
                                   subject_id=subject.id, group_id=group.id, subgroup_id=subs[1].id,
                                   hours_per_week=load.hours_per_week))
    second_ids = [l.id for l in parts[1][1]]
    for lesson in lessons:
        lesson.subgroup_id = subs[0].id
        twin = Lesson(org_id=organisation.id, group_id=group.id, subgroup_id=subs[1].id, subject_id=subject.id,
                      teacher_id=second_teacher, date=lesson.date, number=lesson.number, topic=lesson.topic,
                      topic_entered_at=lesson.topic_entered_at)
        session.add(twin)
        session.flush()
        for a in session.scalars(select(Assignment).where(Assignment.lesson_id == lesson.id).order_by(Assignment.id)):
            copy = Assignment(org_id=organisation.id, lesson_id=twin.id, type_id=a.type_id, weight=a.weight,
                              title=a.title)
            session.add(copy)
            session.flush()
            session.execute(update(Mark).where(Mark.assignment_id == a.id, Mark.learner_id.in_(second_ids))
                            .values(assignment_id=copy.id))
        session.execute(update(Attendance).where(Attendance.lesson_id == lesson.id,
                                                 Attendance.learner_id.in_(second_ids)).values(lesson_id=twin.id))
