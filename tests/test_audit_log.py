"""Журнал изменений: every change of marks, attendance, people, guardian links,
users and rights is written with who, when, old and new; nobody edits it."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AttendanceCode, AuditEntry, GuardianLink


def _entries(app, entity, entity_id=None, action=None):
    with app.app_context():
        q = select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.id)
        if entity_id is not None:
            q = q.where(AuditEntry.entity_id == entity_id)
        if action:
            q = q.where(AuditEntry.action == action)
        return db.session.scalars(q).all()


def test_mark_change_keeps_old_and_new(app, client, login, world):
    login("teacher1")
    response = client.put(f"/api/v1/marks/{world.org1_mark}", json={"value": "3"})
    assert response.status_code == 200, response.get_json()
    (entry,) = _entries(app, "Mark", world.org1_mark, "update")
    assert entry.username == "teacher1" and entry.org_id == world.org1 and entry.at is not None
    assert entry.old == {"value": "5"} and entry.new == {"value": "3"}


def test_attendance_person_and_link_changes_are_audited(app, client, login, world):
    with app.app_context():
        db.session.add(AttendanceCode(org_id=world.org1, code="Б", name="Болезнь", category="illness"))
        db.session.commit()
        illness = db.session.scalar(select(AttendanceCode.id).where(AttendanceCode.code == "Б"))
    login("admin1")
    assert client.put(f"/api/v1/attendance/{world.org1_absence}", json={"code": "Б"}).status_code == 200
    (att,) = _entries(app, "Attendance", world.org1_absence, "update")
    assert att.old == {"code_id": world.org1_code} and att.new == {"code_id": illness}
    created = client.post("/api/v1/learners/", json={"last_name": "Новенький", "first_name": "Пётр",
                                                     "group": world.org1_group}).get_json()["id"]
    (ins,) = _entries(app, "Learner", created, "insert")
    assert ins.new["last_name"] == "Новенький" and ins.username == "admin1"
    with app.app_context():
        link_id = db.session.scalar(select(GuardianLink.id).where(GuardianLink.learner_id == world.org1_child))
    client.post(f"/guardianlinkview/delete/{link_id}")
    (gone,) = _entries(app, "GuardianLink", link_id, "delete")
    assert gone.old["learner_id"] == world.org1_child and gone.old["relation"] == "мать"


def test_user_roles_change_is_audited_without_the_password(app, client, login, world):
    login("admin1")
    with app.app_context():
        sm = app.appbuilder.sm
        roles = [str(sm.find_role("Учитель").id), str(sm.find_role("Секретарь").id)]
    response = client.post(f"/users/edit/{world.user_teacher1}", data={
        "username": "teacher1", "first_name": "Teacher1", "last_name": "Тестов", "email": "teacher1@example.ru",
        "roles": roles, "active": "y"})
    assert response.status_code == 302
    entry = _entries(app, "Account", world.user_teacher1, "update")[-1]
    assert entry.old["roles"] == ["Учитель"] and entry.new["roles"] == ["Секретарь", "Учитель"]
    assert all("pbkdf" not in str(v) and "scrypt" not in str(v) for v in (entry.old, entry.new))


def test_audit_log_is_read_only_and_scoped(app, client, login, world):
    login("teacher1")
    assert client.get("/auditview/list/").status_code in (302, 403)
    login("deputy1")
    page = client.get("/auditview/list/")
    assert page.status_code == 200 and "Журнал изменений" in page.get_data(as_text=True)
    with app.app_context():
        some = db.session.scalar(select(AuditEntry.id).where(AuditEntry.org_id == world.org3))
        own = db.session.scalar(select(AuditEntry.id).where(AuditEntry.org_id == world.org1))
        total = db.session.query(AuditEntry).count()
    assert client.get(f"/auditview/show/{some}").status_code == 404
    assert client.get(f"/auditview/show/{own}").status_code == 200
    login("sysadmin")
    for method, url in [("get", "/auditview/add"), ("post", "/auditview/add"), ("get", f"/auditview/edit/{own}"),
                        ("post", f"/auditview/edit/{own}"), ("post", f"/auditview/delete/{own}")]:
        assert getattr(client, method)(url).status_code in (302, 403, 404, 405), url
    with app.app_context():
        assert db.session.query(AuditEntry).count() == total
