"""A college speaks its own words on the shared pages (пара, учебная группа, студент,
преподаватель, куратор), asked of its kind of group; a school keeps its words; the
login slips name whom to ask for a forgotten password by the kind of the group."""
from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from flask import current_app

from app.extensions import db
from app.models import Consent, Learner, LearnerGroup, Organisation, Staff
from app.scoping import acting_as
from tests.world import YEAR_START, _user

pytestmark = pytest.mark.dates


def _text(page: str) -> str:
    """The page's words below the menu (the menu is tested on its own)."""
    body = page.split("navbar-right", 1)[-1]
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def _get(client, path: str) -> str:
    response = client.get(path, follow_redirects=True)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def _menu(page: str) -> str:
    return page.split('class="nav navbar-nav"')[1].split("navbar-right")[0]


def test_the_college_journal_and_lesson_page_speak_of_pairs_students_and_teachers(app, client, login, world):
    login("admin2")
    grid = _text(_get(client, f"/journal/?group={world.org2_group}&subject={world.org2_subject}"))
    assert "Журнал учебной группы" in grid and "Учебная группа и предмет" in grid and "Студент" in grid
    assert "Обучающийся" not in grid and "Класс" not in grid and "Урок" not in grid
    lesson = _text(_get(client, f"/lesson/{world.org2_lesson}"))
    assert "Пара:" in lesson and "Тема пары" in lesson and "Преподаватель:" in lesson
    # («Ответ на уроке» is the organisation's kind of work, its own record.)
    assert "Урок" not in lesson and "урок" not in lesson.replace("Ответ на уроке", "") and "Учитель" not in lesson


def test_the_college_menu_timetable_and_lessons_list_speak_of_pairs(app, client, login, world):
    login("admin2")
    menu = _menu(_get(client, "/"))
    assert "Пары" in menu and "Расписание пар" in menu and "Мероприятия учебных групп" in menu
    assert "Урок" not in menu and "уроков" not in menu
    lessons = _text(_get(client, "/lessonview/list/"))
    assert "Номер пары" in lessons and "Преподаватель" in lessons and "Учитель" not in lessons
    week = _text(_get(client, f"/timetable/?teacher={world.org2_teacher}"))
    assert "Расписание преподавателя Учителева А. П." in week and "Урок" not in week
    plans = _text(_get(client, "/plans/"))
    assert "Преподаватель" in plans and "Учитель" not in plans and "Нет классов" not in plans


def test_a_school_keeps_its_words(app, client, login, world):
    login("admin1")
    grid = _text(_get(client, f"/journal/?group={world.org1_group}&subject={world.org1_subject}"))
    assert "Классный журнал" in grid and "Обучающийся" in grid and "Класс и предмет" in grid
    lesson = _text(_get(client, f"/lesson/{world.org1_lesson}"))
    assert "Урок:" in lesson and "Тема урока" in lesson and "Учитель:" in lesson and "Пара" not in lesson
    menu = _menu(_get(client, "/"))
    assert "Расписание уроков" in menu and "Мероприятия классов" in menu
    assert "Номер урока" in _text(_get(client, "/lessonview/list/"))


def test_a_college_teacher_and_student_see_their_own_titles(app, client, login, world):
    with app.app_context(), acting_as(None):
        sm = current_app.appbuilder.sm
        college = db.session.get(Organisation, world.org2)
        _user(sm, "lecturer2", ["Учитель"], college, person=db.session.get(Staff, world.org2_teacher))
        _user(sm, "student2", ["Обучающийся"], college, person=db.session.get(Learner, world.org2_child))
    login("lecturer2")
    home = _text(_get(client, "/"))
    assert "Преподаватель" in home and "Учитель" not in home
    login("student2")
    home = _text(_get(client, "/"))
    assert "Студент" in home and "Обучающийся" not in home
    diary = _text(_get(client, "/diary/"))
    assert "Тема пары" in diary  # the world's pair is today
    assert "урок" not in diary.lower().replace("ответ на уроке", "")


def _consent(person_id, org_id):
    db.session.add(Consent(org_id=org_id, person_id=person_id, signed_by="guardian", signed_on=YEAR_START,
                           scope="ФИО, отметки, посещаемость", document_ref="С-1"))


def _slip_text(client, group_id, learner_id) -> str:
    from pypdf import PdfReader

    response = client.post("/issue-logins/issue", data={"group": group_id, "learner": [learner_id]})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(response.data)).pages)
    return re.sub(r"\s+", " ", text)


def test_the_slips_name_the_curator_the_class_teacher_and_the_educator(app, client, login, world):
    with app.app_context(), acting_as(None):
        _consent(world.org2_child, world.org2)
        _consent(world.org1_child, world.org1)
        # A kindergarten's group of the school's organisation, with a child.
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group", name="Солнышко",
                             level=4)
        db.session.add(group)
        db.session.flush()
        child = Learner(org_id=world.org1, last_name="Малышева", first_name="Аня", group_id=group.id,
                        birth_date=dt.date(2021, 5, 1), enrolled_on=YEAR_START)
        db.session.add(child)
        db.session.flush()
        _consent(child.id, world.org1)
        db.session.commit()
        preschool = (group.id, child.id)
    login("admin2")
    college = _slip_text(client, world.org2_group, world.org2_child)
    assert "новый выдаст куратор или секретарь" in college and "Студент" in college
    assert "классн" not in college
    login("admin1")
    school = _slip_text(client, world.org1_group, world.org1_child)
    assert "новый выдаст классный руководитель или секретарь" in school and "Обучающийся" in school
    kindergarten = _slip_text(client, *preschool)
    assert "новый выдаст воспитатель или секретарь" in kindergarten and "Воспитанник" in kindergarten
