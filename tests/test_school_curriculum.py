"""Subjects in full (R8), class names by grade, the curriculum and «Нагрузка и учебный план»."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import LearnerGroup, Subgroup, Subject, TeachingAssignment
from app.models.plans import CurriculumEntry
from app.services.plan_rules import subject_name_problem
from app.services.plans import load_check
from tests.test_query_counts import assert_fixed_queries, new_class


def _subjects(app, name):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Subject).where(Subject.name == name))


@pytest.mark.parametrize("name", ["Рус. яз.", "Матем.", "ИЗО", "ОБЖ", "ИЗО и МХК", "физ-ра", "Лит. чтение", "English"])
def test_r8_refuses_abbreviated_subject_names(app, client, login, name):
    login("admin1")
    html = client.post("/subjectview/add", data={"name": name, "plugin": "school"},
                       follow_redirects=True).get_data(as_text=True)
    assert f"Название предмета «{name}» не принято" in html
    assert _subjects(app, name) == 0


@pytest.mark.parametrize("name", ["Русский язык", "Изобразительное искусство", "Основы безопасности и защиты Родины",
                                  "Иностранный язык (английский)", "Информатика и ИКТ",
                                  "Алгебра и начала математического анализа"])
def test_r8_accepts_full_names(name):
    assert subject_name_problem(name) is None


def test_r8_refusal_on_edit_and_class_name_on_rest_change_nothing(app, client, login, world):
    login("deputy1")
    html = client.post(f"/subjectview/edit/{world.org1_subject}", data={"name": "Матем.", "plugin": "school"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Название предмета «Матем.» не принято" in html
    with app.app_context():
        assert db.session.get(Subject, world.org1_subject).name == "Математика"
    response = client.put(f"/api/v1/groups/{world.org1_group}", json={"name": "6А"})
    assert response.status_code == 422
    assert "не соответствует параллели 5" in response.get_json()["message"]
    with app.app_context():
        assert db.session.get(LearnerGroup, world.org1_group).name == "5А"


def test_class_name_must_match_its_grade(app, client, login, world):
    login("admin1")
    data = {"year": world.org1_year, "kind": "class", "name": "6А", "level": 5}
    html = client.post("/learnergroupview/add", data=data, follow_redirects=True).get_data(as_text=True)
    assert "не соответствует параллели 5" in html
    data["name"] = "5В"
    html = client.post("/learnergroupview/add", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Запись добавлена" in html
    with app.app_context():
        names = set(db.session.scalars(select(LearnerGroup.name).where(LearnerGroup.org_id == world.org1)))
    assert "5В" in names and "6А" not in names


def _curriculum(app, world, level, subject_id, hours, org="org1"):
    with app.app_context():
        db.session.add(CurriculumEntry(org_id=world.ids[org], year_id=world.ids[f"{org}_year"], level=level,
                                       subject_id=subject_id, hours_per_week=hours))
        db.session.commit()


def test_curriculum_crud_for_the_deputy_and_refusals(app, client, login, world):
    login("deputy1")
    data = {"year": world.org1_year, "level": 5, "subject": world.org1_subject, "hours_per_week": "5"}
    html = client.post("/curriculumview/add", data=data, follow_redirects=True).get_data(as_text=True)
    assert "Запись добавлена" in html
    html = client.post("/curriculumview/add", data=data, follow_redirects=True).get_data(as_text=True)
    assert "уже есть строка" in html
    html = client.post("/curriculumview/add", data={**data, "level": 12}, follow_redirects=True).get_data(as_text=True)
    assert "Параллель учебного плана — число от 1 до 11." in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CurriculumEntry)) == 1
    html = client.get("/curriculumview/list/").get_data(as_text=True)
    assert "Математика" in html
    for user in ("teacher1", "parent1", "learner1"):
        login(user)
        assert client.post("/curriculumview/add", data={**data, "level": 6}).status_code in (302, 403)
        assert client.get("/load/").status_code in (302, 403)
    login("admin3")  # another organisation sees none of org1's curriculum
    assert "Математика" not in client.get("/curriculumview/list/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CurriculumEntry)) == 1


def _small_school(app, world):
    """5А: Математика 5 h by curriculum, assigned 5 (ok); Русский язык 5, assigned 4 (less);
    Английский split into two subgroups, 3 h: one subgroup 3 (ok), the other without teacher;
    Литература 3 in the curriculum, no assignment; Музыка assigned 1, not in the curriculum."""
    with app.app_context():
        s = db.session
        org, year = world.org1, world.org1_year
        ru = Subject(org_id=org, name="Русский язык", plugin="school")
        en = Subject(org_id=org, name="Иностранный язык (английский)", plugin="school")
        lit = Subject(org_id=org, name="Литература", plugin="school")
        mus = Subject(org_id=org, name="Музыка", plugin="school")
        s.add_all([ru, en, lit, mus])
        s.flush()
        g1 = Subgroup(org_id=org, group_id=world.org1_group, subject_id=en.id, name="1 подгруппа")
        g2 = Subgroup(org_id=org, group_id=world.org1_group, subject_id=en.id, name="2 подгруппа")
        s.add_all([g1, g2])
        s.flush()
        for level, sid, hours in [(5, world.org1_subject, 5), (5, ru.id, 5), (5, en.id, 3), (5, lit.id, 3),
                                  (6, world.org1_subject, 5)]:
            s.add(CurriculumEntry(org_id=org, year_id=year, level=level, subject_id=sid, hours_per_week=hours))
        for sid, sg, hours in [(ru.id, None, 4), (en.id, g1.id, 3), (mus.id, None, 1)]:
            s.add(TeachingAssignment(org_id=org, year_id=year, teacher_id=world.org1_teacher, subject_id=sid,
                                     group_id=world.org1_group, subgroup_id=sg, hours_per_week=hours))
        s.commit()


def test_load_check_figures_on_a_small_school(app, world):
    _small_school(app, world)
    with app.app_context():
        rows = load_check(db.session, world.org1_year)
    found = {(r.group.name, r.subject_name, r.subgroup_name): (r.curriculum, r.assigned, r.status) for r in rows}
    assert found[("5А", "Математика", None)] == (5, 5, "ok")
    assert found[("5А", "Русский язык", None)] == (5, 4, "less")
    assert found[("5А", "Иностранный язык (английский)", "1 подгруппа")] == (3, 3, "ok")
    assert found[("5А", "Иностранный язык (английский)", "2 подгруппа")] == (3, 0, "no_teacher")
    assert found[("5А", "Литература", None)] == (3, 0, "no_teacher")
    assert found[("5А", "Музыка", None)] == (None, 1, "extra")
    assert found[("6Б", "Математика", None)] == (5, 5, "ok")


def test_load_page_shows_differences_to_the_deputy(app, client, login, world):
    _small_school(app, world)
    login("deputy1")
    html = client.get("/load/?diff=1").get_data(as_text=True)
    assert "на 1 ч меньше" in html
    assert "нет учителя" in html and "2 подгруппа" in html
    assert "нет в учебном плане" in html
    assert 'data-subject="Математика" data-status="ok"' not in html  # only differences
    login("admin3")
    html = client.get("/load/").get_data(as_text=True)
    assert "Русский язык" not in html


def _grow_classes(app, world, count):
    with app.app_context():
        s = db.session
        for i in range(count):
            teacher, group = new_class(s, world, f"7{'АБВГДЕЖЗИК'[i]}", f"Учитель{i}")
            s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=teacher.id,
                                     subject_id=world.org1_subject, group_id=group.id, hours_per_week=4))
        s.commit()


@pytest.mark.parametrize("path", ["/load/", "/curriculumview/list/"])
def test_curriculum_pages_run_a_bounded_number_of_queries(app, client, login, world, path):
    _small_school(app, world)

    def grow():
        _grow_classes(app, world, 8)
        _curriculum(app, world, 7, world.org1_subject, 5)

    login("deputy1")
    assert_fixed_queries(app, client, path, grow)
