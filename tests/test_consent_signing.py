"""Who signed a consent and how it is withdrawn: a consent the learner signed himself
is his whatever the form still holds; withdrawing asks first and names the accounts
it closes; the new passwords of a batch are kept only with their slips built."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Account, Consent
from tests.test_issue_logins import SIGNED, account_of, give_consent, issue
from tests.world import PASSWORD, TODAY

pytestmark = pytest.mark.dates


def test_a_consent_the_learner_signed_himself_is_his_not_the_parents(app, client, login, world):
    login("teacher1")  # the class teacher of 5А; Иванов's mother is in the form's list
    client.post("/consents/add", data={"person": world.org1_child, "signed_by": "self", "guardian": world.org1_parent,
                                       "signed_on": SIGNED.isoformat(), "scope": "ФИО, отметки"})
    with app.app_context():
        consent = db.session.scalar(select(Consent).where(Consent.person_id == world.org1_child))
        assert (consent.signed_by, consent.guardian_id, consent.signer_name) == ("self", None, "Иванов Иван")


def test_withdrawing_asks_first_and_names_the_account_it_closes(app, client, login, world):
    give_consent(app, world.org1_parent, signed_by="self")
    with app.app_context():
        consent_id = db.session.scalar(select(Consent.id).where(Consent.person_id == world.org1_parent))
    login("secretary1")
    page = client.post(f"/consents/{consent_id}/withdraw", data={"withdrawn_on": TODAY.isoformat()})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Учётная запись parent1" in text and "вход будет закрыт сразу" in text
    with app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_on is None
        assert db.session.get(Account, world.user_parent1).active is True
    client.post(f"/consents/{consent_id}/withdraw", data={"withdrawn_on": TODAY.isoformat(), "confirm": "yes"})
    with app.app_context():
        assert db.session.get(Consent, consent_id).withdrawn_on == TODAY
        assert db.session.get(Account, world.user_parent1).active is False


def test_a_crash_while_building_the_slips_changes_no_password(app, client, login, world, monkeypatch):
    """Re-issuing the logins of a class: the PDF fails, every old password still works."""
    import app.views.issue_logins as views

    give_consent(app, world.org1_child)
    before = account_of(app, world.org1_child).password  # learner1's
    login("teacher1")

    def broken(*args, **kwargs):
        raise RuntimeError("the PDF renderer died")

    monkeypatch.setattr(views, "slips_pdf", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert issue(client, world, learners=[world.org1_child]).status_code == 500
    assert account_of(app, world.org1_child).password == before
    fresh = app.test_client()
    with app.app_context():  # the learner's own login still works as before the failed batch
        assert fresh.post("/login/", data={"username": "learner1", "password": PASSWORD}).status_code == 302
