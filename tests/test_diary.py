"""Дневник for learners and parents: their own data only, the week, the period and the JSON."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.models import Account, Assignment, Attendance, Homework, HomeworkAttachment, Learner, Lesson, Mark
from app.models.timetable import ClassEvent
from tests.conftest import count_queries
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY, current_quarter

pytestmark = pytest.mark.dates
# Another day of the week of the world's lesson (on TODAY): the diary shows the whole week.
WEEK_OF_WORLD_LESSON = (TODAY + dt.timedelta(days=1 if TODAY.weekday() == 0 else -1)).isoformat()
DUE = TODAY + dt.timedelta(days=3)  # homework of the world's lesson, due a few days later
MONDAY = TODAY - dt.timedelta(days=TODAY.weekday())


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


def _full_lesson(s, world, day: dt.date, number: int, topic: str, files: int = 2) -> int:
    """A lesson of the child's class on ``day`` given by a substitute, held at a distance,
    with all a diary line shows: two marks of the child (a debt first), his absence,
    general homework with ``files`` files, his individual homework and his sister's."""
    lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                    teacher_id=world.org1_teacher, substitute_id=world.org1_other_teacher, date=day, number=number,
                    topic=topic, distance=True)
    s.add(lesson)
    s.flush()
    oral, test = (Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=w) for w in (1, 2))
    s.add_all([oral, test])
    s.flush()
    s.add_all([
        Mark(org_id=world.org1, assignment_id=test.id, learner_id=world.org1_child, value="", is_debt=True,
             comment="Нет тетради"),
        Mark(org_id=world.org1, assignment_id=oral.id, learner_id=world.org1_child, value="4"),
        Mark(org_id=world.org1, assignment_id=oral.id, learner_id=world.org1_sibling, value="3"),
        Attendance(org_id=world.org1, learner_id=world.org1_child, lesson_id=lesson.id, date=day,
                   code_id=world.org1_code),
    ])
    general = Homework(org_id=world.org1, lesson_id=lesson.id, text=f"{topic}: § 5", due_date=day + dt.timedelta(days=2))
    s.add_all([general,
               Homework(org_id=world.org1, lesson_id=lesson.id, learner_id=world.org1_child, text=f"{topic}: карточка",
                        due_date=day + dt.timedelta(days=1)),
               Homework(org_id=world.org1, lesson_id=lesson.id, learner_id=world.org1_sibling,
                        text=f"{topic}: карточка сестры", due_date=day + dt.timedelta(days=1))])
    s.flush()
    s.add_all([HomeworkAttachment(org_id=world.org1, homework_id=general.id, filename=f"{topic}-{n}.pdf",
                                  stored_name=f"{lesson.id}-{n}", content_type="application/pdf", size=100 + n)
               for n in range(files)])
    s.flush()
    return lesson.id


def test_diary_json_gives_the_whole_line_of_a_lesson(app, client, login, world):
    with app.app_context():
        s = db.session
        earlier = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                         teacher_id=world.org1_teacher, date=MONDAY - dt.timedelta(days=7), number=1, topic="Проценты")
        s.add(earlier)
        s.flush()
        s.add(Homework(org_id=world.org1, lesson_id=earlier.id, text="Повторить проценты", due_date=MONDAY))
        s.add(ClassEvent(org_id=world.org1, group_id=world.org1_group, kind="subbotnik", title="Уборка двора",
                         start=MONDAY - dt.timedelta(days=1), end=MONDAY, note="В перчатках"))
        lesson_id = _full_lesson(s, world, MONDAY, 3, "Доли")
        files = s.execute(db.select(HomeworkAttachment.id).order_by(HomeworkAttachment.id)).scalars().all()
        s.commit()
    login("parent1")
    days = client.get(f"/api/v1/diary/{world.org1_child}/week?date={MONDAY.isoformat()}").get_json()["days"]
    (line,) = [l for l in days[0]["lessons"] if l["id"] == lesson_id]
    assert line == {
        "id": lesson_id, "number": 3, "subject": "Математика", "topic": "Доли", "teacher": "Другова В.",
        "distance": True, "attendance": "ОТ",
        "marks": [{"value": ".", "type": "Ответ на уроке", "weight": 2.0, "debt": True, "comment": "Нет тетради"},
                  {"value": "4", "type": "Ответ на уроке", "weight": 1.0, "debt": False, "comment": ""}],
        "homework": [
            {"text": "Доли: § 5", "due": (MONDAY + dt.timedelta(days=2)).isoformat(), "individual": False,
             "files": [{"id": files[0], "filename": "Доли-0.pdf", "size": 100},
                       {"id": files[1], "filename": "Доли-1.pdf", "size": 101}]},
            {"text": "Доли: карточка", "due": (MONDAY + dt.timedelta(days=1)).isoformat(), "individual": True,
             "files": []},
        ],
    }
    assert [d["homework_due"] for d in days[:3]] == [
        [{"subject": "Математика", "text": "Повторить проценты", "individual": False}],
        [{"subject": "Математика", "text": "Доли: карточка", "individual": True}],
        [{"subject": "Математика", "text": "Доли: § 5", "individual": False}],
    ]
    assert days[0]["extras"] == [{"date": MONDAY.isoformat(), "kind": "Субботник", "title": "Уборка двора",
                                  "note": "В перчатках"}]


@pytest.mark.parametrize("path", ["/api/v1/diary/{child}/week?date={monday}", "/diary/?date={monday}"])
def test_diary_week_runs_as_many_queries_however_full_the_week(app, client, login, world, path):
    """The week's lessons, marks, attendance, homework, files and events are read by a
    fixed number of queries: a full week of the child's runs as many as a nearly empty one."""
    def fill_the_week():
        with app.app_context():
            s = db.session
            for n in range(5):
                day = MONDAY + dt.timedelta(days=n)
                for number in (4, 5):
                    _full_lesson(s, world, day, number, f"Тема {n}-{number}", files=3)
                s.add(ClassEvent(org_id=world.org1, group_id=world.org1_group, kind="meeting", title=f"Собрание {n}",
                                 start=day, end=day + dt.timedelta(days=1)))
            s.commit()

    login("parent1")
    page = assert_fixed_queries(app, client, path.format(child=world.org1_child, monday=MONDAY.isoformat()),
                                fill_the_week)
    assert page.get_data(as_text=True).count(".pdf") == 5 * 2 * 3  # the full week was read: every file of it


def test_the_week_is_read_in_three_queries(app, world):
    """The diary's own reads of a week, whatever it holds: the class's events, the lessons
    with their subject, teacher, marks and attendance, and the homework with its files."""
    from app.scoping import acting_as, resolve_scope
    from app.services.diary import week

    with app.app_context():
        for n in range(5):
            _full_lesson(db.session, world, MONDAY + dt.timedelta(days=n), 4, f"Тема {n}")
        db.session.commit()
    with app.test_request_context():
        session = db.session
        parent = session.get(Account, world.user_parent1)
        child = session.get(Learner, world.org1_child)
        with acting_as(resolve_scope(session, parent, app.extensions["ejournal"])):
            week(session, child, MONDAY)  # the organisation's reference data (subjects, codes) read once
            with count_queries(app) as n:
                data = week(session, child, MONDAY)
    assert (n["n"], sum(len(d["lessons"]) for d in data["days"])) == (3, 5 + 1)  # and the world's lesson


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


@pytest.mark.parametrize("path", ["/api/v1/diary/{child}/period?period={period}", "/diary/period?period={period}"])
def test_diary_period_runs_as_many_queries_however_many_marks(app, client, login, world, path):
    """The period's marks, finals, kinds of work and subjects are read by a fixed number of
    queries: ten more lessons with two marks each run as many as the world's one mark."""
    start = current_quarter()[2]  # the world's period
    days = [d for d in (start + dt.timedelta(days=n) for n in range(14)) if d.weekday() < 5]

    def fill_the_period():
        with app.app_context():
            for n, day in enumerate(days):
                _full_lesson(db.session, world, day, 6, f"Тема {n}", files=0)
            db.session.commit()

    login("parent1")
    page = assert_fixed_queries(app, client, path.format(child=world.org1_child, period=world.org1_period),
                                fill_the_period)
    if path.startswith("/api"):
        (math,) = page.get_json()["subjects"]
        assert len(math["marks"]) == 1 + 2 * len(days)  # the world's mark and the child's two of each lesson
    else:
        assert page.get_data(as_text=True).count('class="diary-mark') == 1 + 2 * len(days)


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
