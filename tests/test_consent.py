"""Согласие на обработку ПД (seed 002, R11): who keeps it, the one rule of
validity, and withdrawal closing the account at once."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Account, AuditEntry, Consent, Guardian, Learner, Staff
from app.services.accounts import consent_rule
from tests.test_issue_logins import SIGNED, give_consent
from tests.world import TODAY

pytestmark = pytest.mark.dates  # consents are signed, in force and withdrawn by the world's day

DAY = dt.date(2026, 11, 20)  # the rule's own day; withdrawals below happen on the world's TODAY


def _consents(app, person_id):
    with app.app_context():
        return list(db.session.scalars(select(Consent).where(Consent.person_id == person_id).order_by(Consent.id)))


def _add(client, person, **extra):
    data = {"person": person, "signed_by": "guardian", "signed_on": SIGNED.isoformat(), "document_ref": "ПД-17",
            "scope": "ФИО, отметки", **extra}
    return client.post("/consents/add", data=data, follow_redirects=True).get_data(as_text=True)


def test_the_rule_by_age_and_signer():
    learner = Learner(id=1, org_id=1, last_name="Иванов", first_name="Иван", birth_date=dt.date(2015, 3, 1))
    teen = Learner(id=2, org_id=1, last_name="Петров", first_name="Пётр", birth_date=dt.date(2010, 1, 1))
    parent = Guardian(id=3, org_id=1, last_name="Иванова", first_name="Ольга")
    teacher = Staff(id=4, org_id=1, last_name="Учителева", first_name="Анна")

    def c(pid, by, signed=dt.date(2026, 9, 1), withdrawn=None):
        return Consent(person_id=pid, signed_by=by, signed_on=signed, withdrawn_on=withdrawn)

    assert consent_rule(learner, [c(1, "self")], DAY)[0] is None  # a child of 11 cannot consent alone
    assert "законного представителя" in consent_rule(learner, [c(1, "self")], DAY)[1]
    assert consent_rule(learner, [c(1, "guardian")], DAY)[0] is not None
    assert consent_rule(teen, [c(2, "self")], DAY)[0] is not None  # 16: his own consent counts
    assert consent_rule(parent, [c(3, "guardian")], DAY)[0] is None  # adults sign for themselves
    assert consent_rule(teacher, [c(4, "self")], DAY)[0] is not None
    assert consent_rule(learner, [c(1, "guardian", withdrawn=DAY)], DAY)[0] is None  # withdrawn
    assert consent_rule(learner, [c(1, "guardian", signed=DAY + dt.timedelta(days=1))], DAY)[0] is None
    assert consent_rule(learner, [c(99, "guardian")], DAY)[0] is None  # someone else's
    no_birth = Learner(id=5, org_id=1, last_name="Без", first_name="Даты")
    assert consent_rule(no_birth, [c(5, "self")], DAY)[0] is None  # unknown age: treated as a child


def test_class_teacher_records_consent_of_own_learner(app, client, login, world):
    login("teacher1")
    page = client.get("/consents/").get_data(as_text=True)
    assert "Иванов Иван" in page and "Чужой" not in page
    page = _add(client, world.org1_child, guardian=world.org1_parent)
    assert "Согласие записано" in page
    [consent] = _consents(app, world.org1_child)
    assert consent.signed_by == "guardian" and consent.guardian_id == world.org1_parent
    assert consent.signer_name == "Иванова Ольга" and consent.document_ref == "ПД-17" and consent.org_id == world.org1
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Consent"))
        assert entry.username == "teacher1" and entry.action == "insert"


def test_class_teacher_corrects_and_deletes_a_consent(app, client, login, world):
    give_consent(app, world.org1_sibling)
    [consent] = _consents(app, world.org1_sibling)
    login("teacher1")
    page = client.post(f"/consents/{consent.id}/edit", data={"document_ref": "ПД-2026/5", "scope": "ФИО, отметки"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Согласие исправлено" in page
    assert _consents(app, world.org1_sibling)[0].document_ref == "ПД-2026/5"
    empty = client.post(f"/consents/{consent.id}/edit", data={"document_ref": "x", "scope": " "},
                        follow_redirects=True).get_data(as_text=True)
    assert "Укажите, на что дано согласие" in empty and _consents(app, world.org1_sibling)[0].document_ref == "ПД-2026/5"
    client.post(f"/consents/{consent.id}/delete")
    assert not _consents(app, world.org1_sibling)


def test_guardian_of_another_child_cannot_sign(app, client, login, world):
    login("teacher1")
    page = _add(client, world.org1_sibling, guardian=world.org1_parent)  # Иванова is not Петрова's guardian
    assert "не связан" in page and not _consents(app, world.org1_sibling)
    page = _add(client, world.org1_child, signed_on="2099-01-01")
    assert "в будущем" in page and not _consents(app, world.org1_child)


@pytest.mark.parametrize("user", ["otherteacher1", "teacher3", "admin2", "director1"])
def test_unrelated_users_cannot_record_or_withdraw(app, client, login, world, user):
    give_consent(app, world.org1_child)
    [consent] = _consents(app, world.org1_child)
    login(user)
    _add(client, world.org1_child)
    client.post(f"/consents/{consent.id}/edit", data={"document_ref": "подделка", "scope": "всё"})
    client.post(f"/consents/{consent.id}/withdraw", data={"withdrawn_on": TODAY.isoformat(), "confirm": "yes"})
    client.post(f"/consents/{consent.id}/delete")
    after = _consents(app, world.org1_child)
    assert len(after) == 1 and after[0].withdrawn_on is None and after[0].document_ref == "С-1"


@pytest.mark.parametrize("user", ["parent1", "learner1"])
def test_parents_and_learners_have_no_consent_pages(app, client, login, world, user):
    login(user)
    assert client.get("/consents/").status_code in (302, 403)
    _add(client, world.org1_child)
    assert not _consents(app, world.org1_child)


def test_withdrawal_blocks_the_account_in_the_same_transaction(app, client, login, world):
    give_consent(app, world.org1_child)
    [consent] = _consents(app, world.org1_child)
    login("secretary1")
    # The first press only asks, naming the account that will be closed; nothing changes yet.
    asked = client.post(f"/consents/{consent.id}/withdraw", data={"withdrawn_on": TODAY.isoformat()},
                        follow_redirects=True).get_data(as_text=True)
    assert "Учётная запись learner1" in asked and f"отзыв с {TODAY:%d.%m.%Y}" in asked
    assert _consents(app, world.org1_child)[0].withdrawn_on is None
    with app.app_context():
        assert db.session.scalar(select(Account.active).where(Account.username == "learner1"))
    page = client.post(f"/consents/{consent.id}/withdraw", data={"withdrawn_on": TODAY.isoformat(), "confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "learner1 заблокирована" in page
    assert _consents(app, world.org1_child)[0].withdrawn_on == TODAY
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "learner1"))
        assert not account.active
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Account",
                                                           AuditEntry.action == "update")
                                  .order_by(AuditEntry.id.desc()).limit(1))
        assert entry.username == "secretary1" and entry.new["active"] is False
    again = client.post(f"/consents/{consent.id}/withdraw",
                        data={"withdrawn_on": (TODAY + dt.timedelta(days=1)).isoformat(), "confirm": "yes"},
                        follow_redirects=True).get_data(as_text=True)
    assert "уже отозвано" in again


def test_blocked_account_cannot_log_in(app, client, login, world):
    from app.scoping import acting_as, resolve_scope
    from app.services.accounts import withdraw_consent

    give_consent(app, world.org1_child)
    [consent] = _consents(app, world.org1_child)
    login("learner1")
    assert client.get("/diary/").status_code == 200
    with app.test_request_context(), acting_as(None):  # the secretary, elsewhere
        secretary = db.session.scalar(select(Account).where(Account.username == "secretary1"))
        with acting_as(resolve_scope(db.session, secretary, app.extensions["ejournal"])):
            withdraw_consent(db.session, db.session.get(Consent, consent.id), TODAY)
    assert client.get("/diary/").status_code in (302, 403)  # the open session ends too
    refused = client.post("/login/", data={"username": "learner1", "password": world_password()},
                          follow_redirects=True).get_data(as_text=True)
    assert "Учётная запись заблокирована" in refused
    wrong = client.post("/login/", data={"username": "learner1", "password": "не тот"},
                        follow_redirects=True).get_data(as_text=True)
    assert "заблокирована" not in wrong  # the reason is told only to the owner of the password


def test_another_consent_in_force_keeps_the_account(app, client, login, world):
    give_consent(app, world.org1_child)
    give_consent(app, world.org1_child)
    first = _consents(app, world.org1_child)[0]
    login("teacher1")
    client.post(f"/consents/{first.id}/withdraw", data={"withdrawn_on": TODAY.isoformat(), "confirm": "yes"})
    assert _consents(app, world.org1_child)[0].withdrawn_on == TODAY  # withdrawn indeed
    with app.app_context():
        assert db.session.scalar(select(Account.active).where(Account.username == "learner1"))


def test_secretary_keeps_staff_consents(app, client, login, world):
    login("secretary1")
    page = client.get("/consents/?staff=1").get_data(as_text=True)
    assert "Учителева Анна" in page
    assert "Согласие записано" in _add(client, world.org1_teacher, signed_by="self")
    assert "только за обучающегося" in _add(client, world.org1_other_teacher, signed_by="guardian")
    login("teacher1")
    assert "Учителева Анна Петровна" not in client.get("/consents/?staff=1").get_data(as_text=True)
    _add(client, world.org1_other_teacher, signed_by="self")
    assert not _consents(app, world.org1_other_teacher)


def world_password():
    from tests.world import PASSWORD

    return PASSWORD


def test_consent_page_runs_a_fixed_number_of_queries(app, client, login, world):
    from tests.test_query_counts import _grow, assert_fixed_queries

    def grow():
        with app.app_context():
            for i in range(5):
                learner = Learner(org_id=world.org1, last_name=f"Новиков{i}", first_name="Тест",
                                  group_id=world.org1_group)
                db.session.add(learner)
                db.session.flush()
                db.session.add(Consent(org_id=world.org1, person_id=learner.id, signed_by="guardian",
                                       signed_on=dt.date(2026, 9, 1), scope="ФИО"))
            db.session.commit()
        _grow(app, world, groups=2, learners_per_group=3)

    login("secretary1")
    assert_fixed_queries(app, client, f"/consents/?group={world.org1_group}", grow)
