"""No escalation: a user gives another account only the roles he may grant.

Only the organisation's Администратор grants Администратор or a role that may
change rights or accounts; whoever keeps accounts without being the Администратор
gives only the other roles and cannot touch an account above him; an account made
by someone else starts with a one-time password. Tried for every role of the
organisation against every role there is.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Account, Staff
from tests.world import PASSWORD, TODAY

# The roles that, with the default rights, keep accounts or change rights.
POWERFUL = {"Администратор", "Секретарь", "Специалист по кадрам"}
SYSTEM_ROLES = {"Admin", "Public", "Сотрудник УО"}


# The college's own roles: a school (org1 is a school with a preschool group) does not give them.
COLLEGE_ROLES = {"Куратор", "Менеджер учебной части", "Заведующий учебной частью"}


def _org_roles(app) -> list[str]:
    """The roles org1 gives its people."""
    host = app.extensions["ejournal"]
    return sorted(name for name, spec in host.roles.items()
                  if spec.scope not in {"system", "authority"} and name not in COLLEGE_ROLES)


def _all_roles(app) -> list[str]:
    with app.app_context():
        return sorted(r.name for r in app.appbuilder.sm.get_all_roles())


def _make_user(app, world, username: str, role: str) -> int:
    with app.app_context():
        sm = app.appbuilder.sm
        person = Staff(org_id=world.org1, last_name="Проверкин", first_name=username)
        db.session.add(person)
        db.session.commit()
        account = sm.add_user(username, username, "Проверкин", f"{username}@example.ru", [sm.find_role(role)], PASSWORD)
        account = db.session.get(Account, account.id)
        account.org_id, account.person_id = world.org1, person.id
        db.session.commit()
        return account.id


def _try_to_grant(app, client, role: str, n: int) -> bool:
    """Create an account with ``role`` through the accounts page; True when it exists after."""
    with app.app_context():
        role_id = app.appbuilder.sm.find_role(role).id
    username = f"granted{n}"
    client.post("/users/add", data={"username": username, "first_name": "Новый", "last_name": "Сотрудник",
                                    "email": f"{username}@example.ru", "roles": [str(role_id)], "active": "y",
                                    "password": "Сложный-пароль-2026", "conf_password": "Сложный-пароль-2026"})
    with app.app_context():
        return db.session.scalar(select(Account.id).where(Account.username == username)) is not None


def _expected(actor_role: str, org_roles: list[str], role: str) -> bool:
    if actor_role == "Администратор":
        return role in org_roles
    if actor_role in POWERFUL:  # keeps accounts, is not the Администратор
        return role in org_roles and role not in POWERFUL
    return False  # no right to keep accounts at all


@pytest.mark.parametrize("actor_role", [
    "Администратор", "Директор", "Завуч", "Учитель", "Классный руководитель", "Секретарь", "Специалист по кадрам",
    "Психолог / социальный педагог", "Медицинский работник", "Технический персонал", "Обучающийся", "Родитель",
    "Воспитатель", "Куратор", "Менеджер учебной части", "Заведующий учебной частью",
])
def test_every_role_grants_only_what_it_may(app, world, actor_role):
    org_roles = _org_roles(app)
    _make_user(app, world, "actor", actor_role)
    client = app.test_client()
    with app.app_context():
        assert client.post("/login/", data={"username": "actor", "password": PASSWORD}).status_code == 302
    granted, expected = {}, {}
    for n, role in enumerate(_all_roles(app)):
        with app.app_context():
            granted[role] = _try_to_grant(app, client, role, n)
        expected[role] = _expected(actor_role, org_roles, role)
    assert granted == expected


def test_the_role_list_covers_every_role_there_is(app):
    """The parametrisation above names every role of an organisation, of any kind."""
    named = set(test_every_role_grants_only_what_it_may.pytestmark[0].args[1])
    assert named == set(_org_roles(app)) | COLLEGE_ROLES


def test_a_right_to_keep_accounts_given_to_a_role_makes_it_granted_by_the_administrator_only(app, client, login,
                                                                                          world):
    login("admin1")
    assert client.post("/rights/", data={"p:Завуч:Users": "write"}).status_code == 302
    login("secretary1")
    assert _try_to_grant(app, client, "Завуч", 1) is False
    assert _try_to_grant(app, client, "Учитель", 2) is True


def test_keeper_of_accounts_cannot_touch_an_account_above_him(app, client, login, world):
    login("secretary1")
    with app.app_context():
        teacher_role = str(app.appbuilder.sm.find_role("Учитель").id)
        before = db.session.get(Account, world.user_admin1).password
    client.post(f"/resetpassword/form?pk={world.user_admin1}",
                data={"password": "Захват-админа-2026", "conf_password": "Захват-админа-2026"})
    client.post(f"/users/edit/{world.user_admin1}", data={
        "username": "admin1", "first_name": "Admin1", "last_name": "Тестов", "email": "admin1@example.ru",
        "roles": [teacher_role], "active": "y"})
    client.post(f"/users/delete/{world.user_admin1}")
    with app.app_context():
        admin = db.session.get(Account, world.user_admin1)
        assert (admin.password, [r.name for r in admin.roles], admin.active) == (before, ["Администратор"], True)


def test_keeper_of_accounts_cannot_give_himself_a_role(app, client, login, world):
    login("secretary1")
    with app.app_context():
        roles = [str(app.appbuilder.sm.find_role(n).id) for n in ("Секретарь", "Администратор")]
        account_id = db.session.scalar(select(Account.id).where(Account.username == "secretary1"))
    client.post(f"/users/edit/{account_id}", data={
        "username": "secretary1", "first_name": "Secretary1", "last_name": "Тестов", "email": "secretary1@example.ru",
        "roles": roles, "active": "y"})
    with app.app_context():
        assert [r.name for r in db.session.get(Account, account_id).roles] == ["Секретарь"]


def test_an_account_made_by_someone_else_starts_with_a_one_time_password(app, client, login, world):
    login("secretary1")
    assert _try_to_grant(app, client, "Учитель", 7) is True
    fresh = app.test_client()
    with app.app_context():
        fresh.post("/login/", data={"username": "granted7", "password": "Сложный-пароль-2026"})
        assert fresh.get("/journal/").headers["Location"].endswith("/password/change")


@pytest.mark.parametrize("payload, message", [
    ({"kind": "abc"}, "Вид группы «abc» в этой организации не ведётся. Возможны: Дошкольная группа, Класс."),
    ({"kind": "college_group"}, "Вид группы «college_group» в этой организации не ведётся."),
    ({"level": 14}, "Параллель — от 1 до 11."),
])
def test_group_fields_are_checked_against_the_organisations_plugins(app, client, login, world, payload, message):
    login("admin1")
    response = client.put(f"/api/v1/groups/{world.org1_group}", json=payload)
    assert (response.status_code, str(response.get_json()["message"]).startswith(message)) == (422, True)
    with app.app_context():
        from app.models import LearnerGroup

        group = db.session.get(LearnerGroup, world.org1_group)
        assert (group.kind, group.level) == ("class", 5)


def test_the_personnel_officer_issues_staff_logins_with_the_roles_he_may_grant_only(app, client, login, world):
    from app.models import Consent
    from app.services.accounts import SIGNED_BY_SELF

    with app.app_context():
        db.session.add(Consent(org_id=world.org1, person_id=world.org1_other_teacher, signed_by=SIGNED_BY_SELF,
                               signer_name="Другова Вера", signed_on=TODAY, scope="ФИО"))
        db.session.commit()
    _make_user(app, world, "hr", "Специалист по кадрам")
    login("hr")
    page = client.get("/issue-logins/").get_data(as_text=True)
    roles = re.search(r'<select id="il-role" name="role"[^>]*>(.*?)</select>', page, re.S).group(1)
    offered = set(re.findall(r"<option>([^<]+)</option>", roles))
    assert "Учитель" in offered and not offered & POWERFUL and "Куратор" not in offered
    with app.app_context():
        before = db.session.scalar(select(Account.password).where(Account.person_id == world.org1_other_teacher))
    client.post("/issue-logins/staff", data={"staff": world.org1_other_teacher, "role": "Администратор"})
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.person_id == world.org1_other_teacher))
        assert ([r.name for r in account.roles], account.password) == (["Учитель"], before)
