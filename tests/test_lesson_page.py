"""The lesson page: topic required, distance format, assignments with weight, homework with files."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Assignment, Homework, HomeworkAttachment, Lesson
from tests.world import TODAY

pytestmark = pytest.mark.dates
# The world's lessons are on TODAY: homework is due a few days later.
DUE = (TODAY + dt.timedelta(days=3)).isoformat()


def test_topic_is_required_and_its_time_recorded(app, client, login, world):
    login("teacher1")
    response = client.post(f"/lesson/{world.org1_lesson}", data={"topic": "  "}, follow_redirects=True)
    assert "Укажите тему урока" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Lesson, world.org1_lesson).topic == "Дроби"
    client.post(f"/lesson/{world.org1_lesson}", data={"topic": "Сравнение дробей", "distance": "y",
                                                      "distance_platform": "Сферум", "distance_time": "10:00"})
    with app.app_context():
        lesson = db.session.get(Lesson, world.org1_lesson)
        assert (lesson.topic, lesson.distance, lesson.distance_platform) == ("Сравнение дробей", True, "Сферум")
        assert lesson.topic_entered_at is not None


def test_assignment_with_type_and_weight(app, client, login, world):
    login("teacher1")
    bad = client.post(f"/lesson/{world.org1_lesson}/assignment", data={"type": world.org1_type, "weight": "20"},
                      follow_redirects=True)
    assert "Вес задания должен быть" in bad.get_data(as_text=True)
    client.post(f"/lesson/{world.org1_lesson}/assignment", data={"type": world.org1_type, "weight": "1,5",
                                                                 "title": "Проверочная"})
    with app.app_context():
        weights = db.session.scalars(select(Assignment.weight).where(Assignment.lesson_id == world.org1_lesson)
                                     .order_by(Assignment.id)).all()
    assert [float(w) for w in weights] == [1.0, 1.5]


def test_homework_individual_and_files(app, client, login, world, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login("teacher1")
    client.post(f"/lesson/{world.org1_lesson}/homework", data={
        "text": "Карточка № 3", "due": DUE, "learner": str(world.org1_sibling),
        "files": [(io.BytesIO(b"%PDF-1.4 test"), "карточка.pdf")]}, content_type="multipart/form-data")
    with app.app_context():
        hw = db.session.scalar(select(Homework).where(Homework.lesson_id == world.org1_lesson))
        assert (hw.text, hw.learner_id) == ("Карточка № 3", world.org1_sibling)
        (att,) = db.session.scalars(select(HomeworkAttachment)).all()
        assert att.filename == "карточка.pdf" and att.size == 13
        assert (tmp_path / att.stored_name).read_bytes() == b"%PDF-1.4 test"
    download = client.get(f"/lesson/attachment/{att.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 test"
    # an executable is refused and nothing is half-saved
    response = client.post(f"/lesson/{world.org1_lesson}/homework", data={
        "text": "Ещё", "due": DUE, "files": [(io.BytesIO(b"MZ"), "virus.exe")]},
        content_type="multipart/form-data", follow_redirects=True)
    assert "Файлы такого типа не принимаются" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(Homework).count() == 1


def test_homework_due_before_the_lesson_is_refused(client, login, world):
    login("teacher1")
    the_day_before = (TODAY - dt.timedelta(days=1)).isoformat()
    response = client.post(f"/lesson/{world.org1_lesson}/homework", data={"text": "x", "due": the_day_before},
                           follow_redirects=True)
    assert "раньше урока" in response.get_data(as_text=True)


def test_others_cannot_fill_the_lesson(app, client, login, world):
    login("otherteacher1")
    assert client.post(f"/lesson/{world.org1_lesson}", data={"topic": "Чужая тема"}).status_code == 404
    login("teacher3")
    assert client.get(f"/lesson/{world.org1_lesson}").status_code == 404
    login("parent1")
    assert client.get(f"/lesson/{world.org1_lesson}").status_code == 403
    with app.app_context():
        assert db.session.get(Lesson, world.org1_lesson).topic == "Дроби"


def test_another_class_homework_file_is_not_reachable(app, client, login, world, tmp_path):
    app.config["UPLOAD_DIR"] = str(tmp_path)
    login("otherteacher1")
    client.post(f"/lesson/{world.org1_other_lesson}/homework", data={
        "text": "Для 6Б", "due": DUE, "files": [(io.BytesIO(b"secret"), "6b.txt")]},
        content_type="multipart/form-data")
    with app.app_context():
        att = db.session.scalar(select(HomeworkAttachment))
    assert client.get(f"/lesson/attachment/{att.id}").status_code == 200
    login("teacher1")  # teaches 5А only
    assert client.get(f"/lesson/attachment/{att.id}").status_code == 404
