"""Учебный план специальности (plugins/college): rows by semester with their hours and
form of attestation, written by the Менеджер учебной части, read by the others, and the
check of the teaching load against it, as the учебная часть would check them."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AuditEntry, LearnerGroup, Organisation, Subject, TeachingAssignment
from app.scoping import acting_as
from plugins.college.curriculum import CurriculumRow
from plugins.college.curriculum_service import save_row
from plugins.college.models import GroupSpecialty, Specialty
from tests.world import _user

PAGE = "/college/curriculum/"


@pytest.fixture
def college(app, world) -> dict:
    """A specialty of «Техникум № 2» with a second-course group ТМ-25 (semesters 3 and 4)
    trained in it, taught Математика and Инженерная графика; and a Менеджер учебной части."""
    with app.app_context(), acting_as(None):
        s = db.session
        specialty = Specialty(org_id=world.org2, code="15.02.16", name="Технология машиностроения",
                              qualification="Техник-технолог")
        graphics = Subject(org_id=world.org2, name="Инженерная графика", plugin="college")
        sport = Subject(org_id=world.org2, name="Физическая культура", plugin="college")
        module = Subject(org_id=world.org2, name="ПМ.01 Разработка технологических процессов", plugin="college")
        group = LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name="ТМ-25", level=2,
                             leader_id=world.org2_teacher)
        s.add_all([specialty, graphics, sport, module, group])
        s.flush()
        s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=specialty.id))
        s.add_all([TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=world.org2_teacher,
                                      subject_id=subject_id, group_id=group.id, hours_per_week=2)
                   for subject_id in (world.org2_subject, graphics.id)])
        s.commit()
        _user(app.appbuilder.sm, "manager2", ["Менеджер учебной части"], org=s.get(Organisation, world.org2))
        return {"specialty": specialty.id, "group": group.id, "graphics": graphics.id, "sport": sport.id,
                "module": module.id, "maths": world.org2_subject}


def _form(college, subject, **fields):
    return {"specialty": college["specialty"], "semester": 3, "subject": college[subject], "kind": "discipline",
            "attestation": "exam", "classroom_hours": 64, "self_study_hours": 10, **fields}


def _rows(app):
    with app.app_context(), acting_as(None):
        return [(r.semester, r.subject.name, r.kind, r.classroom_hours, r.self_study_hours, r.attestation)
                for r in db.session.scalars(select(CurriculumRow).order_by(CurriculumRow.id))]


def test_manager_adds_a_row_and_sees_it_in_the_semester(app, client, login, college):
    login("manager2")
    response = client.post(f"{PAGE}save", data=_form(college, "maths"), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Учебный план сохранён." in html
    assert _rows(app) == [(3, "Математика", "discipline", 64, 10, "exam")]
    page = client.get(f"{PAGE}?specialty={college['specialty']}&semester=3").get_data(as_text=True)
    assert "Математика" in page and "Экзамен" in page and ">64<" in page


def test_bad_hours_and_forms_are_refused_in_russian_and_nothing_is_saved(app, client, login, college):
    login("manager2")
    refusals = {
        "Аудиторные часы — целое число от 0 до 2000.": _form(college, "maths", classroom_hours="-4"),
        "Часы самостоятельной работы — целое число от 0 до 2000.": _form(college, "maths", self_study_hours="пять"),
        "Укажите часы семестра: аудиторные или самостоятельной работы.":
            _form(college, "maths", classroom_hours=0, self_study_hours=0),
        "Выберите форму аттестации из списка.": _form(college, "maths", attestation="oral"),
        "Экзамен квалификационный сдают по профессиональному модулю.":
            _form(college, "maths", attestation="qualifying_exam"),
        "Семестр — число от 1 до 8.": _form(college, "maths", semester=9),
    }
    for message, data in refusals.items():
        html = client.post(f"{PAGE}save", data=data, follow_redirects=True).get_data(as_text=True)
        assert message in html, message
    assert _rows(app) == []


def test_a_discipline_appears_once_in_a_semester(app, college):
    with app.app_context(), acting_as(None):
        host = app.extensions["ejournal"]
        common = {"specialty_id": college["specialty"], "semester": 3, "subject_id": college["maths"],
                  "kind": "discipline", "attestation": "exam", "classroom_hours": 64}
        save_row(db.session, host, **common)
        db.session.commit()
        with pytest.raises(RuleError, match="«Математика» уже есть в учебном плане 3 семестра."):
            save_row(db.session, host, **{**common, "attestation": "credit"})
        db.session.rollback()
    assert _rows(app) == [(3, "Математика", "discipline", 64, 0, "exam")]


def test_a_module_gathers_its_mdk_and_keeps_them_when_asked_to_go(app, client, login, college):
    with app.app_context(), acting_as(None):
        host = app.extensions["ejournal"]
        module = save_row(db.session, host, specialty_id=college["specialty"], semester=3, subject_id=college["module"],
                          kind="module", attestation="qualifying_exam")
        save_row(db.session, host, specialty_id=college["specialty"], semester=3, subject_id=college["graphics"],
                 kind="mdk", attestation="graded_credit", classroom_hours=48, parent_id=module.id)
        db.session.commit()
        module_id = module.id
    login("manager2")
    html = client.post(f"{PAGE}delete", data={"row": module_id, "specialty": college["specialty"], "semester": 3},
                       follow_redirects=True).get_data(as_text=True)
    assert "В модуль входят МДК или практики: сначала удалите или перенесите их." in html
    assert len(_rows(app)) == 2
    page = client.get(f"{PAGE}?specialty={college['specialty']}&semester=3").get_data(as_text=True)
    assert page.index("ПМ.01 Разработка технологических процессов") < page.index("Инженерная графика")
    assert "Экзамен квалификационный" in page and "Дифференцированный зачёт" in page


def test_edit_and_delete_are_audited(app, client, login, college):
    login("manager2")
    client.post(f"{PAGE}save", data=_form(college, "maths"))
    with app.app_context(), acting_as(None):
        row_id = db.session.scalar(select(CurriculumRow.id))
    client.post(f"{PAGE}save", data=_form(college, "maths", row=row_id, attestation="credit", classroom_hours=70))
    assert _rows(app) == [(3, "Математика", "discipline", 70, 10, "credit")]
    client.post(f"{PAGE}delete", data={"row": row_id, "specialty": college["specialty"], "semester": 3})
    assert _rows(app) == []
    with app.app_context(), acting_as(None):
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.username, AuditEntry.old, AuditEntry.new)
                                     .where(AuditEntry.entity == "CurriculumRow").order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["insert", "update", "delete"]
    assert {e.username for e in entries} == {"manager2"}
    assert entries[1].old["attestation"] == "exam" and entries[1].new["attestation"] == "credit"


def test_who_may_only_read_sees_the_plan_without_forms_and_cannot_write(app, client, login, college):
    with app.app_context(), acting_as(None):
        save_row(db.session, app.extensions["ejournal"], specialty_id=college["specialty"], semester=3,
                 subject_id=college["maths"], kind="discipline", attestation="exam", classroom_hours=64)
        db.session.commit()
    login("admin2")
    page = client.get(f"{PAGE}?specialty={college['specialty']}&semester=3")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Математика" in html
    assert 'action="/college/curriculum/save"' not in html and "Удалить" not in html
    response = client.post(f"{PAGE}save", data=_form(college, "graphics"))
    assert response.status_code in (302, 403)
    assert [r[1] for r in _rows(app)] == ["Математика"]


def test_another_organisations_user_is_refused(app, client, login, college):
    with app.app_context(), acting_as(None):
        row = save_row(db.session, app.extensions["ejournal"], specialty_id=college["specialty"], semester=3,
                       subject_id=college["maths"], kind="discipline", attestation="exam", classroom_hours=64)
        db.session.commit()
        row_id = row.id
    login("admin3")  # the Администратор of «Школа № 3», a school of another authority
    assert client.get(f"{PAGE}?specialty={college['specialty']}&semester=3").status_code in (403, 404)
    client.post(f"{PAGE}delete", data={"row": row_id})
    client.post(f"{PAGE}save", data=_form(college, "maths", row=row_id, classroom_hours=1))
    assert _rows(app) == [(3, "Математика", "discipline", 64, 0, "exam")]


def test_load_check_lists_a_discipline_missing_from_the_plan_and_hours_not_covered(app, client, login, college):
    with app.app_context(), acting_as(None):
        host = app.extensions["ejournal"]
        # Математика is planned in both semesters of the 2nd course; Инженерная графика, in the load, nowhere;
        # Физическая культура is planned but nobody teaches it.
        for semester in (3, 4):
            save_row(db.session, host, specialty_id=college["specialty"], semester=semester,
                     subject_id=college["maths"], kind="discipline", attestation="exam", classroom_hours=200)
        save_row(db.session, host, specialty_id=college["specialty"], semester=3, subject_id=college["sport"],
                 kind="discipline", attestation="credit", classroom_hours=34)
        db.session.commit()
    login("manager2")
    html = client.get(f"{PAGE}?specialty={college['specialty']}&semester=3").get_data(as_text=True)
    check = html[html.index('id="curriculum-load"'):]
    graphics = check[check.index("Инженерная графика"):]
    assert "нет в учебном плане" in graphics[:graphics.index("</tr>")]
    sport = check[check.index("Физическая культура"):]
    assert "нет в нагрузке" in sport[:sport.index("</tr>")]
    maths = check[check.index("Математика"):]
    # 2 hours a week over two semesters of some 17 weeks do not cover 400 hours
    assert "часов в нагрузке меньше плана: не закрыто" in maths[:maths.index("</tr>")]


def test_the_page_offers_the_semesters_of_four_courses(app, client, login, college):
    login("manager2")
    html = client.get(PAGE).get_data(as_text=True)
    assert "8 семестр (4 курс)" in html and "9 семестр" not in html
    assert "Технология машиностроения" in html


def test_a_group_without_specialty_is_named_on_the_page(app, client, login, college, world):
    with app.app_context(), acting_as(None):
        db.session.add(LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name="ЭК-26",
                                    level=1))
        db.session.commit()
        assert db.session.scalar(select(func.count(GroupSpecialty.id))) == 1
    login("manager2")
    html = client.get(PAGE).get_data(as_text=True)
    assert "У групп не указана специальность:" in html and "ЭК-26" in html

