"""Two teachers save the same cell at the same moment: one wins, the other gets
a conflict with the current value — nothing is silently overwritten. Runs real
concurrent requests against PostgreSQL (SQLite serialises writers)."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Assignment, Lesson, Mark

from .conftest import PG_URL
from .world import PASSWORD

pytestmark = pytest.mark.skipif(not PG_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)")


def _race(app, changes_by_user):
    barrier = threading.Barrier(len(changes_by_user))
    results = {}

    def run(username, change):
        client = app.test_client()
        client.post("/login/", data={"username": username, "password": PASSWORD})
        barrier.wait()
        results[username] = client.post("/journal/save", json={"changes": [change]}).get_json()["results"][0]

    threads = [threading.Thread(target=run, args=item) for item in changes_by_user.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


def test_concurrent_updates_of_one_mark(app, world):
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, date=clock.today(), number=7, topic="Тема")
        db.session.add(lesson)
        db.session.flush()
        assignment = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
        db.session.add(assignment)
        db.session.flush()
        db.session.add(Mark(org_id=world.org1, assignment_id=assignment.id, learner_id=world.org1_sibling, value="3"))
        db.session.commit()
        lesson_id, assignment_id = lesson.id, assignment.id
    base = {"key": "k", "kind": "mark", "lesson_id": lesson_id, "assignment_id": assignment_id,
            "learner_id": world.org1_sibling, "version": 1}
    # the substitute and the teacher, both looking at version 1
    with app.app_context():
        db.session.get(Lesson, lesson_id).substitute_id = world.org1_other_teacher
        db.session.commit()
    results = _race(app, {"teacher1": dict(base, value="4"), "otherteacher1": dict(base, value="5")})
    statuses = sorted(r["status"] for r in results.values())
    assert statuses == ["conflict", "saved"], results
    winner = next(r for r in results.values() if r["status"] == "saved")
    loser = next(r for r in results.values() if r["status"] == "conflict")
    assert loser["value"] == winner["value"]  # the loser is shown what is there now
    with app.app_context():
        assert db.session.scalar(select(Mark.value).where(Mark.assignment_id == assignment_id)) == winner["value"]


def test_concurrent_first_marks_of_one_cell(app, world):
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, substitute_id=world.org1_other_teacher,
                        date=clock.today(), number=8, topic="Тема")
        db.session.add(lesson)
        db.session.flush()
        assignment = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
        db.session.add(assignment)
        db.session.commit()
        lesson_id, assignment_id = lesson.id, assignment.id
    base = {"key": "k", "kind": "mark", "lesson_id": lesson_id, "assignment_id": assignment_id,
            "learner_id": world.org1_sibling, "version": None}
    results = _race(app, {"teacher1": dict(base, value="4"), "otherteacher1": dict(base, value="5")})
    assert sorted(r["status"] for r in results.values()) == ["conflict", "saved"], results
    with app.app_context():
        assert len(db.session.scalars(select(Mark).where(Mark.assignment_id == assignment_id)).all()) == 1


def test_two_first_marks_of_a_lesson_make_one_default_assignment(app, world):
    """The teacher and the substitute put the first mark of a new lesson at the same
    moment, each for another learner: one is saved, the other is told of a conflict,
    and the lesson has one assignment with one mark — ten lessons in a row."""
    clients = {}
    for username in ("teacher1", "otherteacher1"):
        clients[username] = app.test_client()
        with app.app_context():  # a context of its own: the signed-in user is kept in `g`
            assert clients[username].post("/login/", data={"username": username, "password": PASSWORD}
                                          ).status_code == 302
    learners = {"teacher1": world.org1_child, "otherteacher1": world.org1_sibling}
    for number in range(10):
        with app.app_context():
            lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                            teacher_id=world.org1_teacher, substitute_id=world.org1_other_teacher,
                            date=clock.today(), number=20 + number, topic="Тема")
            db.session.add(lesson)
            db.session.commit()
            lesson_id = lesson.id
        barrier = threading.Barrier(2)
        results = {}

        def run(username):
            change = {"key": "k", "kind": "mark", "lesson_id": lesson_id, "assignment_id": None,
                      "learner_id": learners[username], "version": None, "value": "4"}
            barrier.wait()
            results[username] = clients[username].post("/journal/save", json={"changes": [change]}).get_json()

        threads = [threading.Thread(target=run, args=(u,)) for u in clients]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        statuses = sorted(r["results"][0]["status"] for r in results.values())
        with app.app_context():
            assignments = db.session.scalars(select(Assignment.id).where(Assignment.lesson_id == lesson_id)).all()
            marks = db.session.scalars(select(Mark.id).where(Mark.assignment_id.in_(assignments))).all()
        # a save that did not overlap the other simply lands on the same assignment
        assert (len(assignments), len(marks)) == (1, statuses.count("saved")), results
