"""R13 in a college: a КТП of a discipline is checked against the hours the specialty's own
curriculum gives the group's course for the year (hook ``get_curriculum_hours``), and the
core's curriculum by level leaves a college's menus, which have the specialty's plan."""
from __future__ import annotations

import pytest
from flask import current_app

from app.extensions import db
from app.models import LearnerGroup, Organisation, Subject, TeachingAssignment
from app.models.plans import LessonPlan
from app.scoping import acting_as
from app.services.plans import r13_check
from plugins.college.curriculum import CurriculumRow
from plugins.college.models import GroupSpecialty, Specialty
from tests.conftest import count_queries
from tests.world import _user


@pytest.fixture
def college(app, world) -> dict:
    """ТМ-25 (2nd course: semesters 3 and 4) of a specialty whose plan gives Математика
    34 h in semester 3 and 40 h in semester 4 (and 50 h in semester 5, of the next
    course); Инженерная графика is taught but not in the plan."""
    with app.app_context(), acting_as(None):
        s = db.session
        specialty = Specialty(org_id=world.org2, code="15.02.16", name="Технология машиностроения",
                              qualification="Техник-технолог")
        graphics = Subject(org_id=world.org2, name="Инженерная графика", plugin="college")
        group = LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name="ТМ-25",
                             level=2, leader_id=world.org2_teacher)
        s.add_all([specialty, graphics, group])
        s.flush()
        s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=specialty.id))
        s.add_all([CurriculumRow(org_id=world.org2, specialty_id=specialty.id, semester=semester,
                                 subject_id=world.org2_subject, classroom_hours=hours, attestation="exam")
                   for semester, hours in ((3, 34), (4, 40), (5, 50))])
        s.add_all([TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=world.org2_teacher,
                                      subject_id=subject_id, group_id=group.id, hours_per_week=2)
                   for subject_id in (world.org2_subject, graphics.id)])
        s.commit()
        _user(app.appbuilder.sm, "head2", ["Заведующий учебной частью"], org=s.get(Organisation, world.org2))
        return {"group": group.id, "graphics": graphics.id, "maths": world.org2_subject}


def _check(world, college, subject: str, planned: int):
    host = current_app.extensions["ejournal"]
    group = db.session.get(LearnerGroup, college["group"])
    probe = LessonPlan(year_id=group.year_id, group_id=group.id, subject_id=college[subject])
    return r13_check(db.session, host, db.session.get(Organisation, world.org2), probe, group, planned=planned)


def test_a_plan_of_the_years_hours_agrees_with_the_specialtys_curriculum(app, world, college):
    with app.app_context(), acting_as(None):
        result = _check(world, college, "maths", 74)
        assert (result.ok, result.message) == (
            True, "В плане 74 ч — столько же, сколько по учебному плану на учебный год. Число пар по 2 ч — 37.")


def test_a_plan_short_of_the_curriculum_says_how_many_hours_the_year_needs(app, world, college):
    with app.app_context(), acting_as(None):
        result = _check(world, college, "maths", 34)
        assert (result.ok, result.message) == (
            False, "В плане 34 ч, по учебному плану на учебный год 74 ч. Число пар по 2 ч — 17.")


def test_a_discipline_outside_the_groups_plan_has_nothing_to_agree_with(app, world, college):
    with app.app_context(), acting_as(None):
        result = _check(world, college, "graphics", 20)
        assert (result.ok, result.expected) == (False, None)
        assert result.message.startswith("В плане 20 ч, а в учебном плане группы этого предмета нет")


def test_the_plans_page_shows_the_curriculums_hours_of_the_year(app, client, login, world, college):
    login("head2")
    page = client.get(f"/plans/?group={college['group']}").get_data(as_text=True)
    row = page.split("Математика", 1)[1].split("</tr>", 1)[0]
    assert ">74<" in row.replace(" ", "").replace("\n", "")


def test_the_plans_page_reads_the_curriculum_in_queries_fixed_in_number(app, client, login, world, college):
    login("head2")
    url = "/plans/"
    client.get(url)
    with count_queries(app) as few:
        client.get(url)
    with app.app_context(), acting_as(None):
        s = db.session
        more = [LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name=f"ТМ-2{i}",
                             level=2) for i in range(6, 9)]
        s.add_all(more)
        s.flush()
        specialty_id = s.scalar(db.select(Specialty.id))
        for group in more:
            s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=specialty_id))
            s.add(TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=world.org2_teacher,
                                     subject_id=world.org2_subject, group_id=group.id, hours_per_week=2))
        s.commit()
    with count_queries(app) as many:
        client.get("/plans/")
    assert many["n"] == few["n"]


def test_a_college_menu_has_the_specialtys_plan_and_not_the_curriculum_by_level(app, client, login, college):
    login("head2")
    menu = client.get("/").get_data(as_text=True)
    assert ("Учебные планы специальностей" in menu, "/curriculumview/list/" in menu, 'href="/load/"' in menu) \
        == (True, False, False)


def test_a_school_menu_keeps_the_curriculum_by_level(app, client, login, world):
    login("deputy1")
    menu = client.get("/").get_data(as_text=True)
    assert ("/curriculumview/list/" in menu, 'href="/load/"' in menu) == (True, True)
