"""КТП: import from CSV and XLSX (all or nothing), R13, topics flowing into lessons, refusals."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LearnerGroup, Lesson, Subject, TeachingAssignment
from app.models.plans import CurriculumEntry, LessonPlan, LessonTopicLink, PlanTopic
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY

pytestmark = pytest.mark.dates

SAMPLE = Path(__file__).parent / "data" / "ktp_sample.csv"
# The sample's topics hour by hour (2 + 3 + 1 + 2 = 8 hours).
T1, T2, T3, T4 = ("Натуральные числа и шкалы", "Сложение и вычитание натуральных чисел",
                  "Контрольная работа № 1 «Натуральные числа»", "Умножение и деление натуральных чисел")


def _weekdays_after(day: dt.date, n: int) -> list[dt.date]:
    days = []
    while len(days) < n:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


# The world's own lesson of 5А is on TODAY and carries the teacher's topic «Дроби»; the lessons
# _setup adds come on the weekdays after it (DAYS[5]: where a lesson is moved to), all in the year.
DAYS = _weekdays_after(TODAY, 6)


def _setup(app, world, hours=5, lessons=5):
    """Curriculum: Математика 5 h a week in grade 5; lessons of 5А on DAYS[0:5] without topics
    (the world's own lesson of TODAY, before them, carries the teacher's topic «Дроби»)."""
    with app.app_context():
        s = db.session
        s.add(CurriculumEntry(org_id=world.org1, year_id=world.org1_year, level=5, subject_id=world.org1_subject,
                              hours_per_week=hours))
        ids = []
        for i in range(lessons):
            lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                            teacher_id=world.org1_teacher, date=DAYS[i], number=1, topic="")
            s.add(lesson)
            s.flush()
            ids.append(lesson.id)
        s.commit()
    return ids


def _plan_url(world, org="org1"):
    return f"/plans/plan?group={world.ids[f'{org}_group']}&subject={world.ids[f'{org}_subject']}"


def _upload(client, world, data: bytes, filename: str, org="org1"):
    return client.post("/plans/upload", data={
        "group": world.ids[f"{org}_group"], "subject": world.ids[f"{org}_subject"],
        "file": (io.BytesIO(data), filename)}, content_type="multipart/form-data", follow_redirects=True)


def _topics(app):
    with app.app_context():
        return [(t.title, t.hours, t.work_type) for t in
                db.session.scalars(select(PlanTopic).order_by(PlanTopic.plan_id, PlanTopic.position))]


def _lesson_topics(app, world):
    with app.app_context():
        return [(l.date, l.topic, l.topic_entered_at) for l in db.session.scalars(
            select(Lesson).where(Lesson.group_id == world.org1_group, Lesson.subject_id == world.org1_subject)
            .order_by(Lesson.date, Lesson.number))]


def test_import_csv_flows_topics_and_warns_r13(app, client, login, world):
    _setup(app, world)
    login("teacher1")
    html = _upload(client, world, SAMPLE.read_bytes(), "ktp.csv").get_data(as_text=True)
    assert "План сохранён" in html
    assert "В плане 8 ч, по учебному плану 170 ч" in html  # 5 h × 34 weeks
    assert _topics(app) == [(T1, 2, None), (T2, 3, None), (T3, 1, "test"), (T4, 2, "practical")]
    # Topics flow in order of dates; the teacher's own «Дроби» stays and takes its place (T1's first hour).
    assert [(d, t) for d, t, _ in _lesson_topics(app, world)] == [
        (TODAY, "Дроби"), (DAYS[0], T1), (DAYS[1], T2), (DAYS[2], T2), (DAYS[3], T2), (DAYS[4], T3)]
    # R7 measures the teacher's own entry: the plan never sets it.
    assert all(at is None for d, _, at in _lesson_topics(app, world) if d != TODAY)
    page = client.get(_plan_url(world)).get_data(as_text=True)
    assert "В плане 8 ч, по учебному плану 170 ч" in page and "alert-warning" in page


def test_import_xlsx_and_cp1251_csv(app, client, login, world):
    from openpyxl import Workbook

    _setup(app, world, hours=1, lessons=0)
    login("teacher1")
    book = Workbook()
    sheet = book.active
    sheet.append(["№", "Тема", "Часы", "Вид работы"])
    for i in range(1, 34):
        sheet.append([i, f"Тема {i}", 1 if i < 33 else 2, "Лабораторная работа" if i == 5 else None])
    buffer = io.BytesIO()
    book.save(buffer)
    html = _upload(client, world, buffer.getvalue(), "ktp.xlsx").get_data(as_text=True)
    assert "План сохранён" in html
    assert "В плане 34 ч — столько же, сколько по учебному плану" in html
    topics = _topics(app)
    assert len(topics) == 33 and topics[4] == ("Тема 5", 1, "laboratory") and topics[-1] == ("Тема 33", 2, None)

    csv = "№,Тема,Часы,Вид работы\n1,Повторение,4,\n2,Итоговая контрольная работа,30,Контрольная\n".encode("cp1251")
    html = _upload(client, world, csv, "план.csv").get_data(as_text=True)
    assert "План сохранён" in html
    assert _topics(app) == [("Повторение", 4, None), ("Итоговая контрольная работа", 30, "test")]


def test_import_with_errors_lists_each_row_and_saves_nothing(app, client, login, world):
    _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    before, lessons_before = _topics(app), _lesson_topics(app, world)
    bad = ("№;Тема;Часы;Вид работы\n1;Повторение;два;\n2;;1;\n3;Диктант;1;самостоятельная\n4;Проценты;2;\n"
           "5;Дроби;0;\n").encode("utf-8")
    html = _upload(client, world, bad, "bad.csv").get_data(as_text=True)
    assert "План не сохранён" in html
    assert "Строка 2, столбец «Часы»: «два» — не число часов" in html
    assert "Строка 3, столбец «Тема»: не указана тема" in html
    assert "Строка 4, столбец «Вид работы»: «самостоятельная» — неизвестный вид работы" in html
    assert "Строка 6, столбец «Часы»: «0» — не число часов" in html
    assert "Строка 5" not in html  # the good row is not an error
    assert _topics(app) == before and _lesson_topics(app, world) == lessons_before


def test_editing_page_saves_all_or_nothing(app, client, login, world):
    _setup(app, world)
    login("teacher1")
    form = {"group": world.org1_group, "subject": world.org1_subject,
            "title": ["Тема", "Простые числа", ""], "hours": ["2", "x", ""], "work_type": ["", "", ""]}
    html = client.post("/plans/save", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Строка 2, столбец «Часы»" in html and 'value="Тема"' in html  # the draft is kept
    assert _topics(app) == []
    form["hours"] = ["2", "1", ""]
    html = client.post("/plans/save", data=form, follow_redirects=True).get_data(as_text=True)
    assert "План сохранён" in html
    # «Тема» in the first row of the page is a topic, not a file's header.
    assert _topics(app) == [("Тема", 2, None), ("Простые числа", 1, None)]


def test_reflow_after_a_lesson_moves_and_hand_edited_topic_is_kept(app, client, login, world):
    ids = _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    # The teacher writes his own topic for the lesson of DAYS[2].
    assert client.post(f"/lesson/{ids[2]}", data={"topic": "Своя тема: решение задач"}).status_code == 302
    # The Завуч moves the lesson of DAYS[0] to DAYS[5], after all the others (through the REST API of the core).
    login("deputy1")
    response = client.put(f"/api/v1/lessons/{ids[0]}", json={"date": DAYS[5].isoformat()})
    assert response.status_code == 200, response.get_data(as_text=True)
    topics = _lesson_topics(app, world)
    assert [(d, t) for d, t, _ in topics] == [
        (TODAY, "Дроби"), (DAYS[1], T1), (DAYS[2], "Своя тема: решение задач"), (DAYS[3], T2), (DAYS[4], T2),
        (DAYS[5], T3)]
    entered = {d: at for d, _, at in topics}
    assert entered[DAYS[2]] is not None and entered[DAYS[5]] is None and entered[DAYS[1]] is None
    # A new import re-flows again and still keeps the hand-edited topic.
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes().replace("Натуральные числа и шкалы".encode(), "Числа".encode()),
            "ktp.csv")
    assert [(d, t) for d, t, _ in _lesson_topics(app, world)] == [
        (TODAY, "Дроби"), (DAYS[1], "Числа"), (DAYS[2], "Своя тема: решение задач"), (DAYS[3], T2), (DAYS[4], T2),
        (DAYS[5], T3)]


def test_saving_a_plan_topic_unchanged_is_the_teachers_entry(app, client, login, world):
    ids = _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    assert client.post(f"/lesson/{ids[0]}", data={"topic": T1}).status_code == 302
    with app.app_context():
        assert db.session.get(Lesson, ids[0]).topic_entered_at is not None


def test_refusals(app, client, login, world):
    _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    before = _topics(app)
    login("otherteacher1")  # teaches 6Б, not 5А: the class is out of his reach
    assert client.get(_plan_url(world)).status_code == 404
    assert _upload(client, world, b"1;Chuzhoe;1;", "x.csv").status_code == 404
    assert client.post("/plans/flow", data={"group": world.org1_group,
                                                   "subject": world.org1_subject}).status_code == 404
    with app.app_context():  # now he teaches Russian in 5А too, and still not its mathematics
        russian = Subject(org_id=world.org1, name="Русский язык", plugin="school")
        db.session.add(russian)
        db.session.flush()
        db.session.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, subject_id=russian.id,
                                          teacher_id=world.org1_other_teacher, group_id=world.org1_group,
                                          hours_per_week=5))
        db.session.commit()
        russian_id = russian.id
    login("otherteacher1")
    assert client.get(_plan_url(world)).status_code == 403
    assert _upload(client, world, b"1;Chuzhoe;1;", "x.csv").status_code == 403
    assert client.get(f"/plans/plan?group={world.org1_group}&subject={russian_id}").status_code == 200
    login("teacher1")  # and teacher1, of the same class, not the Russian one
    assert client.get(f"/plans/plan?group={world.org1_group}&subject={russian_id}").status_code == 403
    login("otherteacher1")
    assert T1 not in client.get("/plans/").get_data(as_text=True)
    login("deputy1")  # reads every plan, edits none
    page = client.get(_plan_url(world)).get_data(as_text=True)
    assert T1 in page and 'id="plan-upload"' not in page
    assert _upload(client, world, b"1;X;1;", "x.csv").status_code in (302, 403)
    for user in ("parent1", "learner1"):
        login(user)
        assert client.get(_plan_url(world)).status_code in (302, 403)
        assert client.get("/plans/").status_code in (302, 403)
    login("teacher3")  # another organisation
    assert client.get(_plan_url(world)).status_code == 404
    assert _upload(client, world, b"1;X;1;", "x.csv").status_code == 404
    assert _topics(app) == before


def _grow(app, world, topics: int, lessons: int, classes: int):
    with app.app_context():
        s = db.session
        plan = s.scalar(select(LessonPlan))
        for i in range(topics):
            s.add(PlanTopic(org_id=world.org1, plan_id=plan.id, position=100 + i, title=f"Доп. тема {i}", hours=1))
        for i in range(lessons):
            s.add(Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                         teacher_id=world.org1_teacher, date=dt.date(2026, 12, 1 + i), number=2, topic=""))
        for i in range(classes):
            group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=f"8{'АБВГДЕЖЗИК'[i]}",
                                 level=8)
            s.add(group)
            s.flush()
            s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_teacher,
                                     subject_id=world.org1_subject, group_id=group.id, hours_per_week=3))
            s.add(LessonPlan(org_id=world.org1, year_id=world.org1_year, group_id=group.id,
                             subject_id=world.org1_subject))
        s.commit()


@pytest.mark.parametrize("user,path", [("teacher1", "plan"), ("deputy1", "plan"), ("deputy1", "/plans/"),
                                       ("teacher1", "/plans/")])
def test_plan_pages_run_a_bounded_number_of_queries(app, client, login, world, user, path):
    _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    login(user)
    url = _plan_url(world) if path == "plan" else path
    assert_fixed_queries(app, client, url, lambda: _grow(app, world, topics=10, lessons=8, classes=6))


def test_demo_has_curriculum_plans_topics_in_lessons_and_an_r13_warning(demo_app):
    app = demo_app
    with app.app_context():
        s = db.session
        levels = set(s.scalars(select(CurriculumEntry.level).distinct()))
        assert levels == set(range(1, 12))
        five_a = s.scalar(select(LearnerGroup).where(LearnerGroup.name == "5А"))
        hours = {name: float(h) for name, h in s.execute(
            select(Subject.name, CurriculumEntry.hours_per_week).join(Subject, Subject.id == CurriculumEntry.subject_id)
            .where(CurriculumEntry.level == 5, CurriculumEntry.org_id == five_a.org_id))}
        assert hours["Русский язык"] == 5 and hours["Математика"] == 5
        plans = s.execute(select(LessonPlan.group_id, Subject.name).join(Subject, Subject.id == LessonPlan.subject_id)
                          .where(LessonPlan.group_id == five_a.id)).all()
        assert {n for _, n in plans} >= {"Русский язык", "Математика", "Литература", "Иностранный язык (английский)"}
        linked = s.scalar(select(func.count()).select_from(LessonTopicLink))
        assert linked > 0
        first = s.scalar(select(Lesson).join(LessonTopicLink, LessonTopicLink.lesson_id == Lesson.id)
                         .order_by(Lesson.date, Lesson.number))
        assert first.topic == s.get(PlanTopic, s.scalar(select(LessonTopicLink.plan_topic_id).where(
            LessonTopicLink.lesson_id == first.id))).title
    client = app.test_client()
    client.post("/login/", data={"username": "s1-deputy", "password": "Demo-2026!"})
    with app.app_context():
        s = db.session
        five_b = s.scalar(select(LearnerGroup).where(LearnerGroup.name == "5Б"))
        lit = s.scalar(select(Subject.id).where(Subject.name == "Литература", Subject.org_id == five_b.org_id))
    html = client.get(f"/plans/?group={five_b.id}").get_data(as_text=True)
    assert "не совпадает" in html and "совпадает" in html
    page = client.get(f"/plans/plan?group={five_b.id}&subject={lit}").get_data(as_text=True)
    assert "В плане 96 ч, по учебному плану 102 ч" in page
    assert client.get("/load/").status_code == 200


def test_parse_rows_without_header_and_with_columns_in_another_order():
    from app.services.plans import TopicRow, parse_rows, read_table

    assert parse_rows(read_table("a.csv", "1;Тема 1. Введение;2;\n2;Проценты;1;Контрольная работа\n".encode())) == [
        TopicRow("Тема 1. Введение", 2, None), TopicRow("Проценты", 1, "test")]
    data = "Часы,Тема,Вид работы\n3,Дроби,практическая\n".encode("cp1251")
    assert parse_rows(read_table("b.csv", data)) == [TopicRow("Дроби", 3, "practical")]


def test_a_deleted_lesson_lets_go_of_its_topic_and_the_plan_reflows(app, client, login, world):
    ids = _setup(app, world)
    login("teacher1")
    _upload(client, world, SAMPLE.read_bytes(), "ktp.csv")
    login("deputy1")  # the Завуч takes a lesson off (a teacher changes his lessons on the lesson page only)
    response = client.delete(f"/api/v1/lessons/{ids[0]}")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [(d, t) for d, t, _ in _lesson_topics(app, world)] == [
        (TODAY, "Дроби"), (DAYS[1], T1), (DAYS[2], T2), (DAYS[3], T2), (DAYS[4], T2)]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(LessonTopicLink)) == 4


def test_a_subgroup_plan_flows_into_that_subgroups_lessons_only(app, world):
    from app.models import Subgroup
    from app.services.plans import TopicRow, replace_topics

    with app.app_context():
        s = db.session
        first = Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject, name="1 подгруппа")
        second = Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                          name="2 подгруппа")
        s.add_all([first, second])
        s.flush()
        lessons = [Lesson(org_id=world.org1, group_id=world.org1_group, subgroup_id=sg.id, subject_id=world.org1_subject,
                          teacher_id=world.org1_teacher, date=dt.date(2026, 11, 2 + i), number=3, topic="")
                   for i, sg in enumerate([first, second, first])]
        s.add_all(lessons)
        s.flush()
        group = s.get(LearnerGroup, world.org1_group)
        replace_topics(s, group, world.org1_subject, first.id, [TopicRow("Проценты", 1, None),
                                                                 TopicRow("Диаграммы", 1, "practical")],
                       world.org1_teacher, dt.datetime(2026, 11, 1, 12))
        s.commit()
        assert [l.topic for l in lessons] == ["Проценты", "", "Диаграммы"]
        assert s.get(Lesson, world.org1_lesson).topic == "Дроби"  # the whole class's lesson is not the subgroup's
