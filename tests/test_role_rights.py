"""«Права ролей»: the Администратор changes what a role may do in his organisation only."""
from __future__ import annotations


from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditEntry, Lesson, OrgRolePermission


def _today_lesson(app, world, org="org1"):
    with app.app_context():
        lesson = Lesson(org_id=world.ids[org], group_id=world.ids[f"{org}_group"], subject_id=world.ids[f"{org}_subject"],
                        teacher_id=world.ids[f"{org}_teacher"], date=clock.today(), number=6, topic="Тема")
        db.session.add(lesson)
        db.session.commit()
        return lesson.id


def _save(client, lesson, learner):
    return client.post("/journal/save", json={"changes": [{"key": "k", "kind": "mark", "lesson_id": lesson,
                                                            "learner_id": learner, "value": "4", "version": None}]})


def test_teacher_loses_marks_in_one_organisation_only(app, client, login, world):
    lesson1, lesson3 = _today_lesson(app, world, "org1"), _today_lesson(app, world, "org3")
    login("admin1")
    page = client.get("/rights/?role=Учитель").get_data(as_text=True)
    assert "Права ролей" in page and 'name="p:Учитель:Marks"' in page
    response = client.post("/rights/", data={"p:Учитель:Marks": "read"})
    assert response.status_code == 302
    with app.app_context():
        row = db.session.scalar(select(OrgRolePermission).where(OrgRolePermission.resource == "Marks"))
        assert (row.org_id, row.level) == (world.org1, "read")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "OrgRolePermission"))
        assert entry.username == "admin1" and entry.new["level"] == "read"
    login("teacher1")
    assert _save(client, lesson1, world.org1_sibling).status_code == 403
    assert client.get("/journal/").status_code == 200  # still reads the journal
    login("teacher3")
    assert _save(client, lesson3, world.org3_sibling).get_json()["results"][0]["status"] == "saved"


def test_back_to_default_removes_the_override(app, client, login, world):
    login("admin1")
    client.post("/rights/", data={"p:Учитель:Marks": "read"})
    client.post("/rights/", data={"p:Учитель:Marks": "write"})
    with app.app_context():
        assert db.session.scalar(select(OrgRolePermission)) is None
        actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.entity == "OrgRolePermission").order_by(AuditEntry.id)).all()
    assert actions == ["insert", "delete"]


def test_bad_form_changes_nothing(app, client, login, world):
    login("admin1")
    response = client.post("/rights/", data={"p:Учитель:Marks": "всё", "p:Учитель:Lessons": "read"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(OrgRolePermission)) is None


def test_others_cannot_change_rights(app, client, login, world):
    for user in ("teacher1", "director1", "uo_a"):
        login(user)
        client.post("/rights/", data={"p:Учитель:Marks": "none"})
    with app.app_context():
        assert db.session.scalar(select(OrgRolePermission)) is None
    login("teacher1")
    assert client.get("/rights/").status_code == 403
    assert "Администрирование" not in client.get("/").get_data(as_text=True)
