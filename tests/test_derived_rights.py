"""A right given to a role reaches as far as the role's relationship: a right of the
Классный руководитель his class, a right of the Учитель the classes he teaches.

The class teacher of 5А also teaches 6Б here, so a right that leaked from the
class he leads to the classes he teaches would show.
"""
from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import TeachingAssignment
from app.models.cards import MedicalCard, PsychoCard

SECRET = {"5А": "орехи, мёд", "6Б": "пыльца берёзы"}
CARD_PAGES = [("/medcards", "MedicalCards"), ("/psychocards", "PsychoCards")]


@pytest.fixture
def leader_teaches_another_class(app, world):
    """teacher1 leads 5А and teaches 6Б too; each class has a learner with both cards."""
    with app.app_context():
        s = db.session
        s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_teacher,
                                 subject_id=world.org1_subject, group_id=world.org1_other_group, hours_per_week=1))
        for learner, secret in ((world.org1_child, SECRET["5А"]), (world.org1_stranger, SECRET["6Б"])):
            s.add(MedicalCard(org_id=world.org1, learner_id=learner, allergies=secret))
            s.add(PsychoCard(org_id=world.org1, learner_id=learner, characteristic=secret))
        s.commit()


def _give(client, login, role: str, resource: str, level: str):
    login("admin1")
    assert client.post("/rights/", data={f"p:{role}:{resource}": level}).status_code == 302


def _cards_seen_by_teacher1(client, login, world, path: str, resource: str, role: str) -> dict[str, bool]:
    """Whether teacher1 sees the card of the 5А learner and of the 6Б one once ``role`` may read the cards."""
    _give(client, login, role, resource, "read")
    login("teacher1")
    return {name: SECRET[name] in client.get(f"{path}/{learner}").get_data(as_text=True)
            for name, learner in (("5А", world.org1_child), ("6Б", world.org1_stranger))}


def _offered_groups(html: str) -> set[int]:
    found = re.search(r'<select[^>]*name="group"[^>]*>(.*?)</select>', html, re.S)
    return {int(v) for v in re.findall(r'value="(\d+)"', found.group(1))} if found else set()


@pytest.mark.parametrize("path, resource", CARD_PAGES)
def test_a_class_teachers_card_right_reaches_his_class_only(app, client, login, world, leader_teaches_another_class,
                                                           path, resource):
    seen = _cards_seen_by_teacher1(client, login, world, path, resource, "Классный руководитель")
    assert seen == {"5А": True, "6Б": False}


@pytest.mark.parametrize("path, resource", CARD_PAGES)
def test_a_teachers_card_right_reaches_the_classes_he_teaches(app, client, login, world, leader_teaches_another_class,
                                                             path, resource):
    seen = _cards_seen_by_teacher1(client, login, world, path, resource, "Учитель")
    assert seen == {"5А": True, "6Б": True}


@pytest.mark.parametrize("path", ["/issue-logins/", "/consents/"])
def test_issuing_and_consents_of_a_class_teacher_reach_his_class_only(app, client, login, world,
                                                                     leader_teaches_another_class, path):
    login("teacher1")
    assert _offered_groups(client.get(path).get_data(as_text=True)) == {world.org1_group}
    page = client.get(f"{path}?group={world.org1_other_group}", follow_redirects=True).get_data(as_text=True)
    assert "только для своих классов и групп" in page


@pytest.mark.parametrize("path, resource", [("/issue-logins/", "IssueLogins"), ("/consents/", "Consents")])
def test_issuing_and_consents_given_to_teachers_reach_the_classes_they_teach(app, client, login, world,
                                                                            leader_teaches_another_class, path,
                                                                            resource):
    _give(client, login, "Учитель", resource, "write")
    login("teacher1")
    assert _offered_groups(client.get(path).get_data(as_text=True)) == {world.org1_group, world.org1_other_group}
