"""Activity: logins and key actions are counted per user, kind and day, cheaply;
the monthly activity report counts teachers', parents' and learners' activity."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Account, ActivityDay
from app.scoping import acting_as
from app.services.activity import record_ids
from tests.test_monitoring_reports import _run
from tests.test_query_counts import count_queries
from tests.world import TODAY

pytestmark = pytest.mark.dates
MONTH = TODAY.replace(day=1)  # the month of the reports: the world's


def _counts(app, username) -> dict[str, int]:
    with app.app_context(), acting_as(None):
        account = db.session.scalar(select(Account.id).where(Account.username == username))
        return dict(db.session.execute(select(ActivityDay.kind, ActivityDay.count)
                                       .where(ActivityDay.account_id == account)).all())


def test_logins_are_counted_once_a_row_per_day(app, client, login):
    login("parent1")
    login("parent1")
    assert _counts(app, "parent1") == {"login": 2}
    with app.app_context(), acting_as(None):
        assert len(db.session.scalars(select(ActivityDay)).all()) == 1


def test_a_failed_login_is_not_counted(app, client):
    client.post("/login/", data={"username": "parent1", "password": "неверный"})
    assert _counts(app, "parent1") == {}


def test_marks_and_attendance_saved_in_the_grid_are_counted(app, client, login, world):
    from tests.test_journal import _lesson, _mark

    lesson = _lesson(app, world)
    login("teacher1")
    response = client.post("/journal/save", json={"changes": [
        _mark(lesson, world.org1_child, "5", key="a"), {**_mark(lesson, world.org1_sibling, "ОТ", key="b"), "kind": "attendance"}]})
    assert [r["status"] for r in response.get_json()["results"]] == ["saved", "saved"]
    assert _counts(app, "teacher1") == {"login": 1, "marks": 1, "attendance": 1}
    client.post("/journal/save", json={"changes": [_mark(lesson, world.org1_learner3, "4", key="c")]})
    assert _counts(app, "teacher1")["marks"] == 2


def test_diary_views_and_messages_are_counted(app, client, login, world):
    login("parent1")
    client.get("/diary/")
    client.get("/diary/period")
    with app.app_context(), acting_as(None):
        teacher = db.session.scalar(select(Account.id).where(Account.username == "teacher1"))
    client.post("/mail/new", data={"to": [str(teacher)], "subject": "Вопрос", "body": "Когда контрольная?"})
    assert _counts(app, "parent1") == {"login": 1, "diary": 2, "message": 1}


def test_recording_is_one_statement_after_the_first_of_the_day(app):
    with app.app_context():
        record_ids(db.session, 1, 1, "diary", TODAY)
        db.session.commit()
        with count_queries(app) as n:
            record_ids(db.session, 1, 1, "diary", TODAY)
            db.session.commit()
        assert n["n"] <= 2  # the UPDATE (and the COMMIT on some drivers)
        assert db.session.scalar(select(ActivityDay.count)) == 2


def _seed(app, world, rows):
    with app.app_context(), acting_as(None):
        ids = dict(db.session.execute(select(Account.username, Account.id)).all())
        for username, kind, day, count in rows:
            record_ids(db.session, ids[username], world.org1, kind, day, count)
        db.session.commit()


def test_monthly_activity_report_on_hand_made_data(app, world):
    day = MONTH + dt.timedelta(days=2)
    _seed(app, world, [
        ("teacher1", "login", day, 2), ("teacher1", "login", day + dt.timedelta(days=1), 1),
        ("teacher1", "marks", day, 30), ("teacher1", "homework", day, 2), ("teacher1", "message", day, 1),
        ("parent1", "login", day, 1), ("parent1", "diary", day, 4),
        ("learner1", "login", MONTH - dt.timedelta(days=2), 5),  # the month before: not in this month's report
        ("admin1", "announcement", day, 1), ("admin1", "login", day, 1),
    ])
    summary, teachers, groups = _run(app, "core.user_activity", "deputy1", month=f"{MONTH:%Y-%m}")
    rows = {r[0]: r[1:] for r in summary.rows}
    # accounts, signed in, %, logins, marks, attendance, homework, messages, announcements, diary
    assert rows["Учителя"] == [2, 1, 50.0, 3, 30, 0, 2, 1, 0, 0]
    assert rows["Родители"] == [1, 1, 100.0, 1, 0, 0, 0, 0, 0, 4]
    assert rows["Обучающиеся"] == [1, 0, 0.0, 0, 0, 0, 0, 0, 0, 0]
    assert rows["Администрация и другие сотрудники"][:4] == [4, 1, 25.0, 1]
    by_teacher = {r[0]: r[1:] for r in teachers.rows}
    assert by_teacher["Тестов Teacher1"] == [2, 3, 30, 0, 2, 1, 0]
    assert by_teacher["Тестов Otherteacher1"] == [0, 0, 0, 0, 0, 0, 0]
    assert groups.rows == [["5А", 1, 0, 0, 1, 1, 4]]


def test_activity_report_refusals(app, client, login, world):
    month = f"{MONTH:%Y-%m}"
    login("teacher1")
    assert client.get("/reports/core.user_activity/").status_code == 404  # not among his reports
    login("admin2")  # another organisation's: the page refuses the parameter and runs nothing
    page = client.get(f"/reports/core.user_activity/?run=1&organisation={world.org1}&month={month}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "«Организация»: значение не найдено или вам недоступно." in text
    assert "Активность учителей" not in text and "Тестов Teacher1" not in text
    login("uo_a")  # the authority sees its organisations
    page = client.get(f"/reports/core.user_activity/?run=1&organisation={world.org1}&month={month}")
    assert page.status_code == 200 and "Активность учителей" in page.get_data(as_text=True)
