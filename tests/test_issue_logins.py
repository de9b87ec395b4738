"""«Выдача логинов» (issue 5, R11): consent first, unique logins, one-time
passwords on a PDF of slips, the first login forced to change the password,
re-issue invalidating the old password; only the issuer's own groups; staff by
the Администратор and the Специалист по кадрам; the overdue list."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Account, AuditEntry, Consent, Learner, Staff
from tests.test_query_counts import _grow, assert_fixed_queries
from tests.world import PASSWORD, YEAR_START

pytestmark = pytest.mark.dates  # a consent counts when in force on the world's day

SIGNED = YEAR_START  # consents are signed at the start of the year: never after the world's day


def give_consent(app, person_id, signed_by="guardian", org=None, withdrawn=None):
    from app.models import Person

    with app.app_context():
        org_id = org or db.session.get(Person, person_id).org_id
        db.session.add(Consent(org_id=org_id, person_id=person_id, signed_by=signed_by, signed_on=SIGNED,
                               scope="ФИО, отметки, посещаемость", document_ref="С-1", withdrawn_on=withdrawn))
        db.session.commit()


def account_of(app, person_id):
    from sqlalchemy.orm import selectinload

    with app.app_context():
        return db.session.scalar(select(Account).options(selectinload(Account.roles))
                                 .where(Account.person_id == person_id))


def issue(client, world, group=None, learners=(), guardians=(), **kw):
    data = {"group": group or world.org1_group, "learner": list(learners), "guardian": list(guardians)}
    return client.post("/issue-logins/issue", data=data, **kw)


def test_class_teacher_issues_slips_for_own_class(app, client, login, world):
    give_consent(app, world.org1_child)
    give_consent(app, world.org1_sibling)
    give_consent(app, world.org1_parent, signed_by="self")
    login("teacher1")
    page = client.get("/issue-logins/").get_data(as_text=True)
    assert "5А" in page and "6Б" not in page  # own class only
    assert "Сидоров Пётр" in page and "нет действующего согласия законного представителя" in page
    response = issue(client, world, learners=[world.org1_child, world.org1_sibling, world.org1_learner3],
                     guardians=[world.org1_parent])
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = response.data
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf  # Cyrillic font embedded
    assert "no-store" in response.headers["Cache-Control"]
    child = account_of(app, world.org1_child)  # had an account: re-issued under the same login
    assert child.username == "learner1" and child.must_change_password and child.active
    sibling = account_of(app, world.org1_sibling)
    assert sibling.username == "petrova.m" and [r.name for r in sibling.roles] == ["Обучающийся"]
    assert sibling.org_id == world.org1 and sibling.must_change_password and sibling.active
    assert sibling.password.startswith(("scrypt:", "pbkdf2:"))  # a hash, the password itself is nowhere
    parent = account_of(app, world.org1_parent)
    assert [r.name for r in parent.roles] == ["Родитель"] and parent.must_change_password
    assert account_of(app, world.org1_learner3) is None  # skipped: no consent
    with app.app_context():
        audit = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Account",
                                                           AuditEntry.action == "insert")
                                .order_by(AuditEntry.id.desc()).limit(1))
        assert audit.username == "teacher1"


def test_skipped_people_are_named_with_the_reason(app, client, login, world):
    login("teacher1")
    page = issue(client, world, learners=[world.org1_learner3], follow_redirects=True).get_data(as_text=True)
    assert "Не выдан логин: Сидоров Пётр" in page and "нет действующего согласия" in page
    assert account_of(app, world.org1_learner3) is None


def _password_from_service(app, world, person_id, username="teacher1"):
    """Issue through the service as ``username`` to learn the one-time password."""
    from app.scoping import acting_as, resolve_scope
    from app.security import role_names_of
    from app.services.accounts import issue_for_group

    host = app.extensions["ejournal"]
    with app.test_request_context(), acting_as(None):
        issuer = db.session.scalar(select(Account).where(Account.username == username))
        scope = resolve_scope(db.session, issuer, host)
        roles = role_names_of(db.session, issuer)
        with acting_as(scope):
            result = issue_for_group(db.session, scope, roles, world.org1_group, [person_id], [], clock.today())
        return result.slips[0]


def test_first_login_forces_change_and_reissue_kills_old_password(app, client, login, world):
    give_consent(app, world.org1_sibling)
    slip = _password_from_service(app, world, world.org1_sibling)
    assert re.fullmatch(r"[A-Za-z2-9]{10}", slip.password)
    client.post("/login/", data={"username": slip.login, "password": slip.password})
    home = client.get("/")
    assert home.status_code == 302 and "/password/change" in home.headers["Location"]
    assert client.get("/diary/").status_code == 302  # every page leads to the change
    weak = client.post("/password/change", data={"old_password": slip.password, "password": "qwerty",
                                                  "confirm": "qwerty"}).get_data(as_text=True)
    assert "не короче 8" in weak
    same_as_login = client.post("/password/change", data={"old_password": slip.password,
                                                          "password": slip.login + "1", "confirm": slip.login + "1"})
    assert "логином" in same_as_login.get_data(as_text=True)
    done = client.post("/password/change", data={"old_password": slip.password, "password": "Лето2026море",
                                                 "confirm": "Лето2026море"})
    assert done.status_code == 302
    assert client.get("/").status_code == 200
    account = account_of(app, world.org1_sibling)
    assert not account.must_change_password and account.password_changed_at is not None
    # Re-issue: a new one-time password, the own one stops working, the change is forced again.
    again = _password_from_service(app, world, world.org1_sibling)
    assert again.login == slip.login and again.reissued and again.password != slip.password
    assert client.get("/").status_code == 302  # the session of the old password is over
    client.post("/logout/")
    old = client.post("/login/", data={"username": slip.login, "password": "Лето2026море"}, follow_redirects=True)
    assert "Неверн" in old.get_data(as_text=True)  # the own password no longer opens the account
    assert client.get("/password/change").status_code == 302  # not signed in
    client.post("/login/", data={"username": slip.login, "password": again.password})
    assert "/password/change" in client.get("/").headers["Location"]


def test_logins_are_unique_across_organisations(app, world):
    from app.services.accounts import login_base, unique_login

    with app.app_context():
        person = db.session.get(Learner, world.org1_child)
        assert login_base(person) == "ivanov.i"
        taken = set()
        first = unique_login(db.session, person, taken)
        other = db.session.get(Learner, world.org3_child)  # another school's Иванов Иван
        assert (first, unique_login(db.session, other, taken)) == ("ivanov.i", "ivanov.i2")
        person.middle_name = "Щукинович"
        assert login_base(person) == "ivanov.ishch"[:10] or login_base(person).startswith("ivanov.i")


def test_class_teacher_cannot_issue_for_another_class(app, client, login, world):
    give_consent(app, world.org1_stranger)
    login("teacher1")
    assert "Чужой" not in client.get(f"/issue-logins/?group={world.org1_other_group}").get_data(as_text=True)
    refused = issue(client, world, group=world.org1_other_group, learners=[world.org1_stranger],
                    follow_redirects=True).get_data(as_text=True)
    assert "только для своих классов" in refused
    # Own group in the form, another class's learner among the ids: refused as a whole.
    give_consent(app, world.org1_child)
    tampered = issue(client, world, learners=[world.org1_child, world.org1_stranger],
                     follow_redirects=True).get_data(as_text=True)
    assert "не из группы" in tampered
    assert account_of(app, world.org1_stranger) is None and not account_of(app, world.org1_child).must_change_password


@pytest.mark.parametrize("user", ["otherteacher1", "teacher3", "admin2"])
def test_others_cannot_issue_for_the_class(app, client, login, world, user):
    give_consent(app, world.org1_child)
    login(user)
    response = issue(client, world, learners=[world.org1_child], follow_redirects=True)
    assert response.mimetype != "application/pdf"
    assert not account_of(app, world.org1_child).must_change_password  # learner1's password untouched


@pytest.mark.parametrize("user", ["parent1", "learner1", "director1", "plainteacher"])
def test_users_without_the_right_are_refused(app, client, login, world, user):
    give_consent(app, world.org1_child)
    if user == "plainteacher":  # a teacher of the class who leads no class
        with app.app_context():
            sm = app.appbuilder.sm
            staff = Staff(org_id=world.org1, last_name="Предметникова", first_name="Нина")
            db.session.add(staff)
            db.session.commit()
            account = sm.add_user("plainteacher", "Нина", "Предметникова", "plain@example.ru",
                                  [sm.find_role("Учитель")], PASSWORD)
            account = db.session.get(Account, account.id)
            account.org_id, account.person_id = world.org1, staff.id
            db.session.commit()
    login(user)
    assert client.get("/password/change").status_code == 200  # signed in
    assert client.get("/issue-logins/").status_code in (302, 403)
    assert issue(client, world, learners=[world.org1_child]).status_code in (302, 403)
    assert not account_of(app, world.org1_child).must_change_password


def test_secretary_issues_for_any_class_of_the_organisation(app, client, login, world):
    give_consent(app, world.org1_stranger)
    login("secretary1")
    page = client.get("/issue-logins/").get_data(as_text=True)
    assert "5А" in page and "6Б" in page
    assert issue(client, world, group=world.org1_other_group, learners=[world.org1_stranger]).mimetype == "application/pdf"
    assert account_of(app, world.org1_stranger).username == "chuzhoi.o"
    # Staff are not the Секретарь's.
    give_consent(app, world.org1_teacher, signed_by="self")
    refused = client.post("/issue-logins/staff", data={"staff": world.org1_other_teacher, "role": "Учитель"},
                          follow_redirects=True)
    assert "Администратор и Специалист по кадрам" in refused.get_data(as_text=True)


def test_admin_issues_staff_accounts_with_consent_only(app, client, login, world):
    with app.app_context():
        new = Staff(org_id=world.org1, last_name="Щукина", first_name="Юлия", middle_name="Игоревна",
                    position="Учитель", hired_on=dt.date(2026, 11, 2))
        db.session.add(new)
        db.session.commit()
        new_id = new.id
    login("admin1")
    skipped = client.post("/issue-logins/staff", data={"staff": new_id, "role": "Учитель"},
                          follow_redirects=True).get_data(as_text=True)
    assert "нет действующего собственного согласия" in skipped and account_of(app, new_id) is None
    give_consent(app, new_id, signed_by="self")
    response = client.post("/issue-logins/staff", data={"staff": new_id, "role": "Учитель"})
    assert response.mimetype == "application/pdf" and b"DejaVuSans" in response.data
    account = account_of(app, new_id)
    assert account.username == "shchukina.ii" and account.must_change_password
    assert [r.name for r in account.roles] == ["Учитель"] and account.org_id == world.org1
    refused = client.post("/issue-logins/staff", data={"staff": new_id, "role": "Admin"},
                          follow_redirects=True).get_data(as_text=True)
    assert "нельзя назначить" in refused


def test_admin_of_another_organisation_cannot_issue_staff(app, client, login, world):
    give_consent(app, world.org1_other_teacher, signed_by="self")
    login("admin2")
    client.post("/issue-logins/staff", data={"staff": world.org1_other_teacher, "role": "Учитель"})
    assert not account_of(app, world.org1_other_teacher).must_change_password


def test_issue_page_runs_a_fixed_number_of_queries(app, client, login, world):
    def grow():
        with app.app_context():
            for i in range(6):
                db.session.add(Learner(org_id=world.org1, last_name=f"Новиков{i}", first_name="Тест",
                                       group_id=world.org1_group))
            db.session.commit()
        _grow(app, world, groups=3, learners_per_group=3)

    login("secretary1")
    assert_fixed_queries(app, client, f"/issue-logins/?group={world.org1_group}", grow)


def test_overdue_report_counts_working_days(app, world):
    from app.reports.accounts import accounts_overdue
    from app.services.accounts import overdue_cutoff, working_days_between

    monday = dt.date(2026, 11, 16)
    assert working_days_between(monday, dt.date(2026, 11, 19)) == 3  # Thursday: still in time
    assert working_days_between(monday, dt.date(2026, 11, 20)) == 4
    assert working_days_between(dt.date(2026, 11, 13), monday) == 1  # Friday → Monday over a weekend
    assert overdue_cutoff(dt.date(2026, 11, 20), 3) == monday
    with app.app_context():
        db.session.get(Learner, world.org1_child).enrolled_on = dt.date(2026, 11, 17)  # Tuesday: in time on Friday
        db.session.get(Learner, world.org1_sibling).enrolled_on = monday
        db.session.get(Staff, world.org1_other_teacher).hired_on = dt.date(2026, 11, 2)
        db.session.get(Staff, world.org1_teacher).hired_on = dt.date(2026, 11, 2)  # teacher1 has an account
        db.session.add(Staff(org_id=world.org1, last_name="Новикова", first_name="Анна", hired_on=dt.date(2026, 11, 2)))
        db.session.commit()
        with app.test_request_context():
            table = accounts_overdue(db.session, {"organisation": world.org1}, today=dt.date(2026, 11, 20))[0]
    names = {r[0]: r for r in table.rows}
    assert "Петрова Мария" in names and names["Петрова Мария"][4] == 4
    assert "Иванов Иван" not in names  # 3 working days: not yet late
    assert "Новикова Анна" in names and names["Новикова Анна"][1] == "сотрудник"
    assert "Другова Вера" not in names and "Учителева Анна Петровна" not in names  # otherteacher1, teacher1
    assert "Чужой Олег" not in names  # no enrolment date recorded
    assert "Сидоров Пётр" in names  # enrolled in 2022, never got an account


@pytest.mark.parametrize("user, allowed", [("secretary1", True), ("director1", True), ("teacher1", False),
                                           ("parent1", False)])
def test_overdue_report_page_rights(client, login, user, allowed):
    login(user)
    response = client.get("/reports/core.accounts_overdue/?run=1")
    assert (response.status_code == 200 and "Сидоров" in response.get_data(as_text=True)) == allowed


def _make_user(app, username, role, org, person_id):
    with app.app_context():
        sm = app.appbuilder.sm
        account = sm.add_user(username, username.capitalize(), "Тестов", f"{username}@example.ru",
                              [sm.find_role(role)], PASSWORD)
        account = db.session.get(Account, account.id)
        account.org_id, account.person_id = org, person_id
        db.session.commit()


def test_curator_issues_for_own_college_group_only(app, client, login, world):
    """The college's leader role (Куратор) comes from the plugin's group kind."""
    _make_user(app, "curator2", "Учитель", world.org2, world.org2_teacher)
    give_consent(app, world.org2_sibling)
    give_consent(app, world.org2_stranger)
    login("curator2")
    page = client.get("/issue-logins/").get_data(as_text=True)
    assert "5А" in page and "6Б" not in page
    refused = issue(client, world, group=world.org2_other_group, learners=[world.org2_stranger],
                    follow_redirects=True).get_data(as_text=True)
    assert "только для своих учебных групп" in refused and account_of(app, world.org2_stranger) is None
    assert issue(client, world, group=world.org2_group, learners=[world.org2_sibling]).mimetype == "application/pdf"
    assert account_of(app, world.org2_sibling).org_id == world.org2


def test_hr_specialist_issues_staff_but_not_learners(app, client, login, world):
    _make_user(app, "hr1", "Специалист по кадрам", world.org1, None)
    with app.app_context():
        new = Staff(org_id=world.org1, last_name="Кадрова", first_name="Елена", position="Учитель")
        db.session.add(new)
        db.session.commit()
        new_id = new.id
    give_consent(app, new_id, signed_by="self")
    give_consent(app, world.org1_sibling)
    login("hr1")
    page = client.get("/issue-logins/").get_data(as_text=True)
    assert "Кадрова Елена" in page and "Петрова Мария" not in page
    assert client.post("/issue-logins/staff", data={"staff": new_id, "role": "Учитель"}).mimetype == "application/pdf"
    assert account_of(app, new_id).username == "kadrova.e"
    issue(client, world, learners=[world.org1_sibling])
    assert account_of(app, world.org1_sibling) is None
