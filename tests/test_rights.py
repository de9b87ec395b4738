"""«Права ролей»: the Администратор of an organisation changes what a role may
do there; the change is stored per organisation, audited, and takes effect at
once for that organisation only."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Assignment, AuditEntry, Lesson, Mark, OrgRolePermission


def _today_assignment(app, world, org):
    """A lesson of today in the teacher's own class, so that no edit window refuses the mark."""
    with app.app_context():
        lesson = Lesson(org_id=world.ids[org], group_id=world.ids[f"{org}_group"], subject_id=world.ids[f"{org}_subject"],
                        teacher_id=world.ids[f"{org}_teacher"], date=clock.today(), number=7, topic="Повторение")
        db.session.add(lesson)
        db.session.flush()
        assignment = Assignment(org_id=world.ids[org], lesson_id=lesson.id, type_id=world.ids[f"{org}_type"], weight=1)
        db.session.add(assignment)
        db.session.commit()
        return assignment.id


def _post_mark(client, assignment, learner):
    return client.post("/api/v1/marks/", json={"assignment": assignment, "learner": learner, "value": "4"})


def _selected(html: str, role: str, resource: str) -> str:
    """The level checked for ``role`` and ``resource`` on the rights page."""
    (level,) = re.findall(rf'<input type="radio" name="p:{role}:{resource}" value="(\w+)"\s+checked', html)
    return level


def test_marks_read_only_for_teachers_of_one_organisation(app, client, login, world):
    a1, a3 = _today_assignment(app, world, "org1"), _today_assignment(app, world, "org3")
    login("teacher1")
    assert _post_mark(client, a1, world.org1_child).status_code == 201  # before: the default lets him
    login("admin1")
    assert _selected(client.get("/rights/?role=Учитель").get_data(as_text=True), "Учитель", "Marks") == "write"
    assert client.post("/rights/", data={"p:Учитель:Marks": "read"}).status_code == 302
    assert _selected(client.get("/rights/?role=Учитель").get_data(as_text=True), "Учитель", "Marks") == "read"
    with app.app_context():
        (row,) = db.session.scalars(select(OrgRolePermission)).all()
        assert (row.org_id, row.resource, row.level) == (world.org1, "Marks", "read")
        before = db.session.scalar(select(func.count()).select_from(Mark))
    login("teacher1")
    assert _post_mark(client, a1, world.org1_sibling).status_code == 403
    assert client.put(f"/api/v1/marks/{world.org1_mark}", json={"value": "2"}).status_code == 403
    assert client.get(f"/api/v1/marks/{world.org1_mark}").status_code == 200  # reading stays
    login("teacher3")
    assert _post_mark(client, a3, world.org3_sibling).status_code == 201
    login("admin3")
    assert _selected(client.get("/rights/?role=Учитель").get_data(as_text=True), "Учитель", "Marks") == "write"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Mark)) == before + 1
        assert db.session.get(Mark, world.org1_mark).value == "5"


def test_rights_change_is_audited_with_old_and_new(app, client, login, world):
    login("admin1")
    client.post("/rights/", data={"p:Учитель:Marks": "read"})
    client.post("/rights/", data={"p:Учитель:Marks": "none"})
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "OrgRolePermission")
                                     .order_by(AuditEntry.id)).all()
    assert [(e.action, e.username, e.org_id) for e in entries] == [("insert", "admin1", world.org1),
                                                                   ("update", "admin1", world.org1)]
    assert entries[1].old == {"level": "read"} and entries[1].new == {"level": "none"}


def test_system_and_authority_roles_are_not_the_schools_to_change(app, client, login, world):
    login("admin1")
    page = client.get("/rights/?role=Учитель").get_data(as_text=True)
    assert 'name="p:Admin:' not in page and 'name="p:Сотрудник УО:' not in page
    for key in ("p:Admin:Marks", "p:Сотрудник УО:Marks", "p:Учитель:НетТакого"):
        response = client.post("/rights/", data={key: "write"}, follow_redirects=True)
        assert "Права не сохранены" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(OrgRolePermission)) is None


def test_only_the_administrator_changes_rights(app, client, login, world):
    for user in ("teacher1", "deputy1", "director1", "uo_a", "parent1"):
        login(user)
        assert client.post("/rights/", data={"p:Учитель:Marks": "none"}).status_code == 403, user
    with app.app_context():
        assert db.session.scalar(select(OrgRolePermission)) is None
    login("teacher1")
    assert client.get("/rights/?role=Учитель").status_code == 403
    home = client.get("/").get_data(as_text=True)
    assert "Администрирование" not in home and "Права ролей" not in home
    login("admin1")
    home = client.get("/").get_data(as_text=True)
    assert "Администрирование" in home and "Права ролей" in home


def test_system_administrator_picks_the_organisation(app, client, login, world):
    login("sysadmin")
    page = client.get(f"/rights/?org={world.org3}").get_data(as_text=True)
    assert 'id="rights-org"' in page and f'<option value="{world.org3}" selected' in page
    assert client.post("/rights/", data={"org": world.org3, "p:Учитель:Marks": "read"}).status_code == 302
    with app.app_context():
        (row,) = db.session.scalars(select(OrgRolePermission)).all()
        assert (row.org_id, row.resource, row.level) == (world.org3, "Marks", "read")
    login("admin1")  # an organisation's administrator has no picker and no other organisation
    page = client.get(f"/rights/?org={world.org3}&role=Учитель").get_data(as_text=True)
    assert 'id="rights-org"' not in page
    assert _selected(page, "Учитель", "Marks") == "write"


def test_a_school_sees_its_own_roles_one_at_a_time_with_defaults_and_reach(client, login, world):
    login("admin1")  # org1: a school with a preschool group
    page = client.get("/rights/?role=Классный руководитель").get_data(as_text=True)
    roles = set(re.findall(r'href="/rights/\?role=([^"&]+)', page))
    assert "Куратор" not in {r.replace("+", " ") for r in roles} and "Воспитатель" in page
    assert "которыми человек руководит" in page  # where a derived role's rights reach
    assert len(re.findall(r'<input type="radio" name="p:([^:"]+):', page)) == \
        len(re.findall(r'<input type="radio" name="p:Классный руководитель:', page))  # one role at a time
    table = page[page.index('class="table table-condensed table-hover rights-table"'):]
    assert "Специальности" not in table  # a college's section
    assert "Медицинские карты" in table  # the school's own


def test_back_to_defaults_for_a_whole_role(app, client, login, world):
    login("admin1")
    client.post("/rights/", data={"p:Учитель:Marks": "read", "p:Учитель:Lessons": "none"})
    client.post("/rights/", data={"reset": "Учитель"})
    with app.app_context():
        assert db.session.scalars(select(OrgRolePermission)).all() == []
