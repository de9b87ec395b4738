"""Data scoping, route by route and below the views: the pages and API records of
another organisation, class or child are not there; writes into them, foreign
related ids (even at the ORM flush), an authority's writes and a school admin's
role escalation are refused with a Russian reason and change nothing (NOTES.md:
FAB's base_filters would not cover actions, form choices, _info or foreign
related ids)."""
from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import func, inspect, select

from app import clock
from app.exceptions import ScopeError
from app.extensions import db
from app.models import AcademicYear, Account, Attendance, EditUnlock, GuardianLink, Learner, Lesson, Mark, Person
from app.scoping import acting_as, resolve_scope


def _count(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _shown_ids(html: str, view: str) -> set[int]:
    return {int(i) for i in re.findall(rf"/{view}/show/(\d+)", html)}


def _options(html: str, field: str) -> set[int]:
    found = re.search(rf'<select[^>]*name="{field}"[^>]*>(.*?)</select>', html, re.S)
    assert found, f"no <select name={field}>"
    return {int(v) for v in re.findall(r'value="(\d+)"', found.group(1))}


def _alerts(html: str) -> str:
    return " ".join(re.sub(r"\s+", " ", a) for a in re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))


def _row(obj) -> dict:
    return {a.key: getattr(obj, a.key) for a in inspect(obj).mapper.column_attrs}


def _learners(world, org):
    return {world.ids[f"{org}_{k}"] for k in ("child", "sibling", "learner3", "stranger")}


def test_list_pages_show_own_organisation_by_id(client, login, world):
    login("admin1")
    page = client.get("/learnerview/list/").get_data(as_text=True)
    assert _shown_ids(page, "learnerview") == _learners(world, "org1")
    assert "Количество записей:</strong> 4 " in re.sub(r"\s+", " ", page)
    marks = _shown_ids(client.get("/markview/list/").get_data(as_text=True), "markview")
    assert marks == {world.org1_mark, world.org1_sibling_mark, world.org1_stranger_mark}
    organisations = _shown_ids(client.get("/organisationview/list/").get_data(as_text=True), "organisationview")
    assert organisations == {world.org1}
    login("admin3")  # the same process, another user: the cached criteria take his organisation
    api = client.get("/api/v1/learners/?q=(page_size:100)").get_json()
    assert {r["id"] for r in api["result"]} == _learners(world, "org3")


def test_consecutive_users_in_one_process_get_their_own_rows(client, login, world):
    """The loader criteria are cached lambdas: the values they close over must
    change with the user, request after request."""
    seen = []
    for user in ("teacher1", "otherteacher1", "admin3", "teacher1", "uo_a", "teacher3"):
        login(user)
        seen.append(_shown_ids(client.get("/learnerview/list/").get_data(as_text=True), "learnerview"))
    org1_group = {world.org1_child, world.org1_sibling, world.org1_learner3}
    org3_group = {world.org3_child, world.org3_sibling, world.org3_learner3}
    assert seen == [org1_group, {world.org1_stranger}, _learners(world, "org3"), org1_group,
                    _learners(world, "org1") | _learners(world, "org2"), org3_group]


@pytest.mark.parametrize("view,key,model,write_refusal", [
    ("learnerview", "org3_child", Learner, 404),
    # Marks and attendance have no generic form at all: the journal's service writes them.
    ("markview", "org3_mark", Mark, 403),
    ("attendanceview", "org3_absence", Attendance, 403),
])
def test_show_edit_delete_of_another_organisation(app, client, login, world, view, key, model, write_refusal):
    login("admin1")
    pk = world.ids[key]
    with app.app_context():
        before = _row(db.session.get(model, pk))
    assert client.get(f"/{view}/show/{pk}").status_code == 404
    assert client.get(f"/{view}/edit/{pk}").status_code == write_refusal
    assert client.post(f"/{view}/edit/{pk}", data={"last_name": "Взломан", "first_name": "X", "value": "2",
                                                   "comment": "x"}).status_code \
        == write_refusal
    assert client.post(f"/{view}/delete/{pk}").status_code == write_refusal
    with app.app_context():
        after = db.session.get(model, pk)
        assert after is not None and _row(after) == before


def test_actions_refuse_foreign_records_and_unknown_names(app, client, login, world):
    login("admin1")
    # FAB passes None for a record the criteria hide; its action would crash: a 404 instead.
    assert client.post(f"/users/action/resetpasswords/{world.user_admin3}").status_code == 404
    assert client.post("/users/action_post", data={"action": "resetpasswords",
                                                   "rowid": [str(world.user_admin3)]}).status_code == 404
    assert client.post("/users/action_post", data={"action": "resetpasswords",
                                                   "rowid": [str(world.user_teacher1), str(world.user_admin3)]}).status_code == 404
    # The action itself still works on one's own organisation.
    assert client.post(f"/users/action/resetpasswords/{world.user_teacher1}").status_code == 302
    # An action the view does not have was a 500 in FAB (AttributeError on None).
    assert client.post(f"/learnerview/action/muldelete/{world.org1_child}").status_code == 404
    assert client.post("/learnerview/action_post", data={"action": "muldelete",
                                                         "rowid": [str(world.org1_child)]}).status_code == 404
    assert _count(app, Learner, Learner.id == world.org1_child) == 1


def test_form_choices_are_within_scope(client, login, world):
    login("admin1")
    assert _options(client.get("/learnerview/add").get_data(as_text=True), "group") == {world.org1_group, world.org1_other_group}
    info = client.get("/api/v1/learners/_info?q=(keys:!(add_columns))").get_json()
    (group_field,) = [c for c in info["add_columns"] if c["name"] == "group"]
    assert {v["id"] for v in group_field["values"]} == {world.org1_group, world.org1_other_group}
    assert _options(client.get("/guardianlinkview/add").get_data(as_text=True), "learner") == _learners(world, "org1")
    persons = _options(client.get("/users/add").get_data(as_text=True), "person")
    assert world.org1_teacher in persons and not persons & {world.org3_teacher, world.org2_teacher, world.org3_child}
    login("deputy1")
    assert _options(client.get("/lessonview/add").get_data(as_text=True), "group") == \
        {world.org1_group, world.org1_other_group}
    login("teacher1")  # teaches and leads 5А only
    assert _options(client.get("/lessonview/add").get_data(as_text=True), "group") == {world.org1_group}


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
    ok = client.post("/api/v1/learners/", json={"last_name": "Новый", "first_name": "Ученик",
                                                "group": world.org1_group})
    assert ok.status_code == 201
    with app.app_context():
        assert db.session.get(Learner, ok.get_json()["id"]).org_id == world.org1


def test_teacher_reaches_own_groups_only(app, client, login, world):
    login("teacher1")
    ids = {r["id"] for r in client.get("/api/v1/learners/?q=(page_size:100)").get_json()["result"]}
    assert ids == {world.org1_child, world.org1_sibling, world.org1_learner3}
    assert client.get(f"/learnerview/show/{world.org1_stranger}").status_code == 404
    assert client.get(f"/markview/show/{world.org1_stranger_mark}").status_code == 404
    assert client.get(f"/markview/show/{world.org1_mark}").status_code == 200
    # Moving an own mark onto the stranger: the choice is not offered, the form refuses it.
    assert client.post(f"/markview/edit/{world.org1_mark}", data={
        "assignment": world.org1_other_assignment, "learner": world.org1_stranger, "value": "2"}).status_code == 403
    # A new mark for the stranger through the API: 422.
    response = client.post("/api/v1/marks/", json={"assignment": world.org1_other_assignment,
                                                   "learner": world.org1_stranger, "value": "2"})
    assert response.status_code == 422
    with app.app_context():
        mark = db.session.get(Mark, world.org1_mark)
        assert (mark.learner_id, mark.value) == (world.org1_child, "5")
    assert _count(app, Mark, Mark.learner_id == world.org1_stranger) == 1


def _as(app, username):
    with acting_as(None):
        account = db.session.scalar(select(Account).where(Account.username == username))
    g.ejournal_scope = resolve_scope(db.session, account, app.extensions["ejournal"])


@pytest.mark.parametrize("username", ["parent1", "learner1"])
def test_child_scope_holds_for_any_query(app, world, username):
    """A page written tomorrow with a plain select still sees only the own child."""
    with app.test_request_context():
        _as(app, username)
        assert set(db.session.scalars(select(Mark.id))) == {world.org1_mark}
        assert set(db.session.scalars(select(Learner.id))) == {world.org1_child}
        assert set(db.session.scalars(select(Attendance.id))) == set()  # the absence is learner3's
        assert db.session.get(Learner, world.org1_sibling) is None
        assert db.session.get(Mark, world.org1_sibling_mark) is None
        people = set(db.session.scalars(select(Person.id).where(Person.kind != "staff")))
        assert people == {world.org1_child, world.org1_parent}
        links = set(db.session.scalars(select(GuardianLink.learner_id)))
        assert links == {world.org1_child}
        g.pop("ejournal_scope")
        db.session.remove()


def test_parent_cannot_write_another_childs_mark_at_the_orm_level(app, world):
    with app.test_request_context():
        _as(app, "parent1")
        db.session.add(Mark(org_id=world.org1, assignment_id=world.org1_assignment,
                            learner_id=world.org1_sibling, value="5"))
        with pytest.raises(ScopeError):
            db.session.flush()
        db.session.rollback()
        g.pop("ejournal_scope")
        db.session.remove()


def test_authority_staff_read_their_organisations_and_write_nothing(app, client, login, world):
    login("uo_a")
    page = client.get("/organisationview/list/").get_data(as_text=True)
    assert "Школа № 1" in page and "Техникум № 2" in page and "Школа № 3" not in page
    ids = _shown_ids(client.get("/learnerview/list/?psize_LearnerView=100").get_data(as_text=True), "learnerview")
    assert ids == _learners(world, "org1") | _learners(world, "org2")
    assert client.get(f"/learnerview/show/{world.org2_child}").status_code == 200
    assert client.get(f"/learnerview/show/{world.org3_child}").status_code == 404
    assert client.get(f"/api/v1/learners/{world.org2_child}").status_code == 200
    assert client.get(f"/api/v1/learners/{world.org3_child}").status_code == 404
    before = _count(app, Learner)
    assert client.post("/api/v1/learners/", json={"last_name": "Х", "first_name": "У",
                                                  "group": world.org1_group}).status_code == 403
    for url, data in [(f"/learnerview/edit/{world.org1_child}", {"last_name": "Взломан", "first_name": "X"}),
                      ("/learnerview/add", {"last_name": "Новый", "first_name": "X", "group": world.org1_group}),
                      (f"/learnerview/delete/{world.org2_child}", {})]:
        assert client.post(url, data=data).status_code == 403, url
    # Even past the permission check, the guard refuses every write of an authority's scope.
    with app.test_request_context():
        _as(app, "uo_a")
        db.session.get(Learner, world.org1_child).last_name = "Взломан"
        with pytest.raises(ScopeError):
            db.session.flush()
        db.session.rollback()
        g.pop("ejournal_scope")
        db.session.remove()
    assert _count(app, Learner) == before
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).last_name == "Иванов"
        assert db.session.get(Learner, world.org2_child) is not None


def test_school_admin_cannot_escalate_and_sees_why(app, client, login, world):
    login("admin1")
    with app.app_context():
        sm = app.appbuilder.sm
        admin_role, uo_role, teacher_role = (sm.find_role(n).id for n in ("Admin", "Сотрудник УО", "Учитель"))
    assert admin_role not in _options(client.get("/users/add").get_data(as_text=True), "roles")
    form = {"username": "teacher1", "first_name": "Teacher1", "last_name": "Тестов",
            "email": "teacher1@example.ru", "active": "y"}
    for role in (admin_role, uo_role):
        response = client.post(f"/users/edit/{world.user_teacher1}", data={**form, "roles": [str(role)]},
                               follow_redirects=True)
        assert response.status_code == 200  # the next page works: the refused change was rolled back
    assert "только администратор системы" in _alerts(response.get_data(as_text=True))
    with app.app_context():
        assert {r.name for r in db.session.get(Account, world.user_teacher1).roles} == {"Учитель"}
    # A user created by the school's admin belongs to his school.
    client.post("/users/add", data={**form, "username": "newteacher", "email": "new@example.ru",
                                    "roles": [str(teacher_role)], "password": "Пароль-12345!",
                                    "conf_password": "Пароль-12345!"})
    with app.app_context():
        new = db.session.scalar(select(Account).where(Account.username == "newteacher"))
        assert new is not None and new.org_id == world.org1 and new.authority_id is None


def test_school_admin_cannot_create_an_account_in_another_organisation(app, world):
    with app.test_request_context():
        _as(app, "admin1")
        sm = app.appbuilder.sm
        account = Account(username="intruder", first_name="И", last_name="И", email="i@example.ru",
                          active=True, org_id=world.org3, roles=[sm.find_role("Учитель")])
        db.session.add(account)
        with pytest.raises(ScopeError):
            db.session.flush()
        db.session.rollback()
        g.pop("ejournal_scope")
        db.session.remove()
    with app.app_context(), acting_as(None):
        assert db.session.scalar(select(Account).where(Account.username == "intruder")) is None


def test_flush_refuses_a_foreign_key_into_another_organisation(app, world):
    """Below every view: a row of one's own organisation pointing at another's group."""
    with app.test_request_context():
        _as(app, "admin1")
        db.session.add(Lesson(org_id=world.org1, group_id=world.org3_group, subject_id=world.org1_subject,
                              teacher_id=world.org1_teacher, date=clock.today(), number=1, topic="Чужой класс"))
        with pytest.raises(ScopeError, match="не найдена или недоступна"):
            db.session.flush()
        db.session.rollback()
        g.pop("ejournal_scope")
        db.session.remove()


def test_unticked_checkbox_is_not_a_missing_field(app, client, login, world):
    login("admin1")
    with app.app_context():
        db.session.get(AcademicYear, world.org1_year).closed = True
        db.session.commit()
    response = client.post(f"/academicyearview/edit/{world.org1_year}", data={
        "name": "2026/2027", "start": "2026-09-01", "end": "2027-06-30"})  # «closed» unticked
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(AcademicYear, world.org1_year).closed is False


def test_plugin_rows_of_a_group_are_cut_without_the_plugin_asking(app, world):
    """A plugin's model with a ``group_id`` (here the college's group ↔ specialty
    link) is cut to the teacher's own groups by the core, like the core's own rows."""
    from plugins.college.models import GroupSpecialty, Specialty

    with app.app_context(), acting_as(None):
        specialty = Specialty(org_id=world.org1, code="09.02.07", name="Информационные системы и программирование")
        db.session.add(specialty)
        db.session.flush()
        db.session.add_all([GroupSpecialty(org_id=world.org1, group_id=g_, specialty_id=specialty.id)
                            for g_ in (world.org1_group, world.org1_other_group)])
        db.session.commit()
    with app.test_request_context():
        _as(app, "teacher1")
        assert set(db.session.scalars(select(GroupSpecialty.group_id))) == {world.org1_group}
        _as(app, "otherteacher1")
        assert set(db.session.scalars(select(GroupSpecialty.group_id))) == {world.org1_other_group}
        _as(app, "admin1")
        assert len(set(db.session.scalars(select(GroupSpecialty.group_id)))) == 2
        for user, group in (("teacher1", world.org1_group), ("otherteacher1", world.org1_other_group)):
            _as(app, user)  # two plugin models cut by the same rule: values never cross
            assert set(db.session.scalars(select(EditUnlock.group_id))) <= {group}
            assert set(db.session.scalars(select(GroupSpecialty.group_id))) == {group}
