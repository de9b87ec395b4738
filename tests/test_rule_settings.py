"""«Правила организации»: the Администратор sets the rule settings on one page; a
change is audited and takes effect at once; a bad value changes nothing."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Assignment, AuditEntry, Lesson, Organisation


def _old_lesson(app, world, days_ago: int) -> tuple[int, int]:
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, date=clock.today() - dt.timedelta(days=days_ago), number=6,
                        topic="Повторение")
        db.session.add(lesson)
        db.session.flush()
        assignment = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
        db.session.add(assignment)
        db.session.commit()
        return lesson.id, assignment.id


def _form(client, **changes) -> dict:
    """The settings form as the page fills it, with ``changes`` («school.edit_window_days»: "14")."""
    page = client.get("/rule-settings/").get_data(as_text=True)
    data = dict(re.findall(r'<input type="text" id="s-\d+" name="([^"]+)" value="([^"]*)"', page))
    data.update({name: "y" for name in re.findall(r'<input type="checkbox" id="s-\d+" name="([^"]+)" value="y" checked',
                                                      page)})
    data.update({k.replace("__", "."): v for k, v in changes.items()})
    return data


def _mark(client, world, lesson, assignment):
    return client.post("/journal/save", json={"changes": [{
        "key": "k", "kind": "mark", "lesson_id": lesson, "assignment_id": assignment,
        "learner_id": world.org1_sibling, "value": "4", "version": None}]}).get_json()["results"][0]["status"]


def test_the_page_lists_each_setting_with_its_rule_and_default(client, login):
    login("admin1")
    page = client.get("/rule-settings/").get_data(as_text=True)
    assert "Срок исправления отметок и посещаемости" in page  # the rule, in words
    assert "Порог округления средневзвешенного балла" in page and "0,6" in page  # a setting and its default
    assert "Срок действия пароля сотрудника, дней" in page
    assert "— дошкольные группы" in page and "— классы" in page  # a school with a preschool group: whose rule
    # No codes (a word «R1», not the letters inside the form's token); a school sees no college setting.
    assert not re.search(r"(?<![\w.-])R\d+(?![\w.-])", page) and "Куратор" not in page


def test_a_wider_edit_window_lets_the_teacher_mark_an_older_lesson_at_once(app, client, login, world):
    lesson, assignment = _old_lesson(app, world, days_ago=12)  # the school's default window is 10 days
    login("teacher1")
    assert _mark(client, world, lesson, assignment) == "error"
    login("admin1")
    response = client.post("/rule-settings/", data=_form(client, school__edit_window_days="14"))
    assert response.status_code == 302
    with app.app_context():
        org = db.session.get(Organisation, world.org1)
        assert org.settings == {"school": {"edit_window_days": 14}}
        (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "Organisation")).all()
        assert (entry.username, entry.org_id, entry.old["settings"], entry.new["settings"]) == \
            ("admin1", world.org1, {}, {"school": {"edit_window_days": 14}})
    login("teacher1")
    assert _mark(client, world, lesson, assignment) == "saved"


def test_a_bad_value_is_refused_in_russian_and_nothing_changes(app, client, login, world):
    login("admin1")
    page = client.post("/rule-settings/", data=_form(client, school__edit_window_days="14",
                                                     school__rounding_threshold="полтора")).get_data(as_text=True)
    assert "Порог округления средневзвешенного балла: Введите число, например «0,6»." in page
    with app.app_context():
        assert db.session.get(Organisation, world.org1).settings == {}


def test_others_read_or_are_refused(client, login):
    login("deputy1")
    assert client.get("/rule-settings/").status_code == 200
    assert client.post("/rule-settings/", data={"school.edit_window_days": "30"}).status_code == 403
    login("teacher1")
    assert client.get("/rule-settings/").status_code == 403


def test_the_authority_reads_its_own_organisations_only(app, client, login, world):
    login("uo_a")
    page = client.get(f"/rule-settings/?org={world.org3}").get_data(as_text=True)
    offered = set(re.findall(r'<option value="(\d+)"', page))
    assert offered == {str(world.org1), str(world.org2)}  # «Школа № 3» is another authority's
    assert client.post("/rule-settings/", data={"org": world.org1, "school.edit_window_days": "30"}).status_code == 403
    with app.app_context():
        assert db.session.get(Organisation, world.org1).settings == {}
