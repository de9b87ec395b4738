"""A воспитатель writes to her group's parents and posts announcements for her group,
as a class teacher does for his class; not for another group."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.models import Guardian, GuardianLink, Learner, LearnerGroup, Organisation, Staff
from tests.world import TODAY, _user

pytestmark = pytest.mark.dates  # announcements are shown from the world's day


def _kindergarten(app, world) -> dict:
    """A preschool group of org1 led by the educator «vospitatel1», a child and the child's mother."""
    with app.app_context():
        s = db.session
        educator = Staff(org_id=world.org1, last_name="Воспитателева", first_name="Ирина", position="Воспитатель")
        s.add(educator)
        s.flush()
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                             name="Средняя группа «Солнышко»", level=4, leader_id=educator.id)
        s.add(group)
        s.flush()
        child = Learner(org_id=world.org1, last_name="Малышев", first_name="Миша", group_id=group.id)
        mother = Guardian(org_id=world.org1, last_name="Малышева", first_name="Анна")
        s.add_all([child, mother])
        s.flush()
        s.add(GuardianLink(org_id=world.org1, guardian_id=mother.id, learner_id=child.id, relation="мать"))
        s.commit()
        org = s.get(Organisation, world.org1)
        _user(app.appbuilder.sm, "vospitatel1", ["Воспитатель"], org=org, person=educator)
        account = _user(app.appbuilder.sm, "mama1", ["Родитель"], org=org, person=mother)
        return {"group": group.id, "mother": mother.id, "mother_account": account.id}


def _form(**extra):
    return {"title": "Утренник", "body": "В пятницу в 10:00", "shown_from": TODAY.isoformat(),
            "shown_to": (TODAY + dt.timedelta(days=3)).isoformat(), **extra}


def test_the_educator_posts_for_her_group(app, client, login, world):
    ids = _kindergarten(app, world)
    login("vospitatel1")
    page = client.post("/announcements/new", data=_form(audience="groups", groups=[ids["group"]]),
                       follow_redirects=True).get_data(as_text=True)
    assert "Объявление опубликовано" in page


def test_the_educator_does_not_post_for_another_group(app, client, login, world):
    _kindergarten(app, world)
    login("vospitatel1")
    page = client.post("/announcements/new", data=_form(audience="groups", groups=[world.org1_group]),
                       follow_redirects=True).get_data(as_text=True)
    assert "Объявление опубликовано" not in page and "только для своих" in page


def test_the_educator_opens_the_mail(app, client, login, world):
    _kindergarten(app, world)
    login("vospitatel1")
    assert (client.get("/mail/").status_code, client.get("/mail/new").status_code) == (200, 200)


def test_the_mother_reads_the_educators_announcement_in_the_diary(app, client, login, world):
    ids = _kindergarten(app, world)
    login("vospitatel1")
    client.post("/announcements/new", data=_form(audience="groups", groups=[ids["group"]]))
    client.post("/logout/")
    login("mama1")
    page = client.get("/diary/").get_data(as_text=True)
    assert ("Утренник" in page, "В пятницу в 10:00" in page) == (True, True)


def test_the_educator_writes_to_the_mother_and_she_reads_it(app, client, login, world):
    ids = _kindergarten(app, world)
    login("vospitatel1")
    client.post("/mail/new", data={"to": [ids["mother_account"]], "subject": "Прививка",
                                   "body": "Завтра в группе прививка от гриппа."})
    client.post("/logout/")
    login("mama1")
    assert "Прививка" in client.get("/mail/").get_data(as_text=True)
