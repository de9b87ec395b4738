"""R13 and the КТП's hours: a college's пара holds two academic hours (``GroupKind.lesson_hours``),
so a topic of 4 hours fills two пары there and four уроки at a school."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import LearnerGroup, Lesson, Organisation
from app.models.plans import LessonPlan, PlanTopic
from app.scoping import acting_as
from app.services.plans import TopicRow, lessons_for, r13_check, r13_result, replace_topics
from tests.world import TODAY


def _days(n: int) -> list[dt.date]:
    days, day = [], TODAY
    while len(days) < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


def _flow(world, org: str, topics: list[TopicRow], lessons: int = 6) -> list[str]:
    """Lessons of the org's 5А on the weekdays after TODAY, then the plan ``topics``:
    the topics the lessons got from TODAY on, in order. The world's own lesson of TODAY keeps
    its teacher's «Дроби» and still takes its place: the plan's first lesson."""
    s = db.session
    group = s.get(LearnerGroup, world.ids[f"{org}_group"])
    for day in _days(lessons):
        s.add(Lesson(org_id=group.org_id, group_id=group.id, subject_id=world.ids[f"{org}_subject"],
                     teacher_id=world.ids[f"{org}_teacher"], date=day, number=1, topic=""))
    s.flush()
    plan = replace_topics(s, group, world.ids[f"{org}_subject"], None, topics, None, dt.datetime(2026, 11, 1))
    s.commit()
    return [l.topic for l in s.scalars(select(Lesson).where(Lesson.group_id == group.id, Lesson.date >= TODAY,
                                                            Lesson.subject_id == plan.subject_id)
                                       .order_by(Lesson.date, Lesson.number))]


PLAN = [TopicRow("Алгоритмы", 4, None), TopicRow("Ветвления", 2, None), TopicRow("Циклы", 3, None)]


def test_a_college_topic_of_four_hours_takes_two_pairs(app, world):
    with app.app_context(), acting_as(None):
        host = current_app.extensions["ejournal"]
        assert host.group_kinds["college_group"].lesson_hours == 2
        assert host.group_kinds["class"].lesson_hours == 1
        topics = _flow(world, "org2", PLAN)
        # 4 h → 2 пары, 2 h → 1 пара, 3 h → 2 пары (the odd hour still takes a пара): the whole plan is held.
        assert topics == ["Дроби", "Алгоритмы", "Ветвления", "Циклы", "Циклы", "", ""]


def test_a_school_topic_of_four_hours_takes_four_lessons(app, world):
    with app.app_context(), acting_as(None):
        topics = _flow(world, "org1", PLAN, lessons=8)
        assert topics == ["Дроби"] + ["Алгоритмы"] * 3 + ["Ветвления"] * 2 + ["Циклы"] * 3


def test_r13_counts_the_pairs_of_a_college_and_keeps_the_school_message(app, world):
    with app.app_context(), acting_as(None):
        host = current_app.extensions["ejournal"]
        college = db.session.get(Organisation, world.org2)
        school = db.session.get(Organisation, world.org1)
        # A college's curriculum counts the semester's hours: 102 h of the plan are 51 пара.
        result = r13_result(host, college, "college_group", 2, 102, 102)
        assert result.ok and result.lesson_hours == 2 and result.lessons == 51
        assert "Число пар по 2 ч — 51." in result.message
        odd = r13_result(host, college, "college_group", 2, 101, 102)
        assert not odd.ok and odd.lessons == 51 and "не делятся на 2 без остатка" in odd.message
        # A school's урок is one hour: the message says nothing of lessons.
        lesson = r13_result(host, school, "class", 5, 170, 5)
        assert lesson.lesson_hours == 1 and lesson.lessons == 170
        assert "Число" not in lesson.message and "170 ч" in lesson.message
        # r13_check reads the group's kind.
        group = db.session.get(LearnerGroup, world.org2_group)
        probe = LessonPlan(year_id=group.year_id, group_id=group.id, subject_id=world.org2_subject)
        assert r13_check(db.session, host, college, probe, group, planned=8).lesson_hours == 2


def test_lessons_for():
    assert [lessons_for(h, 2) for h in (0, 1, 2, 3, 4)] == [0, 1, 1, 2, 2]
    assert [lessons_for(h, 1) for h in (0, 1, 4)] == [0, 1, 4]


def test_the_plan_page_of_a_college_counts_pairs(app, client, login, world):
    from tests.world import _user

    with app.app_context(), acting_as(None):
        _flow(world, "org2", PLAN)
        sm = current_app.appbuilder.sm
        from app.models import Staff

        _user(sm, "plan_teacher2", ["Учитель"], db.session.get(Organisation, world.org2),
              person=db.session.get(Staff, world.org2_teacher))
        assert db.session.scalar(select(PlanTopic.hours).where(PlanTopic.title == "Циклы")) == 3
    login("plan_teacher2")
    page = client.get(f"/plans/plan?group={world.org2_group}&subject={world.org2_subject}").get_data(as_text=True)
    assert ("Число пар по 2 ч — 5." in page, "тема на N часов занимает N / 2 пар" in page) == (True, True)
