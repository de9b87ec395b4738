"""A user's scope and rights are worked out once and kept (app/scoping/cache.py); any
change of what they are made of, by anyone, takes effect on the user's next request."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import GuardianLink, LearnerGroup, TeachingAssignment
from tests.conftest import count_queries


def _save_rights(app, org_id: int, wanted: dict) -> None:
    """What the rights page stores (``app.rights.save``), done apart from the user's browser."""
    from app import rights

    with app.app_context():
        assert rights.save(db.session, app.extensions["ejournal"], org_id, wanted)
        db.session.commit()


def test_a_right_removed_takes_effect_on_the_next_request(app, client, login, world):
    login("teacher1")
    url = f"/api/v1/marks/{world.org1_mark}"
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200  # kept, not worked out again
    # He teaches the class and leads it: both of his roles lose the right.
    _save_rights(app, world.org1, {("Учитель", "Marks"): "none", ("Классный руководитель", "Marks"): "none"})
    assert client.get(url).status_code == 403


def test_a_teacher_taken_off_a_class_loses_its_journal_on_the_next_request(app, client, login, world):
    with app.app_context():
        subject = db.session.scalar(select(TeachingAssignment.subject_id)
                                    .where(TeachingAssignment.group_id == world.org1_group))
        db.session.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_other_teacher,
                                          subject_id=subject, group_id=world.org1_group, hours_per_week=1))
        db.session.commit()
    login("otherteacher1")
    url = f"/journal/?group={world.org1_group}&subject={world.org1_subject}"
    assert client.get(url).status_code == 200
    with app.app_context():
        db.session.delete(db.session.scalar(select(TeachingAssignment).where(
            TeachingAssignment.teacher_id == world.org1_other_teacher, TeachingAssignment.group_id == world.org1_group)))
        db.session.commit()
    assert client.get(url).status_code == 404


def test_a_class_teacher_relieved_of_the_class_issues_no_logins_there_on_the_next_request(app, client, login, world):
    """Where his leader's right reaches is kept with his scope: the class given to
    another class teacher leaves it on his next request."""
    with app.app_context():  # he leads a second class too, and stays a class teacher
        db.session.get(LearnerGroup, world.org1_other_group).leader_id = world.org1_teacher
        db.session.commit()
    login("teacher1")
    url = f"/issue-logins/?group={world.org1_group}"
    assert "только для своих классов" not in client.get(url).get_data(as_text=True)
    assert "только для своих классов" not in client.get(url).get_data(as_text=True)  # kept
    with app.app_context():
        db.session.get(LearnerGroup, world.org1_group).leader_id = world.org1_other_teacher
        db.session.commit()
    assert "только для своих классов" in client.get(url).get_data(as_text=True)
    assert "только для своих классов" not in client.get(f"/issue-logins/?group={world.org1_other_group}") \
        .get_data(as_text=True)


def test_a_guardian_unlinked_no_longer_sees_the_child_on_the_next_request(app, client, login, world):
    login("parent1")
    parent = client
    url = f"/api/v1/diary/{world.org1_child}/week"
    assert parent.get(url).status_code == 200
    with app.app_context():
        link = db.session.scalar(select(GuardianLink).where(GuardianLink.learner_id == world.org1_child))
        db.session.delete(link)
        db.session.commit()
    assert parent.get(url).status_code == 404


def test_another_organisations_change_keeps_the_teachers_scope(app, client, login, world):
    """A change in org3 renews org3's tokens only: org1's teacher is not worked out again."""
    login("teacher1")
    teacher = client
    url = f"/api/v1/marks/{world.org1_mark}"
    teacher.get(url)
    with count_queries(app) as before:
        assert teacher.get(url).status_code == 200
    _save_rights(app, world.org3, {("Учитель", "Marks"): "none"})
    with count_queries(app) as after:
        assert teacher.get(url).status_code == 200
    assert after["n"] == before["n"]


def test_a_diary_request_runs_fewer_queries_once_the_scope_is_known(app, client, login, world):
    from app.scoping.cache import EXTENSION

    login("parent1")
    parent = client
    url = f"/api/v1/diary/{world.org1_child}/week"
    app.extensions.pop(EXTENSION, None)  # as before the cache: everything worked out on the request
    with count_queries(app) as worked_out:
        assert parent.get(url).status_code == 200
    with count_queries(app) as known:
        assert parent.get(url).status_code == 200
    assert (worked_out["n"], known["n"]) == (16, 6)
