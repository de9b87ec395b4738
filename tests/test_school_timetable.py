"""The timetable: views per class, teacher and room; conflicts refused with nothing
saved; lessons generated idempotently; one-off changes; class events in the diary;
refusals for teachers, other classes and other organisations; bounded queries."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AcademicYear, Assignment, Learner, LearnerGroup, Lesson, Mark, Staff, Substitution, TeachingAssignment,
)
from app.models.timetable import ClassEvent, Holiday, Room, TimetableChange, TimetableEntry
from app.services.diary import week as diary_week
from app.services.timetable import generate_lessons, save_entry
from tests.test_query_counts import count_queries
from tests.world import current_quarter

pytestmark = pytest.mark.dates

d = dt.date
MONDAY = d(2026, 11, 16)


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _setup(app, world):
    """Rooms and a small timetable of 5А and 6Б in org1 (Tuesday: 5А has maths 3rd with teacher1 in room 12)."""
    with app.app_context():
        s = db.session
        host = current_app.extensions["ejournal"]
        year = s.get(AcademicYear, world.org1_year)
        r12 = Room(org_id=world.org1, name="Кабинет 12")
        r14 = Room(org_id=world.org1, name="Кабинет 14")
        s.add_all([r12, r14])
        s.flush()
        base = dict(subject_id=world.org1_subject, valid_from="2026-09-01", valid_to="2027-05-26")
        first = save_entry(s, host, year, dict(base, group_id=world.org1_group, weekday=1, number=3,
                                               teacher_id=world.org1_teacher, room_id=r12.id))
        save_entry(s, host, year, dict(base, group_id=world.org1_group, weekday=3, number=1,
                                       teacher_id=world.org1_teacher, room_id=r12.id))
        save_entry(s, host, year, dict(base, group_id=world.org1_other_group, weekday=1, number=2,
                                       teacher_id=world.org1_other_teacher, room_id=r14.id))
        s.commit()
        return {"r12": r12.id, "r14": r14.id, "entry": first.id}


def _entry_form(world, **kw):
    form = {"group_id": world.org1_other_group, "weekday": "1", "number": "3", "subject_id": world.org1_subject,
            "teacher_id": world.org1_other_teacher, "room_id": "", "valid_from": "2026-09-01",
            "valid_to": "2027-05-26", "group": world.org1_other_group, "date": MONDAY.isoformat()}
    form.update(kw)
    return form


def _save_entry(client, world, **kw) -> str:
    """Posts the timetable line (``_entry_form`` with ``kw``); the page it leads to, as text."""
    return client.post("/timetable/entry", data=_entry_form(world, **kw), follow_redirects=True).get_data(as_text=True)


def test_deputy_sees_the_week_of_a_class_a_teacher_and_a_room(app, client, login, world):
    ids = _setup(app, world)
    login("deputy1")
    page = client.get(f"/timetable/?group={world.org1_group}&date={MONDAY}").get_data(as_text=True)
    assert "Расписание: класс 5А" in page and "Вторник, 17.11" in page and "Математика" in page
    assert "Учителева А. П." in page and "Кабинет 12" in page
    page = client.get(f"/timetable/?teacher={world.org1_teacher}&date={MONDAY}").get_data(as_text=True)
    assert "Расписание учителя Учителева А. П." in page and "5А" in page
    page = client.get(f"/timetable/?room={ids['r14']}&date={MONDAY}").get_data(as_text=True)
    assert "Расписание кабинета «Кабинет 14»" in page and "6Б" in page and "Учителева" not in page.split("timetable-grid")[1].split("</table>")[0]


def test_a_teacher_in_two_places_at_once_is_refused_and_nothing_saved(app, client, login, world):
    _setup(app, world)
    login("deputy1")
    page = _save_entry(client, world, teacher_id=world.org1_teacher)
    assert "Учитель Учителева А. П. уже ведёт урок в 5А во вторник, 3-й урок" in page
    with app.app_context():
        assert _count(TimetableEntry) == 3
        assert _count(TimetableEntry, TimetableEntry.group_id == world.org1_other_group,
                      TimetableEntry.number == 3) == 0


def test_a_room_in_two_places_at_once_is_refused(app, client, login, world):
    ids = _setup(app, world)
    login("deputy1")
    page = _save_entry(client, world, room_id=ids["r12"])
    assert "Кабинет «Кабинет 12» уже занят: урок в 5А во вторник, 3-й урок" in page
    # Not overlapping in time (valid from the second half of the year): allowed.
    _save_entry(client, world, room_id=ids["r12"], valid_from="2027-01-09")
    with app.app_context():
        assert _count(TimetableEntry) == 3  # 5А's line runs all year: still overlapping
    _save_entry(client, world, room_id=ids["r14"])
    with app.app_context():
        assert _count(TimetableEntry) == 4


def test_a_line_is_edited_in_place_and_deleted(app, client, login, world):
    ids = _setup(app, world)
    login("deputy1")
    _save_entry(client, world, entry_id=ids["entry"], group_id=world.org1_group, teacher_id=world.org1_teacher,
                number="4", group=world.org1_group)
    with app.app_context():
        entry = db.session.get(TimetableEntry, ids["entry"])
        assert (entry.weekday, entry.number, _count(TimetableEntry)) == (1, 4, 3)
    page = client.get(f"/timetable/?group={world.org1_group}&date={MONDAY}&edit={ids['entry']}").get_data(as_text=True)
    assert "Изменить урок в расписании" in page
    client.post(f"/timetable/entry/{ids['entry']}/delete", data={"group": world.org1_group})
    with app.app_context():
        assert _count(TimetableEntry) == 2


def test_a_class_cannot_have_two_lessons_at_once(app, client, login, world):
    _setup(app, world)
    login("deputy1")
    assert "У 5А уже есть урок во вторник, 3-й урок" in _save_entry(client, world, group_id=world.org1_group)


def test_teachers_read_the_timetable_but_do_not_edit_it(app, client, login, world):
    _setup(app, world)
    login("teacher1")
    page = client.get(f"/timetable/?date={MONDAY}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Расписание учителя Учителева А. П." in text and "Добавить урок в расписание" not in text
    assert ">Расписание<" in client.get("/").get_data(as_text=True) or "Расписание уроков" in client.get("/").get_data(as_text=True)
    response = client.post("/timetable/entry", data=_entry_form(world, number="5"))
    assert response.status_code in (302, 403)
    assert client.post("/timetable/generate", data={"period": world.org1_period}).status_code in (302, 403)
    with app.app_context():
        assert _count(TimetableEntry) == 3
        assert _count(Lesson) == 6  # the world's lessons only


def test_another_organisation_neither_sees_nor_edits(app, client, login, world):
    ids = _setup(app, world)
    login("admin3")
    assert client.get(f"/timetable/?group={world.org1_group}").status_code == 404
    assert client.get(f"/timetable/?room={ids['r12']}").status_code == 404
    _save_entry(client, world, group_id=world.org1_group, number="7")
    client.post(f"/timetable/entry/{ids['entry']}/delete")
    with app.app_context():
        assert _count(TimetableEntry) == 3


def test_generation_is_idempotent_and_respects_holidays(app, client, login, world):
    _setup(app, world)
    # The world's period is the quarter holding TODAY: generation fills the whole of it.
    _order, _name, start, end = current_quarter()
    winter = (d(2026, 12, 29), d(2027, 1, 8))  # the winter holidays below: no lessons then
    days = [day for day in (start + dt.timedelta(days=i) for i in range((end - start).days + 1))
            if not winter[0] <= day <= winter[1]]
    tuesdays = [day for day in days if day.weekday() == 1]
    thursdays = [day for day in days if day.weekday() == 3]
    methodical = tuesdays[2]  # a методический день on the quarter's third Tuesday
    with app.app_context():
        db.session.add(Holiday(org_id=world.org1, year_id=world.org1_year, name="Методический день",
                               start=methodical, end=methodical))
        db.session.add(Holiday(org_id=world.org1, year_id=world.org1_year, name="Зимние каникулы",
                               start=winter[0], end=winter[1]))
        db.session.commit()
        before = _count(Lesson)
    login("deputy1")
    response = client.post("/timetable/generate", data={"period": world.org1_period}, follow_redirects=True)
    assert "Создано уроков:" in response.get_data(as_text=True)
    with app.app_context():
        made = db.session.scalars(select(Lesson).where(Lesson.number.in_([1, 2, 3]), Lesson.topic == "")
                                  .order_by(Lesson.date)).all()
        # 5А: the quarter's Tuesdays but the holiday, and its Thursdays; 6Б: the same Tuesdays
        # (in the 2nd quarter, 05.11–11.01 less the winter holidays: 7 Tuesdays and 8 Thursdays, so 6 + 8 + 6).
        expected = (len(tuesdays) - 1) + len(thursdays) + (len(tuesdays) - 1)
        assert len(made) == expected
        assert all(l.date.weekday() in (1, 3) for l in made) and methodical not in {l.date for l in made}
        assert all(start <= l.date <= end for l in made)
        tuesday = next(l for l in made if l.group_id == world.org1_group and l.date == tuesdays[1])
        assert (tuesday.number, tuesday.teacher_id, tuesday.subject_id) == (3, world.org1_teacher, world.org1_subject)
        count = _count(Lesson)
        assert count == before + expected
    client.post("/timetable/generate", data={"period": world.org1_period})
    with app.app_context():
        assert _count(Lesson) == count


def _generate(app, world):
    with app.app_context():
        host = current_app.extensions["ejournal"]
        year = db.session.get(AcademicYear, world.org1_year)
        generate_lessons(db.session, host, year, d(2026, 11, 5), d(2026, 12, 28))
        db.session.commit()


def _lesson_on(world, day, number=3):
    return db.session.scalar(select(Lesson).where(Lesson.group_id == world.org1_group, Lesson.date == day,
                                                  Lesson.number == number))


def test_one_off_changes_are_kept_applied_and_shown(app, client, login, world):
    ids = _setup(app, world)
    _generate(app, world)
    login("deputy1")
    entry = ids["entry"]  # 5А, Tuesday, 3rd lesson
    # Replacement by another teacher on 17.11 (R15: the substitution log records it).
    client.post("/timetable/change", data={"entry_id": entry, "lesson_date": "2026-11-17", "kind": "replace",
                                           "teacher_id": world.org1_other_teacher, "reason": "Больничный"})
    # Cancellation on 24.11, a move of 01.12 to Wednesday 02.12, 5th lesson.
    client.post("/timetable/change", data={"entry_id": entry, "lesson_date": "2026-11-24", "kind": "cancel",
                                           "reason": "Всероссийская проверочная работа"})
    client.post("/timetable/change", data={"entry_id": entry, "lesson_date": "2026-12-01", "kind": "move",
                                           "new_date": "2026-12-02", "new_number": "5", "reason": "Экскурсия"})
    with app.app_context():
        assert _count(TimetableChange) == 3
        replaced = _lesson_on(world, d(2026, 11, 17))
        assert replaced.substitute_id == world.org1_other_teacher and replaced.teacher_id == world.org1_teacher
        assert db.session.scalar(select(Substitution).where(Substitution.lesson_id == replaced.id)).reason == "Больничный"
        assert _lesson_on(world, d(2026, 11, 24)) is None
        assert _lesson_on(world, d(2026, 12, 1)) is None and _lesson_on(world, d(2026, 12, 2), 5) is not None
        total = _count(Lesson)
    page = client.get(f"/timetable/?group={world.org1_group}&date={MONDAY}").get_data(as_text=True)
    assert "Замена: вместо Учителева А. П." in page
    page = client.get(f"/timetable/?group={world.org1_group}&date=2026-11-30").get_data(as_text=True)
    assert "Перенесён на 02.12, 5-й урок" in page and "Перенесён с 01.12, 3-й урок" in page
    assert "Отменён" in client.get(f"/timetable/?group={world.org1_group}&date=2026-11-23").get_data(as_text=True)
    page = client.get(f"/timetable/?teacher={world.org1_other_teacher}&date={MONDAY}").get_data(as_text=True)
    assert "Замена за Учителева А. П." in page
    # Generation again keeps every change as it is.
    _generate(app, world)
    with app.app_context():
        assert _count(Lesson) == total and _lesson_on(world, d(2026, 11, 24)) is None


def test_a_lesson_with_marks_cannot_be_cancelled_and_a_busy_substitute_is_refused(app, client, login, world):
    ids = _setup(app, world)
    _generate(app, world)
    with app.app_context():
        lesson = _lesson_on(world, d(2026, 11, 17))
        assignment = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
        db.session.add(assignment)
        db.session.flush()
        db.session.add(Mark(org_id=world.org1, assignment_id=assignment.id, learner_id=world.org1_child, value="5"))
        db.session.commit()
    login("deputy1")
    response = client.post("/timetable/change", data={"entry_id": ids["entry"], "lesson_date": "2026-11-17",
                                                      "kind": "cancel", "reason": "Ошибка"}, follow_redirects=True)
    assert "отменить его нельзя" in response.get_data(as_text=True)
    # A replacement by a teacher who has his own lesson at that time is refused.
    with app.app_context():
        host = current_app.extensions["ejournal"]
        year = db.session.get(AcademicYear, world.org1_year)
        save_entry(db.session, host, year, dict(group_id=world.org1_other_group, weekday=1, number=3,
                                                subject_id=world.org1_subject, teacher_id=world.org1_other_teacher,
                                                valid_from="2026-09-01", valid_to="2027-05-26"))
        db.session.commit()
    response = client.post("/timetable/change", data={"entry_id": ids["entry"], "lesson_date": "2026-11-24",
                                                      "kind": "replace", "teacher_id": world.org1_other_teacher,
                                                      "reason": "Курсы"}, follow_redirects=True)
    assert "Учитель Другова В. уже ведёт урок в 6Б во вторник, 3-й урок" in response.get_data(as_text=True)
    with app.app_context():
        assert _count(TimetableChange) == 0
        assert _lesson_on(world, d(2026, 11, 17)) is not None


def test_the_class_teacher_puts_an_event_seen_in_the_diary_of_his_class_only(app, client, login, world):
    _setup(app, world)
    login("teacher1")  # leads 5А
    client.post("/class-events/add", data={"group_id": world.org1_group, "kind": "subbotnik",
                                           "title": "Субботник на пришкольном участке", "start": "2026-11-18",
                                           "end": "2026-11-19"}, follow_redirects=True)
    with app.app_context():
        assert _count(ClassEvent) == 1
    page = client.get(f"/timetable/?group={world.org1_group}&date={MONDAY}").get_data(as_text=True)
    assert "Субботник на пришкольном участке" in page
    login("learner1")
    page = client.get(f"/diary/?date={MONDAY}").get_data(as_text=True)
    assert "Субботник на пришкольном участке" in page and "Субботник" in page
    login("parent1")
    assert "Субботник на пришкольном участке" in client.get(f"/diary/?date={MONDAY}").get_data(as_text=True)
    with app.app_context():
        stranger = db.session.get(Learner, world.org1_stranger)  # 6Б
        data = diary_week(db.session, stranger, MONDAY)
        assert not any(day["extras"] for day in data["days"])
        mine = diary_week(db.session, db.session.get(Learner, world.org1_child), MONDAY)
        assert [x["title"] for day in mine["days"] for x in day["extras"]] == ["Субботник на пришкольном участке"] * 2


def test_a_teacher_of_another_class_cannot_put_an_event_on_it(app, client, login, world):
    with app.app_context():  # 6Б's class teacher also teaches 5А: he reaches it but does not lead it
        db.session.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year,
                                          teacher_id=world.org1_other_teacher, subject_id=world.org1_subject,
                                          group_id=world.org1_group, hours_per_week=1))
        db.session.commit()
    login("otherteacher1")
    response = client.post("/class-events/add", data={"group_id": world.org1_group, "kind": "meeting",
                                                      "title": "Родительское собрание", "start": "2026-11-18"},
                           follow_redirects=True)
    assert "Мероприятия класса 5А назначает его классный руководитель" in response.get_data(as_text=True)
    login("admin3")
    assert client.post("/class-events/add", data={"group_id": world.org1_group, "kind": "meeting",
                                                  "start": "2026-11-18"}).status_code == 404
    login("parent1")
    assert client.post("/class-events/add", data={"group_id": world.org1_group, "kind": "meeting",
                                                  "start": "2026-11-18"}).status_code in (302, 403)
    with app.app_context():
        assert _count(ClassEvent) == 0
    login("otherteacher1")  # his own class: allowed
    client.post("/class-events/add", data={"group_id": world.org1_other_group, "kind": "meeting",
                                           "title": "Родительское собрание", "start": "2026-11-18"})
    with app.app_context():
        assert _count(ClassEvent) == 1


def _grow_timetable(app, world, classes: int):
    with app.app_context():
        s = db.session
        for g in range(classes):
            teacher = Staff(org_id=world.org1, last_name=f"Предметник{g}", first_name="Тест")
            room = Room(org_id=world.org1, name=f"Кабинет {100 + g}")
            s.add_all([teacher, room])
            s.flush()
            group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=f"8{g}", level=8)
            s.add(group)
            s.flush()
            for weekday in range(5):
                for number in (4, 5, 6):
                    s.add(TimetableEntry(org_id=world.org1, year_id=world.org1_year, group_id=group.id,
                                         weekday=weekday, number=number, subject_id=world.org1_subject,
                                         teacher_id=world.org1_teacher if g == 0 and number == 6 else teacher.id,
                                         room_id=room.id, valid_from=d(2026, 9, 1), valid_to=d(2027, 5, 26)))
        s.commit()


def test_the_week_page_runs_a_fixed_number_of_queries(app, client, login, world):
    ids = _setup(app, world)
    login("deputy1")
    paths = [f"/timetable/?group={world.org1_group}&date={MONDAY}",
             f"/timetable/?teacher={world.org1_teacher}&date={MONDAY}",
             f"/timetable/?room={ids['r12']}&date={MONDAY}",
             f"/api/v1/timetable/week?teacher={world.org1_teacher}&date={MONDAY}"]
    for path in paths:
        client.get(path)
    small = {}
    for path in paths:
        with count_queries(app) as counter:
            assert client.get(path).status_code == 200
        small[path] = counter["n"]
    _grow_timetable(app, world, classes=6)
    for path in paths:
        client.get(path)  # new rooms and bells are read once into the reference cache (app/reference.py)
    for path in paths:
        with count_queries(app) as counter:
            assert client.get(path).status_code == 200
        assert counter["n"] == small[path], path


def test_the_next_year_is_drawn_up_by_its_own_timetable(app, client, login, world):
    with app.app_context():
        nxt = AcademicYear(org_id=world.org1, name="2027/2028", start=d(2027, 9, 1), end=d(2028, 6, 30))
        db.session.add(nxt)
        db.session.flush()
        group = LearnerGroup(org_id=world.org1, year_id=nxt.id, kind="class", name="6А", level=6)
        db.session.add(group)
        db.session.commit()
        year_id, group_id = nxt.id, group.id
    login("deputy1")
    page = client.get(f"/timetable/?year={year_id}&group={group_id}").get_data(as_text=True)
    assert "Расписание: класс 6А" in page and "2027/2028" in page and "Среда, 01.09" in page and "Вне учебного года" in page
    client.post("/timetable/entry", data=_entry_form(world, group_id=group_id, group=group_id, year=year_id,
                                                     valid_from="2027-09-01", valid_to="2028-05-26"))
    client.post("/timetable/entry", data=_entry_form(world, group_id=world.org1_group, year=year_id,
                                                     valid_from="2027-09-01", valid_to="2028-05-26"))
    with app.app_context():
        assert _count(TimetableEntry, TimetableEntry.year_id == year_id) == 1  # 5А is a class of another year


def test_the_week_as_json_for_staff_only(app, client, login, world):
    ids = _setup(app, world)
    login("teacher1")
    data = client.get(f"/api/v1/timetable/week?group={world.org1_group}&date={MONDAY}").get_json()
    tuesday = data["days"][1]
    assert tuesday["name"] == "Вторник" and tuesday["lessons"][0]["number"] == 3
    assert tuesday["lessons"][0]["teacher"] == "Учителева А. П." and tuesday["lessons"][0]["room"] == "Кабинет 12"
    assert client.get("/api/v1/timetable/week").status_code == 400
    login("parent1")
    assert client.get(f"/api/v1/timetable/week?group={world.org1_group}").status_code in (401, 403)
    login("admin3")
    assert client.get(f"/api/v1/timetable/week?room={ids['r12']}").status_code == 404


def test_openapi_describes_the_timetable_week(client, login):
    login("sysadmin")
    spec = client.get("/api/v1/_openapi").get_json()
    assert "/api/v1/timetable/week" in spec["paths"]
