"""Scoping below the views: another organisation's, another class's and another
child's records are refused on every route FAB offers (NOTES.md lists the
routes where FAB's base_filters alone would leak)."""
from __future__ import annotations

import re

from flask import g
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Account, AuditEntry, Learner, Mark, Organisation
from app.scoping import resolve_scope


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _options(html: str, field: str) -> set[int]:
    select_html = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {int(v) for v in re.findall(r'value="(\d+)"', select_html)}


def test_list_shows_own_organisation_only(client, login, world):
    login("admin1")
    page = client.get("/learnerview/list/").get_data(as_text=True)
    assert "Количество записей:</strong> 4" in re.sub(r"\s+", " ", page) or "Количество записей: 4" in page
    login("admin3")  # the same process, another user: the cached criteria take his organisation
    api = client.get("/api/v1/learners/?q=(page_size:100)").get_json()
    assert {r["id"] for r in api["result"]} == {world.org3_child, world.org3_sibling, world.org3_learner3, world.org3_stranger}


def test_show_edit_delete_of_another_organisation_are_refused(app, client, login, world):
    login("admin1")
    assert client.get(f"/learnerview/show/{world.org3_child}").status_code == 404
    assert client.get(f"/learnerview/edit/{world.org3_child}").status_code == 404
    client.post(f"/learnerview/edit/{world.org3_child}", data={"last_name": "Взломан", "first_name": "X"})
    client.post(f"/learnerview/delete/{world.org3_child}")
    with app.app_context():
        learner = db.session.get(Learner, world.org3_child)
        assert learner is not None and learner.last_name == "Иванов"


def test_actions_on_another_organisations_record_are_refused(app, client, login, world):
    login("admin1")
    assert client.post(f"/users/action/resetpasswords/{world.user_admin3}").status_code == 404
    assert client.post("/users/action_post", data={"action": "resetpasswords",
                                                   "rowid": [str(world.user_admin3)]}).status_code == 404
    # the action itself still works on one's own organisation
    assert client.post(f"/users/action/resetpasswords/{world.user_teacher1}").status_code == 302


def test_related_field_choices_are_own_organisation_only(client, login, world):
    login("admin1")
    html = client.get("/learnerview/add").get_data(as_text=True)
    assert _options(html, "group") == {world.org1_group, world.org1_other_group}
    info = client.get("/api/v1/learners/_info?q=(keys:!(add_columns))").get_json()
    (group_field,) = [c for c in info["add_columns"] if c["name"] == "group"]
    assert {v["id"] for v in group_field["values"]} == {world.org1_group, world.org1_other_group}


def test_rest_refuses_foreign_ids(app, client, login, world):
    login("admin1")
    assert client.get(f"/api/v1/learners/{world.org3_child}").status_code == 404
    assert client.put(f"/api/v1/learners/{world.org3_child}", json={"last_name": "Взломан"}).status_code == 404
    before = _count(app, Learner)
    response = client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик",
                                                      "group": world.org3_group})
    assert response.status_code == 422
    assert "не найдена" in str(response.get_json()["message"])
    assert _count(app, Learner) == before
    ok = client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик", "group": world.org1_group})
    assert ok.status_code == 201
    with app.app_context():
        assert db.session.get(Learner, ok.get_json()["id"]).org_id == world.org1


def test_teacher_reaches_own_groups_only(app, client, login, world):
    login("teacher1")
    ids = {r["id"] for r in client.get("/api/v1/learners/?q=(page_size:100)").get_json()["result"]}
    assert ids == {world.org1_child, world.org1_sibling, world.org1_learner3}
    response = client.post("/api/v1/marks/", json={"assignment": world.org1_other_assignment,
                                                   "learner": world.org1_stranger, "value": "2"})
    assert response.status_code == 422
    assert _count(app, Mark, Mark.learner_id == world.org1_stranger) == 1


def test_parent_and_learner_scope_at_the_orm_level(app, world):
    """Even a view written tomorrow with a plain select sees only the own child."""
    host = app.extensions["ejournal"]
    for username, expected in [("parent1", {world.org1_mark}), ("learner1", {world.org1_mark})]:
        with app.test_request_context():
            g.pop("ejournal_scope", None)  # the test's app context outlives each request context
            account = db.session.scalar(select(Account).where(Account.username == username))
            account_scope = resolve_scope(db.session, account, host)
            g.ejournal_scope = account_scope
            assert set(db.session.scalars(select(Mark.id))) == expected
            assert db.session.get(Mark, world.org1_sibling_mark) is None
            db.session.remove()


def test_authority_reads_its_organisations_and_writes_nothing(app, client, login, world):
    login("uo_a")
    page = client.get("/organisationview/list/").get_data(as_text=True)
    assert "Школа № 1" in page and "Техникум № 2" in page and "Школа № 3" not in page
    assert client.get(f"/api/v1/learners/{world.org3_child}").status_code == 404
    assert client.get(f"/api/v1/learners/{world.org2_child}").status_code == 200
    before = _count(app, Learner)
    client.post("/api/v1/learners/", json={"last_name": "Х", "first_name": "У", "group": world.org1_group})
    client.post(f"/learnerview/edit/{world.org1_child}", data={"last_name": "Взломан", "first_name": "X"})
    assert _count(app, Learner) == before
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).last_name == "Иванов"


def test_organisation_admin_cannot_escalate(app, client, login, world):
    login("admin1")
    with app.app_context():
        admin_role = app.appbuilder.sm.find_role("Admin").id
    html = client.get("/users/add").get_data(as_text=True)
    assert admin_role not in _options(html, "roles")
    client.post(f"/users/edit/{world.user_teacher1}", data={
        "username": "teacher1", "first_name": "Teacher1", "last_name": "Тестов", "email": "teacher1@example.ru",
        "roles": [str(admin_role)], "active": "y"})
    with app.app_context():
        assert {r.name for r in db.session.get(Account, world.user_teacher1).roles} == {"Учитель"}


def test_refused_write_leaves_no_audit_entry(app, client, login, world):
    before = _count(app, AuditEntry)
    login("admin1")
    client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик", "group": world.org3_group})
    client.post(f"/learnerview/edit/{world.org3_child}", data={"last_name": "Взломан", "first_name": "X"})
    assert _count(app, AuditEntry) == before


def test_organisation_list_of_a_school_admin(client, login, world):
    login("admin1")
    ids = {int(i) for i in re.findall(r"/organisationview/show/(\d+)", client.get("/organisationview/list/").get_data(as_text=True))}
    assert ids == {world.org1}
    assert Organisation  # the model under test


def test_unticked_checkbox_is_not_a_missing_field(app, client, login, world):
    from app.models import AcademicYear

    login("admin1")
    with app.app_context():
        db.session.get(AcademicYear, world.org1_year).closed = True
        db.session.commit()
    response = client.post(f"/academicyearview/edit/{world.org1_year}", data={
        "name": "2026/2027", "start": "2026-09-01", "end": "2027-06-30"})  # «closed» unticked
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(AcademicYear, world.org1_year).closed is False


def test_flush_refuses_a_foreign_key_into_another_organisation(app, world):
    """Below every view: a row of one's own organisation pointing at another's group."""

    import pytest

    from app.models import Lesson
    from app.scoping import ScopeError

    host = app.extensions["ejournal"]
    with app.test_request_context():
        g.pop("ejournal_scope", None)
        account = db.session.scalar(select(Account).where(Account.username == "admin1"))
        g.ejournal_scope = resolve_scope(db.session, account, host)
        db.session.add(Lesson(org_id=world.org1, group_id=world.org3_group, subject_id=world.org1_subject,
                              teacher_id=world.org1_teacher, date=clock.today(), number=1, topic="Чужой класс"))
        with pytest.raises(ScopeError, match="не найдена или недоступна"):
            db.session.flush()
        db.session.rollback()
        g.pop("ejournal_scope", None)
