"""Two teachers save the same cell at the same moment: one wins, the other gets
a conflict with the current value — nothing is silently overwritten. Runs real
concurrent requests against PostgreSQL (SQLite serialises writers)."""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select

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
                        teacher_id=world.org1_teacher, date=dt.date.today(), number=7, topic="Тема")
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
                        date=dt.date.today(), number=8, topic="Тема")
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
