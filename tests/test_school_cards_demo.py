"""The demo school's cards: a realistic share of learners with conditions, a few
with ОВЗ, one on внутришкольный учёт — entered by the demo nurse and psychologist."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.demo import PASSWORD
from app.extensions import db
from app.models import AuditEntry, Learner, LearnerGroup, Organisation
from app.models.cards import MedicalCard, MedicalCardCondition, PsychoCard

pytestmark = pytest.mark.dates  # the demo is built on the world's day


def test_demo_cards_are_realistic_and_signed_by_the_specialists(demo_app):
    with demo_app.app_context():
        s = db.session
        school = next(o for o in s.scalars(select(Organisation).order_by(Organisation.id)) if "school" in o.plugins)
        pupils = s.scalar(select(func.count(Learner.id)).join(LearnerGroup, LearnerGroup.id == Learner.group_id)
                          .where(Learner.org_id == school.id, LearnerGroup.kind == "class"))
        cards = s.scalar(select(func.count(MedicalCard.id)).where(MedicalCard.org_id == school.id))
        with_condition = s.scalar(select(func.count(func.distinct(MedicalCardCondition.card_id)))
                                  .where(MedicalCardCondition.org_id == school.id))
        assert cards == pupils
        assert 0.2 <= with_condition / pupils <= 0.4, with_condition / pupils
        ovz = s.scalars(select(PsychoCard).where(PsychoCard.org_id == school.id, PsychoCard.ovz.is_(True))).all()
        assert 2 <= len(ovz) <= 6
        assert all(c.ovz_category and c.pmpk_date and c.pmpk_recommendation for c in ovz)
        watched = s.scalars(select(PsychoCard).where(PsychoCard.org_id == school.id,
                                                     PsychoCard.school_watch_from.is_not(None))).all()
        assert len(watched) == 1 and watched[0].deviant_flags
        authors = dict(s.execute(select(AuditEntry.entity, func.min(AuditEntry.username))
                                 .where(AuditEntry.entity.in_(["MedicalCard", "PsychoCard"]),
                                        AuditEntry.action == "insert").group_by(AuditEntry.entity)).all())
        assert authors == {"MedicalCard": "s1-nurse", "PsychoCard": "s1-psychologist"}


def test_demo_nurse_sees_the_cards_and_the_director_does_not(demo_app):
    client = demo_app.test_client()
    client.post("/login/", data={"username": "s1-nurse", "password": PASSWORD})
    html = client.get("/medcards/").get_data(as_text=True)
    assert "Группа здоровья" in html and "карта не заполнена" not in html.split("<tbody>")[1].split("</tr>")[0]
    client.post("/logout/")
    client.post("/login/", data={"username": "s1-psychologist", "password": PASSWORD})
    assert "многодетная семья" in client.get("/psychocards/?filled=1").get_data(as_text=True)
    client.post("/logout/")
    client.post("/login/", data={"username": "s1-director", "password": PASSWORD})
    assert client.get("/medcards/").status_code in (302, 403)
