"""More places where a college speaks its own words (issue 13, point 4): the journal's
menu entry, the subgroups page, the timetable's refusals, the sections of the mail's
recipients, the shared column labels and the demo's texts; a school keeps its own."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import current_app

from app.extensions import db
from app.models import Learner, Organisation, Staff, TeachingAssignment
from app.scoping import acting_as
from tests.world import _user

pytestmark = pytest.mark.dates

MONDAY = dt.date(2026, 11, 16)


def _text(page: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _get(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return _text(response.get_data(as_text=True))


def _body(client, path: str) -> str:
    """The page's words below the menu (the menu names the user's roles)."""
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return _text(response.get_data(as_text=True).split("navbar-right", 1)[-1])


def _menu(client) -> str:
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    return _text(page.split('class="nav navbar-nav"')[1].split("navbar-right")[0])


def test_the_journal_menu_entry_is_the_kinds_journal(app, client, login, world):
    login("admin2")
    menu = _menu(client)
    assert "Журнал учебной группы" in menu and "Классный журнал" not in menu
    client.post("/logout/")
    login("admin1")
    assert "Классный журнал" in _menu(client)


def test_the_subgroups_page_splits_study_groups_in_a_college(app, client, login, world):
    login("admin2")
    assert "Деление учебных групп на подгруппы" in _menu(client)
    page = _get(client, "/subgroups/")
    assert "Деление учебных групп на подгруппы" in page and "Деление классов" not in page
    client.post("/logout/")
    login("admin1")
    assert "Деление классов на подгруппы" in _menu(client)
    assert "Деление классов на подгруппы" in _get(client, "/subgroups/")


def _entry(world, org: str, **kw) -> dict:
    form = {"group_id": world.ids[f"{org}_group"], "weekday": "1", "number": "3",
            "subject_id": world.ids[f"{org}_subject"], "teacher_id": world.ids[f"{org}_teacher"], "room_id": "",
            "valid_from": "2026-09-01", "valid_to": "2026-12-28", "group": world.ids[f"{org}_group"],
            "date": MONDAY.isoformat()}
    form.update(kw)
    return form


def _refusals(client, world, org: str) -> tuple[str, str]:
    """The refusal of the teacher in two groups at once, and of a group with two lessons at once."""
    client.post("/timetable/entry", data=_entry(world, org), follow_redirects=True)
    other = world.ids[f"{org}_other_group"]
    teacher = _text(client.post("/timetable/entry", data=_entry(world, org, group_id=other, group=other),
                                follow_redirects=True).get_data(as_text=True))
    group = _text(client.post("/timetable/entry", data=_entry(world, org, teacher_id=world.ids[f"{org}_other_teacher"]),
                              follow_redirects=True).get_data(as_text=True))
    return teacher, group


def test_a_timetable_conflict_speaks_the_kinds_words(app, client, login, world):
    login("admin2")
    teacher, group = _refusals(client, world, "org2")
    assert "Преподаватель Учителева А. П. уже ведёт пару в 5А во вторник, 3-я пара" in teacher
    assert "У 5А уже есть пара во вторник, 3-я пара" in group
    assert "урок" not in teacher + group, re.findall(r".{60}урок.{40}", teacher + group)
    client.post("/logout/")
    login("admin1")
    teacher, group = _refusals(client, world, "org1")
    assert "Учитель Учителева А. П. уже ведёт урок в 5А во вторник, 3-й урок" in teacher
    assert "У 5А уже есть урок во вторник, 3-й урок" in group


def test_a_wrong_lesson_number_names_the_kinds_lesson(app, client, login, world):
    login("admin2")
    page = _text(client.post("/timetable/entry", data=_entry(world, "org2", number="12"),
                             follow_redirects=True).get_data(as_text=True))
    assert "Номер пары — от 1 до 10" in page
    client.post("/logout/")
    login("admin1")
    page = _text(client.post("/timetable/entry", data=_entry(world, "org1", number="12"),
                             follow_redirects=True).get_data(as_text=True))
    assert "Номер урока — от 1 до 10" in page


def _people(app, world, org: str) -> None:
    """Accounts for the mail's sections: the leader of 5А, a teacher leading no group, a learner."""
    with app.app_context(), acting_as(None):
        sm = current_app.appbuilder.sm
        organisation = db.session.get(Organisation, world.ids[org])
        _user(sm, f"leader_{org}", ["Учитель"], organisation, person=db.session.get(Staff, world.ids[f"{org}_teacher"]))
        teacher = Staff(org_id=organisation.id, last_name="Предметникова", first_name="Нина", position="Учитель")
        db.session.add(teacher)
        db.session.flush()
        db.session.add(TeachingAssignment(org_id=organisation.id, year_id=world.ids[f"{org}_year"],
                                          teacher_id=teacher.id, subject_id=world.ids[f"{org}_subject"],
                                          group_id=world.ids[f"{org}_group"], hours_per_week=1))
        db.session.commit()
        _user(sm, f"subject_{org}", ["Учитель"], organisation, person=teacher)
        _user(sm, f"learner_{org}", ["Обучающийся"], organisation,
              person=db.session.get(Learner, world.ids[f"{org}_child"]))


def _sections(client) -> list[str]:
    page = client.get("/mail/new").get_data(as_text=True)
    picker = page.split('id="pick-section"')[1].split("</select>")[0]
    return [_text(label).strip() for label in re.findall(r"<option value=\"\d+\"[^>]*>(.*?)</option>", picker)]


def test_the_mail_sections_use_the_organisations_words(app, client, login, world):
    _people(app, world, "org2")
    _people(app, world, "org1")
    login("admin2")
    sections = _sections(client)
    assert {"Куратор", "Преподаватели", "Студенты"} <= set(sections), sections
    assert not {"Классные руководители", "Учителя", "Обучающиеся"} & set(sections)
    client.post("/logout/")
    login("admin1")
    assert {"Классные руководители", "Учителя", "Обучающиеся"} <= set(_sections(client))


def test_the_shared_column_labels_speak_of_pairs_and_lecturers(app, client, login, world):
    login("admin2")
    lesson = _get(client, f"/lessonview/show/{world.org2_lesson}")
    assert "Замещающий преподаватель" in lesson and "Учитель" not in lesson
    attendance = _get(client, "/attendanceview/list/")
    assert "Пара" in attendance and "Урок" not in attendance
    client.post("/logout/")
    login("admin1")
    assert "Замещающий учитель" in _get(client, f"/lessonview/show/{world.org1_lesson}")
    assert "Урок" in _get(client, "/attendanceview/list/")


def test_the_demo_speaks_the_organisations_words(demo_app):
    from sqlalchemy import select

    from app.models import Announcement, Homework, Lesson, MailMessage

    with demo_app.app_context(), acting_as(None):
        session = db.session
        orgs = {org.short_name: org for org in session.scalars(select(Organisation))}
        college = next(org for org in orgs.values() if org.plugins == ["college"])
        school = next(org for org in orgs.values() if "school" in org.plugins)

        def texts(org) -> str:
            board = " ".join(f"{a.title} {a.body}" for a in session.scalars(
                select(Announcement).where(Announcement.org_id == org.id)))
            letters = " ".join(m.body for m in session.scalars(select(MailMessage).where(MailMessage.org_id == org.id)))
            homework = " ".join(session.scalars(select(Homework.text).join(Lesson, Lesson.id == Homework.lesson_id)
                                                .where(Lesson.org_id == org.id)))
            return f"{board} {letters} {homework}"

        words = texts(college)
        assert ("учебных групп" in words, "по теме пары" in words, "семестр" in words or "сесси" in words) == (True, True, True)
        assert not re.search(r"урок|класс|четверт|учител|школ", words, re.I), \
            re.findall(r".{30}(?:урок|класс|четверт|учител|школ).{30}", words, re.I)[:5]
        words = texts(school)
        assert "по теме урока" in words and "четверть" in words and "классов" in words


def test_the_subgroups_and_unlock_pages_speak_the_kinds_words(app, client, login, world):
    with app.app_context(), acting_as(None):
        sm = current_app.appbuilder.sm
        for org in ("org1", "org2"):
            _user(sm, f"lecturer_{org}", ["Учитель"], db.session.get(Organisation, world.ids[org]),
                  person=db.session.get(Staff, world.ids[f"{org}_teacher"]))
    login("lecturer_org2")
    split = _body(client, f"/subgroups/?group={world.org2_group}&subject={world.org2_subject}")
    assert "куратор и преподаватель предмета составляют подгруппы учебной группы" in split
    assert "Учебная группа и предмет" in split and "Студент" in split
    unlocks = _body(client, "/unlock-requests/")
    assert "после пары" in unlocks and "Учебная группа и предмет" in unlocks and "Пары с" in unlocks
    for page in (split, unlocks):
        assert not re.search(r"урок|класс|учител|обучающ", page, re.I), \
            re.findall(r".{40}(?:урок|класс|учител|обучающ).{40}", page, re.I)
    client.post("/logout/")
    login("lecturer_org1")
    split = _get(client, f"/subgroups/?group={world.org1_group}&subject={world.org1_subject}")
    assert "классный руководитель и учитель предмета составляют подгруппы класса" in split
    assert "Класс и предмет" in split and "Обучающийся" in split
    unlocks = _get(client, "/unlock-requests/")
    assert "после урока" in unlocks and "Класс и предмет" in unlocks and "Уроки с" in unlocks


def test_the_consents_and_attendance_pages_name_the_kinds_learners_and_groups(app, client, login, world):
    with app.app_context(), acting_as(None):
        sm = current_app.appbuilder.sm
        for org in ("org1", "org2"):
            idle = Staff(org_id=world.ids[org], last_name="Свободнова", first_name="Ирина", position="Педагог")
            db.session.add(idle)
            db.session.commit()
            _user(sm, f"idle_{org}", ["Учитель"], db.session.get(Organisation, world.ids[org]), person=idle)
    login("admin2")
    consents = _body(client, "/consents/")
    assert "Если студент младше 14 лет" in consents and "сам студент" in consents and "обучающ" not in consents
    client.post("/logout/")
    login("idle_org2")
    assert "Учебные группы, которые вы ведёте, не найдены." in _body(client, "/attendance-day/")
    client.post("/logout/")
    login("admin1")
    assert "Если обучающийся младше 14 лет" in _body(client, "/consents/")
    client.post("/logout/")
    login("idle_org1")
    assert "Классы и группы, которые вы ведёте, не найдены." in _body(client, "/attendance-day/")
