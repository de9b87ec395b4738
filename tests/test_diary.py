"""Дневник for learners and parents: their own data only, the week, the period and the JSON."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.models import Homework
from tests.world import TODAY, current_quarter

pytestmark = pytest.mark.dates
# Another day of the week of the world's lesson (on TODAY): the diary shows the whole week.
WEEK_OF_WORLD_LESSON = (TODAY + dt.timedelta(days=1 if TODAY.weekday() == 0 else -1)).isoformat()
DUE = TODAY + dt.timedelta(days=3)  # homework of the world's lesson, due a few days later


def _homework(app, world, learner=None, text="№ 245, 246"):
    with app.app_context():
        db.session.add(Homework(org_id=world.org1, lesson_id=world.org1_lesson, learner_id=learner, text=text,
                                due_date=DUE))
        db.session.commit()


def test_parent_sees_the_week_of_own_child(app, client, login, world):
    _homework(app, world)
    _homework(app, world, learner=world.org1_sibling, text="Индивидуально для Петровой")
    login("parent1")
    page = client.get(f"/diary/?date={WEEK_OF_WORLD_LESSON}").get_data(as_text=True)
    assert "Иванов Иван" in page and "Дроби" in page and "Математика" in page
    assert ">5</span>" in page  # the child's mark
    assert "№ 245, 246" in page
    assert "Индивидуально для Петровой" not in page  # another child's individual homework


def test_parent_never_reaches_another_child(client, login, world):
    login("parent1")
    for other in (world.org1_sibling, world.org1_stranger, world.org3_child):
        assert client.get(f"/diary/?learner={other}").status_code == 404
        assert client.get(f"/diary/period?learner={other}").status_code == 404
        assert client.get(f"/api/v1/diary/{other}/week").status_code == 404
        assert client.get(f"/api/v1/diary/{other}/period").status_code == 404


def test_learner_sees_only_himself(client, login, world):
    login("learner1")
    assert "Иванов Иван" in client.get(f"/diary/?date={WEEK_OF_WORLD_LESSON}").get_data(as_text=True)
    assert client.get(f"/diary/?learner={world.org1_sibling}").status_code == 404
    assert client.get(f"/api/v1/diary/{world.org1_sibling}/week").status_code == 404


def test_staff_without_the_diary_right_are_refused(client, login, world):
    login("teacher1")
    assert client.get("/diary/").status_code == 403
    assert client.get(f"/api/v1/diary/{world.org1_child}/week").status_code == 403


def test_diary_json_has_marks_with_type_and_weight(client, login, world):
    login("parent1")
    data = client.get(f"/api/v1/diary/{world.org1_child}/week?date={WEEK_OF_WORLD_LESSON}").get_json()
    today = next(d for d in data["days"] if d["date"] == TODAY.isoformat())
    (lesson,) = today["lessons"]
    assert lesson["subject"] == "Математика" and lesson["topic"] == "Дроби"
    assert lesson["marks"] == [{"value": "5", "type": "Ответ на уроке", "weight": 1.0, "debt": False, "comment": ""}]


def test_period_view_has_average_forecast_and_final(client, login, world):
    login("parent1")
    data = client.get(f"/api/v1/diary/{world.org1_child}/period?period={world.org1_period}").get_json()
    (math,) = data["subjects"]
    assert math["average"] == 5.0 and math["forecast"] == "5"
    assert math["enough_marks"] is False  # one mark, the school's minimum is 3
    quarter = current_quarter()[1]  # the world's period
    assert math["final"] == {quarter: "5"}
    page = client.get(f"/diary/period?period={world.org1_period}").get_data(as_text=True)
    assert "мало отметок" in page and f"{quarter}: <strong>5</strong>" in page


def test_openapi_describes_the_diary(client, login):
    login("sysadmin")
    spec = client.get("/api/v1/_openapi").get_json()
    assert "/api/v1/diary/{learner_id}/week" in spec["paths"]
    assert "/api/v1/diary/{learner_id}/period" in spec["paths"]


def test_parent_downloads_homework_files_of_own_child_only(app, client, login, world, tmp_path):
    import io

    app.config["UPLOAD_DIR"] = str(tmp_path)
    login("teacher1")
    for learner, name in [("", "всем.pdf"), (str(world.org1_sibling), "петровой.pdf")]:
        client.post(f"/lesson/{world.org1_lesson}/homework", data={
            "text": f"Задание {name}", "due": DUE.isoformat(), "learner": learner,
            "files": [(io.BytesIO(name.encode()), name)]}, content_type="multipart/form-data")
    from sqlalchemy import select

    from app.models import HomeworkAttachment

    with app.app_context():
        ids = dict(db.session.execute(select(HomeworkAttachment.filename, HomeworkAttachment.id)).all())
    login("parent1")
    page = client.get(f"/diary/?date={WEEK_OF_WORLD_LESSON}").get_data(as_text=True)
    assert "всем.pdf" in page and "петровой.pdf" not in page
    assert client.get(f"/diary/attachment/{ids['всем.pdf']}").data == "всем.pdf".encode()
    assert client.get(f"/diary/attachment/{ids['петровой.pdf']}").status_code == 404
