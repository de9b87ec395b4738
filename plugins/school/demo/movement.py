"""Demo movement book: last year (closed) with its classes, the orders of the start of
this year (enrolment to grades 1 and 10, promotion of the others, last year's graduates),
a transfer between classes, a departure and one order entered late (R14)."""
from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import delete, select

from app import demo
from app.models import AcademicYear, Assignment, Attendance, Learner, LearnerGroup, Lesson, Mark, Period
from app.models.movement import DEPART, ENROL, GRADUATE, PROMOTE, TRANSFER, MovementOrder
from app.models.timetable import Holiday
from app.services.movement import add_working_days
from app.services.production_calendar import official_holidays

CLASS = "class"


def _at(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def _weekday(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def populate_movement(host, session, organisation, year, rng):
    if "school" not in (organisation.plugins or []):
        return
    local = random.Random(organisation.id * 7919 + year.start.year)  # the shared stream stays as it was
    names = demo.Names(local)
    y = year.start.year
    today = demo.today()
    classes = session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id, LearnerGroup.kind == CLASS)
                              .order_by(LearnerGroup.level, LearnerGroup.name)).all()
    by_name = {g.name: g for g in classes}
    learners: dict[int, list[Learner]] = {g.id: [] for g in classes}
    for learner in session.scalars(select(Learner).where(Learner.group_id.in_(list(learners))).order_by(Learner.id)):
        learners[learner.group_id].append(learner)

    # Last year, closed, with the classes this year's learners came from.
    templates = [(p, t) for p in organisation.plugins for t in host.calendar(p, y - 1)]
    prev = AcademicYear(org_id=organisation.id, name=f"{y - 1}/{y}", closed=True,
                        start=min(t.start for _, t in templates), end=max(t.end for _, t in templates))
    session.add(prev)
    session.flush()
    session.add_all([Period(org_id=organisation.id, year_id=prev.id, plugin=p, type_code=t.type_code, name=t.name,
                            start=t.start, end=t.end, order=t.order, is_final=host.period_types[t.type_code].is_final)
                     for p, t in templates])
    # Its calendar kept the production calendar's days off (09.01.2026, 09.03.2026, 11.05.2026…).
    session.add_all([Holiday(org_id=organisation.id, year_id=prev.id, name=n[:120], start=s, end=e, public=True)
                     for n, s, e in official_holidays(prev.start, prev.end)])
    old = {}
    for g in classes:
        if g.level in (1, 10):
            continue  # grade 1 and grade 10 are enrolled, not promoted
        letter = g.name[len(str(g.level)):]
        old[g.id] = LearnerGroup(org_id=organisation.id, year_id=prev.id, kind=CLASS, name=f"{g.level - 1}{letter}",
                                 level=g.level - 1, leader_id=g.leader_id)
    graduates_of = LearnerGroup(org_id=organisation.id, year_id=prev.id, kind=CLASS, name="11А", level=11,
                                leader_id=by_name["11Б"].leader_id if "11Б" in by_name else classes[-1].leader_id)
    session.add_all([*old.values(), graduates_of])
    session.flush()

    numbers: dict[int, int] = {}

    def number(day: dt.date) -> str:
        numbers[day.year] = numbers.get(day.year, 0) + 1
        return f"Д-{day.year}-{numbers[day.year]:03d}"

    orders = []
    # 1st grade: decisions in spring, entered within 3 working days.
    first_day = dt.date(y, 9, 1)
    decided = _weekday(dt.date(y, 4, 3))
    no = number(decided)
    for g in classes:
        if g.level == 1:
            orders += [MovementOrder(org_id=organisation.id, number=no, date=decided, event_date=first_day, kind=ENROL,
                                     learner_id=l.id, to_group_id=g.id, year_id=year.id,
                                     created_at=_at(add_working_days(decided, 1)))
                       for l in learners[g.id]]
    # Last year's 11th grade graduated by 1 July.
    graduated_on = _weekday(dt.date(y, 6, 27))
    leavers = demo.add_learners(session, organisation, graduates_of, names, 3, age=17, start_year=y - 1,
                                enrolled_on=dt.date(y - 11, 9, 1))
    session.flush()
    no = number(graduated_on)
    for learner in leavers:
        learner.left_on = graduated_on
        orders.append(MovementOrder(org_id=organisation.id, number=no, date=graduated_on, event_date=graduated_on,
                                    kind=GRADUATE, learner_id=learner.id, from_group_id=graduates_of.id, year_id=prev.id,
                                    destination="Окончил 11 классов", created_at=_at(graduated_on, 15)))
    # Promotion of grades 1–8 and 10 by 31 August.
    promoted_on = _weekday(dt.date(y, 8, 29))
    no = number(promoted_on)
    for g in classes:
        if g.id in old:
            orders += [MovementOrder(org_id=organisation.id, number=no, date=promoted_on, event_date=first_day,
                                     kind=PROMOTE, learner_id=l.id, from_group_id=old[g.id].id, to_group_id=g.id,
                                     year_id=prev.id, destination=f"Переведён в {g.name} класс",
                                     created_at=_at(promoted_on, 16)) for l in learners[g.id]]
    # 10th grade enrolment by 31 August.
    no = number(promoted_on)
    for g in classes:
        if g.level == 10:
            orders += [MovementOrder(org_id=organisation.id, number=no, date=promoted_on, event_date=first_day,
                                     kind=ENROL, learner_id=l.id, to_group_id=g.id, year_id=year.id,
                                     destination="Заявление родителей, аттестат об основном общем образовании",
                                     created_at=_at(promoted_on, 17)) for l in learners[g.id]]
    session.add_all(orders)
    session.flush()

    # During this year: a transfer, a departure and an enrolment entered late.
    if today - dt.timedelta(days=25) < year.start:
        return
    if "3А" in by_name:
        came = _weekday(today - dt.timedelta(days=14))
        (newcomer,) = demo.add_learners(session, organisation, by_name["3А"], names, 1, age=9, start_year=y,
                                        enrolled_on=came)
        session.flush()
        session.add(MovementOrder(org_id=organisation.id, number=number(came), date=came, event_date=came, kind=ENROL,
                                  learner_id=newcomer.id, to_group_id=by_name["3А"].id, year_id=year.id,
                                  destination="Прибыл из МБОУ «Гимназия № 2» г. Тольятти",
                                  created_at=_at(add_working_days(came, 5))))  # late: shown to the Завуч
    moved_on = _weekday(today - dt.timedelta(days=8))
    if "6А" in by_name and "6Б" in by_name and learners[by_name["6А"].id]:
        learner = learners[by_name["6А"].id][-1]
        learner.group_id = by_name["6Б"].id
        _forget_after(session, learner.id, by_name["6А"].id, moved_on - dt.timedelta(days=1))
        session.add(MovementOrder(org_id=organisation.id, number=number(moved_on), date=moved_on, event_date=moved_on,
                                  kind=TRANSFER, learner_id=learner.id, from_group_id=by_name["6А"].id,
                                  to_group_id=by_name["6Б"].id, year_id=year.id, destination="Заявление родителей",
                                  created_at=_at(moved_on)))
    left_on = _weekday(today - dt.timedelta(days=4))
    if "7Б" in by_name and learners[by_name["7Б"].id]:
        learner = learners[by_name["7Б"].id][0]
        learner.left_on = left_on
        _forget_after(session, learner.id, by_name["7Б"].id, left_on)
        session.add(MovementOrder(org_id=organisation.id, number=number(left_on), date=left_on, event_date=left_on,
                                  kind=DEPART, learner_id=learner.id, from_group_id=by_name["7Б"].id, year_id=year.id,
                                  destination="выбыл в МБОУ СОШ № 5 г. Самара",
                                  created_at=_at(add_working_days(left_on, 1))))
    session.flush()


def _forget_after(session, learner_id: int, group_id: int, last_day: dt.date) -> None:
    """The demo journal was filled before the learner moved: drop what it invented after he left."""
    lessons = select(Lesson.id).where(Lesson.group_id == group_id, Lesson.date > last_day)
    session.execute(delete(Mark).where(Mark.learner_id == learner_id, Mark.assignment_id.in_(
        select(Assignment.id).where(Assignment.lesson_id.in_(lessons)))))
    session.execute(delete(Attendance).where(Attendance.learner_id == learner_id, Attendance.lesson_id.in_(lessons)))
