"""Журнал изменений: inserts, updates and deletes of marks, attendance, people,
guardian links, users and role rights are written with who, when, entity, id,
old and new values, in the transaction of the change; nobody edits the log."""
from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, AttendanceCode, AuditEntry, GuardianLink, Learner, Lesson, Mark
from app.scoping import resolve_scope


def _entries(app, entity, entity_id=None, action=None):
    with app.app_context():
        q = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        if entity_id is not None:
            q = q.where(AuditEntry.entity_id == entity_id)
        if action:
            q = q.where(AuditEntry.action == action)
        return db.session.scalars(q).all()


def _total(app):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(AuditEntry))


def test_mark_changed_keeps_old_new_and_who(app, client, login, world):
    login("teacher1")
    response = client.put(f"/api/v1/marks/{world.org1_mark}", json={"value": "4", "version": 1})
    assert response.status_code == 200, response.get_json()
    (entry,) = _entries(app, "Mark", world.org1_mark, "update")
    assert entry.username == "teacher1" and entry.user_id == world.user_teacher1 and entry.org_id == world.org1
    assert entry.old == {"value": "5"} and entry.new == {"value": "4"}
    assert entry.at is not None


def test_person_edited_on_the_page_keeps_old_and_new(app, client, login, world):
    login("admin1")
    response = client.post(f"/learnerview/edit/{world.org1_child}", data={
        "last_name": "Иванов-Петров", "first_name": "Иван", "birth_date": "2015-03-01",
        "group": world.org1_group, "enrolled_on": "2022-09-01"})
    assert response.status_code == 302
    (entry,) = _entries(app, "Learner", world.org1_child, "update")
    assert entry.username == "admin1"
    assert entry.old["last_name"] == "Иванов" and entry.new["last_name"] == "Иванов-Петров"


def test_mark_inserted_and_deleted_by_rest(app, client, login, world):
    login("teacher1")
    created = client.post("/api/v1/marks/", json={"assignment": world.org1_assignment,
                                                  "learner": world.org1_learner3, "value": "4"})
    assert created.status_code == 201, created.get_json()
    mark_id = created.get_json()["id"]
    (ins,) = _entries(app, "Mark", mark_id, "insert")
    assert ins.old is None and ins.new["value"] == "4" and ins.new["learner_id"] == world.org1_learner3
    assert client.delete(f"/api/v1/marks/{mark_id}").status_code == 200
    (gone,) = _entries(app, "Mark", mark_id, "delete")
    assert gone.old["value"] == "4" and gone.new is None and gone.username == "teacher1"


def test_attendance_change_and_delete_and_person_create(app, client, login, world):
    with app.app_context():
        db.session.add(AttendanceCode(org_id=world.org1, code="Б", name="Болезнь", category="illness"))
        db.session.commit()
        illness = db.session.scalar(select(AttendanceCode.id).where(AttendanceCode.code == "Б"))
    login("admin1")
    assert client.put(f"/api/v1/attendance/{world.org1_absence}", json={"code": "Б"}).status_code == 200
    (changed,) = _entries(app, "Attendance", world.org1_absence, "update")
    assert changed.username == "admin1"
    assert changed.old == {"code_id": world.org1_code} and changed.new == {"code_id": illness}
    assert client.delete(f"/api/v1/attendance/{world.org1_absence}").status_code == 200
    (gone,) = _entries(app, "Attendance", world.org1_absence, "delete")
    assert gone.old["learner_id"] == world.org1_learner3 and gone.username == "admin1"
    assert client.post("/learnerview/add", data={"last_name": "Новикова", "first_name": "Алла",
                                                 "group": world.org1_group}).status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(Learner.id).where(Learner.last_name == "Новикова"))
    (ins,) = _entries(app, "Learner", new_id, "insert")
    assert ins.new["last_name"] == "Новикова" and ins.new["group_id"] == world.org1_group and ins.org_id == world.org1
    assert ins.username == "admin1"


def test_guardian_link_delete_is_audited(app, client, login, world):
    login("admin1")
    with app.app_context():
        link_id = db.session.scalar(select(GuardianLink.id).where(GuardianLink.learner_id == world.org1_child))
    assert client.post(f"/guardianlinkview/delete/{link_id}").status_code == 302
    (gone,) = _entries(app, "GuardianLink", link_id, "delete")
    assert gone.old["guardian_id"] == world.org1_parent and gone.old["learner_id"] == world.org1_child
    assert gone.old["relation"] == "мать"


def test_account_created_and_roles_changed(app, client, login, world):
    login("admin1")
    with app.app_context():
        sm = app.appbuilder.sm
        teacher, secretary = sm.find_role("Учитель").id, sm.find_role("Секретарь").id
    assert client.post("/users/add", data={
        "username": "newbie", "first_name": "Новый", "last_name": "Учитель", "email": "newbie@example.ru",
        "roles": [str(teacher)], "active": "y", "password": "Пароль-12345!", "conf_password": "Пароль-12345!",
    }).status_code == 302
    with app.app_context():
        new_id = db.session.scalar(select(Account.id).where(Account.username == "newbie"))
    (ins,) = _entries(app, "Account", new_id, "insert")
    assert ins.username == "admin1" and ins.new["username"] == "newbie" and ins.new["password"] == "***"
    response = client.post(f"/users/edit/{new_id}", data={
        "username": "newbie", "first_name": "Новый", "last_name": "Учитель", "email": "newbie@example.ru",
        "roles": [str(teacher), str(secretary)], "active": "y"})
    assert response.status_code == 302
    upd = _entries(app, "Account", new_id, "update")[-1]
    assert upd.old["roles"] == ["Учитель"] and upd.new["roles"] == ["Секретарь", "Учитель"]
    assert all("pbkdf" not in str(v) and "scrypt" not in str(v) for v in (ins.new, upd.old, upd.new))


def test_role_permission_change_is_audited(app, client, login, world):
    login("admin1")
    client.post("/rights/", data={"p:Учитель:Attendance": "read"})
    (entry,) = _entries(app, "OrgRolePermission", action="insert")
    assert entry.username == "admin1" and entry.org_id == world.org1
    assert entry.new["resource"] == "Attendance" and entry.new["level"] == "read"
    client.post("/rights/", data={"p:Учитель:Attendance": "none"})
    (upd,) = _entries(app, "OrgRolePermission", action="update")
    assert upd.old == {"level": "read"} and upd.new == {"level": "none"}


def test_refused_writes_leave_no_entry_and_no_change(app, client, login, world):
    before = _total(app)
    login("teacher1")
    client.post("/api/v1/marks/", json={"assignment": world.org1_other_assignment,
                                        "learner": world.org1_stranger, "value": "2"})
    client.put(f"/api/v1/marks/{world.org1_stranger_mark}", json={"value": "2"})
    login("admin1")
    client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик", "group": world.org3_group})
    client.post(f"/learnerview/edit/{world.org3_child}", data={"last_name": "Взломан", "first_name": "X"})
    with app.app_context():
        uo = app.appbuilder.sm.find_role("Сотрудник УО").id
    client.post(f"/users/edit/{world.user_teacher1}", data={
        "username": "teacher1", "first_name": "T", "last_name": "T", "email": "teacher1@example.ru",
        "roles": [str(uo)], "active": "y"})
    assert _total(app) == before
    with app.app_context():
        assert db.session.get(Mark, world.org1_stranger_mark).value == "3"


def test_entry_shares_the_transaction_of_the_change(app, world):
    """A change rolled back after its flush takes its audit entry with it."""
    with app.test_request_context():
        account = db.session.scalar(select(Account).where(Account.username == "teacher1"))
        g.ejournal_scope = resolve_scope(db.session, account, app.extensions["ejournal"])
        db.session.get(Mark, world.org1_mark).value = "2"
        db.session.flush()
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "Mark", AuditEntry.action == "update")) == 1
        db.session.rollback()
        g.pop("ejournal_scope")
        db.session.remove()
    assert _entries(app, "Mark", action="update") == []
    with app.app_context():
        assert db.session.get(Mark, world.org1_mark).value == "5"


def _make_entries(client, login, world):
    login("admin1")
    client.put(f"/api/v1/attendance/{world.org1_absence}", json={"comment": "org1"})
    login("admin3")
    client.put(f"/api/v1/attendance/{world.org3_absence}", json={"comment": "org3"})


def test_admin_and_deputy_read_the_log_of_their_organisation(app, client, login, world):
    _make_entries(client, login, world)
    with app.app_context():
        own = db.session.scalar(select(AuditEntry.id).where(AuditEntry.org_id == world.org1))
        foreign = db.session.scalar(select(AuditEntry.id).where(AuditEntry.org_id == world.org3))
    for user in ("admin1", "deputy1"):
        login(user)
        page = client.get("/auditview/list/")
        assert page.status_code == 200, user
        html = page.get_data(as_text=True)
        assert "Журнал изменений" in html
        ids = {int(i) for i in re.findall(r"/auditview/show/(\d+)", html)}
        assert own in ids and foreign not in ids
        assert client.get(f"/auditview/show/{own}").status_code == 200
        assert client.get(f"/auditview/show/{foreign}").status_code == 404
    login("teacher1")
    assert client.get("/auditview/list/").status_code == 403
    assert client.get(f"/auditview/show/{own}").status_code == 403


@pytest.mark.parametrize("user", ["sysadmin", "admin1", "deputy1"])
def test_nobody_edits_or_deletes_the_log(app, client, login, world, user):
    _make_entries(client, login, world)
    with app.app_context():
        own = db.session.scalar(select(AuditEntry).where(AuditEntry.org_id == world.org1))
        own_id, own_new, total = own.id, own.new, _total(app)
    login(user)
    for method, url, data, refusal in [
        ("get", "/auditview/add", None, 403), ("post", "/auditview/add", {"username": "x", "entity": "Mark"}, 403),
        ("get", f"/auditview/edit/{own_id}", None, 403), ("post", f"/auditview/edit/{own_id}", {"username": "x"}, 403),
        ("post", f"/auditview/delete/{own_id}", None, 403), ("get", f"/auditview/delete/{own_id}", None, 403),
        # The view has no such action: 404, as for any unknown action.
        ("post", "/auditview/action_post", {"action": "muldelete", "rowid": [str(own_id)]}, 404),
    ]:
        assert getattr(client, method)(url, data=data).status_code == refusal, (user, url)
    with app.app_context():
        assert _total(app) == total
        assert db.session.get(AuditEntry, own_id).new == own_new


def test_a_lesson_changed_on_the_list_page_is_audited(app, client, login, world):
    login("deputy1")
    with app.app_context():
        lesson = db.session.get(Lesson, world.org1_other_lesson)
        form = {"date": lesson.date.isoformat(), "number": "3", "group": world.org1_other_group,
                "subject": world.org1_subject, "teacher": world.org1_other_teacher, "topic": "Уравнения"}
    assert client.post(f"/lessonview/edit/{world.org1_other_lesson}", data=form).status_code == 302
    (entry,) = _entries(app, "Lesson", world.org1_other_lesson, "update")
    assert (entry.username, entry.old, entry.new) == ("deputy1", {"number": 2}, {"number": 3})
