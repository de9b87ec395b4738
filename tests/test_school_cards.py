"""Restricted personal data (issue 4, point 7): the medical card, kept by the
Медицинский работник, and the psycho-social card, kept by the Психолог /
социальный педагог. Every other role is refused (page, card, form, save) unless
the organisation's Администратор grants the resource on «Права ролей»; every
view of a card is logged; the models are cut below the views too."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import g
from flask_login import login_user
from sqlalchemy import func, select

from app.exceptions import ScopeError
from app.extensions import db
from app.models import Account, AuditEntry, Learner, LearnerGroup, Staff, TeachingAssignment
from app.models.cards import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard
from app.security import scope_for_request
from app.services.cards import DEFAULT_CONDITIONS
from tests.test_query_counts import assert_fixed_queries
from tests.test_russian_ui import assert_russian, menu_urls, visible_text
from tests.world import PASSWORD, TODAY

pytestmark = pytest.mark.dates

NURSE, PSYCHO = "Медицинский работник", "Психолог / социальный педагог"
MED_SECRET = "сидеть за первой партой у окна"
PSY_SECRET = "тревожность в ситуации проверки знаний"
# A date on a card is never in the future (the forms refuse one): they are counted back from the world's day.
EXAM_ON = TODAY - dt.timedelta(days=71)  # the last medical examination on the fixture's card
NEW_EXAM_ON = TODAY - dt.timedelta(days=50)  # the one the nurse enters
NOTED_ON = TODAY - dt.timedelta(days=66)  # a condition noted by the nurse
WATCH_FROM = TODAY - dt.timedelta(days=50)  # on внутришкольный учёт since (the fixture's card)
NEW_WATCH_FROM = TODAY - dt.timedelta(days=46)  # … as the psychologist enters it
WATCH_TO = NEW_WATCH_FROM - dt.timedelta(days=34)  # an end of the watch before its start


def _add_user(app, username, roles, org_id, person_id=None):
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.add_user(username, username, "Тестов", f"{username}@example.ru",
                           [sm.find_role(r) for r in roles], PASSWORD)
        account = db.session.get(Account, user.id)
        account.org_id, account.person_id = org_id, person_id
        db.session.commit()
        return account.id


@pytest.fixture
def cards(app, world):
    """Users of the two restricted roles, a subject teacher of 5А, and one card of each kind for org1's child."""
    with app.app_context():
        s = db.session
        teacher = Staff(org_id=world.org1, last_name="Предметникова", first_name="Зоя", position="Учитель")
        s.add(teacher)
        s.flush()
        s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=teacher.id,
                                 subject_id=world.org1_subject, group_id=world.org1_group, hours_per_week=2))
        for org in (world.org1, world.org3):
            s.add_all([HealthCondition(org_id=org, name=n) for n in DEFAULT_CONDITIONS])
        s.flush()
        myopia = s.scalar(select(HealthCondition).where(HealthCondition.org_id == world.org1,
                                                        HealthCondition.name == "Миопия"))
        med = MedicalCard(org_id=world.org1, learner_id=world.org1_child, health_group="II", pe_group="main",
                          allergies="пыльца берёзы", recommendations=MED_SECRET, last_exam_on=EXAM_ON)
        med.conditions.append(MedicalCardCondition(org_id=world.org1, learner_id=world.org1_child,
                                                   condition_id=myopia.id, note="слабая степень",
                                                   noted_on=dt.date(2025, 5, 12)))
        psy = PsychoCard(org_id=world.org1, learner_id=world.org1_child, characteristic=PSY_SECRET,
                         social_status=["large_family"], deviant_flags=[], school_watch_from=WATCH_FROM)
        s.add_all([med, psy])
        s.commit()
        ids = dict(med=med.id, psy=psy.id, myopia=myopia.id, teacher=teacher.id)
    _add_user(app, "nurse1", [NURSE], world.org1)
    _add_user(app, "psych1", [PSYCHO], world.org1)
    _add_user(app, "nurse3", [NURSE], world.org3)
    _add_user(app, "subject1", ["Учитель"], world.org1, ids["teacher"])
    return ids


def _views(app, entity=None):
    with app.app_context():
        q = select(func.count(AuditEntry.id)).where(AuditEntry.action == "view")
        if entity:
            q = q.where(AuditEntry.entity == entity)
        return db.session.scalar(q)


def _read_card(app, model, learner_id, fields):
    """``fields(card)`` of the learner's card of ``model``, read in a fresh context; None without a card."""
    with app.app_context():
        card = db.session.scalar(select(model).where(model.learner_id == learner_id))
        return None if card is None else fields(card)


def _med(app, learner_id):
    return _read_card(app, MedicalCard, learner_id, lambda card: dict(
        health_group=card.health_group, pe_group=card.pe_group, recommendations=card.recommendations,
        conditions=sorted(c.condition_id for c in card.conditions), version=card.version))


def _psy(app, learner_id):
    return _read_card(app, PsychoCard, learner_id, lambda card: dict(
        characteristic=card.characteristic, ovz=card.ovz, social_status=card.social_status, version=card.version))


def _form_refused(client, path: str, data, version=None) -> str:
    """Posts a card's form (opened at the card's ``version``) that is refused: back with 422; its html."""
    response = client.post(path, data=data if version is None else {**data, "version": version})
    assert response.status_code == 422
    return response.get_data(as_text=True)


MED_FORM = {"health_group": "III", "pe_group": "preparatory", "allergies": "цитрусовые",
            "recommendations": "сидеть за первой партой", "last_exam_on": NEW_EXAM_ON.isoformat()}
PSY_FORM = {"characteristic": "Спокоен, общителен", "social_status": ["low_income"], "deviant_flags": ["truancy"],
            "school_watch_from": NEW_WATCH_FROM.isoformat(), "ovz": "1", "ovz_category": "zpr", "pmpk_date": "2026-05-20",
            "pmpk_number": "147", "pmpk_program": "aoop", "pmpk_recommendation": "АООП для обучающихся с ЗПР, вариант 7.2"}

CARDS = {"med": ("/medcards", MED_SECRET, MED_FORM, _med), "psy": ("/psychocards", PSY_SECRET, PSY_FORM, _psy)}
# username -> the role it stands for; teacher1 leads 5А (Классный руководитель).
REFUSED = ["admin1", "director1", "deputy1", "subject1", "teacher1", "secretary1", "parent1", "learner1", "uo_a",
           "sysadmin"]


def _refused(response):
    return response.status_code in (302, 403)


@pytest.mark.parametrize("kind", ["med", "psy"])
@pytest.mark.parametrize("username", REFUSED)
def test_every_other_role_is_refused(app, client, login, world, cards, username, kind):
    base, secret, form, read = CARDS[kind]
    before = read(app, world.org1_child)
    views = _views(app)
    login(username)
    for url in (f"{base}/", f"{base}/{world.org1_child}", f"{base}/{world.org1_child}/edit"):
        response = client.get(url)
        assert _refused(response), (username, url, response.status_code)
        assert secret not in response.get_data(as_text=True)
    response = client.post(f"{base}/{world.org1_child}/edit", data={**form, "version": before["version"]})
    assert _refused(response), (username, response.status_code)
    assert read(app, world.org1_child) == before
    assert _views(app) == views  # a refused request saw nothing, so nothing is logged
    # and the menu does not offer the page
    assert f'href="{base}/"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("username,kind", [("nurse1", "psy"), ("psych1", "med")])
def test_each_specialist_is_refused_the_other_card(app, client, login, world, cards, username, kind):
    base, secret, form, read = CARDS[kind]
    before = read(app, world.org1_child)
    login(username)
    for url in (f"{base}/", f"{base}/{world.org1_child}", f"{base}/{world.org1_child}/edit"):
        response = client.get(url)
        assert _refused(response), (username, url)
        assert secret not in response.get_data(as_text=True)
    assert _refused(client.post(f"{base}/{world.org1_child}/edit", data=form))
    assert read(app, world.org1_child) == before


@pytest.mark.parametrize("username,kind", [("nurse1", "med"), ("psych1", "psy")])
def test_each_specialist_edits_own_card(app, client, login, world, cards, username, kind):
    base, secret, form, read = CARDS[kind]
    login(username)
    html = client.get(f"{base}/").get_data(as_text=True)
    assert "Иванов Иван" in html
    html = client.get(f"{base}/{world.org1_child}").get_data(as_text=True)
    assert secret in html
    assert client.get(f"{base}/{world.org1_child}/edit").status_code == 200
    before = read(app, world.org1_child)
    response = client.post(f"{base}/{world.org1_child}/edit", data={**form, "version": before["version"]},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "Карта сохранена" in response.get_data(as_text=True)
    after = read(app, world.org1_child)
    assert after != before and after["version"] == before["version"] + 1
    # a learner without a card yet: the first save creates it
    assert read(app, world.org1_sibling) is None
    response = client.post(f"{base}/{world.org1_sibling}/edit", data=form)
    assert response.status_code == 302
    assert read(app, world.org1_sibling) is not None


def test_nurse_saves_conditions_with_note_and_date(app, client, login, world, cards):
    login("nurse1")
    with app.app_context():
        scoliosis = db.session.scalar(select(HealthCondition.id).where(HealthCondition.org_id == world.org1,
                                                                       HealthCondition.name == "Сколиоз"))
    data = {**MED_FORM, "condition": [str(scoliosis)], f"note_{scoliosis}": "I степень",
            f"noted_on_{scoliosis}": NOTED_ON.isoformat()}
    assert client.post(f"/medcards/{world.org1_child}/edit", data=data).status_code == 302
    with app.app_context():
        rows = db.session.execute(select(MedicalCardCondition.condition_id, MedicalCardCondition.note,
                                         MedicalCardCondition.noted_on, MedicalCardCondition.learner_id)).all()
    # myopia was unticked: removed; scoliosis added with its note and date
    assert rows == [(scoliosis, "I степень", NOTED_ON, world.org1_child)]
    html = client.get(f"/medcards/{world.org1_child}").get_data(as_text=True)
    assert "Сколиоз" in html and "I степень" in html and f"{NOTED_ON:%d.%m.%Y}" in html and "Миопия" not in html


def test_nurse_of_another_organisation_is_refused(app, client, login, world, cards):
    before = _med(app, world.org1_child)
    login("nurse3")
    html = client.get("/medcards/").get_data(as_text=True)
    assert "Иванов Иван" in html  # org3 has its own Иванов…
    assert MED_SECRET not in html
    for url in (f"/medcards/{world.org1_child}", f"/medcards/{world.org1_child}/edit"):
        response = client.get(url)
        assert response.status_code == 404, url
        assert MED_SECRET not in response.get_data(as_text=True)
    assert client.post(f"/medcards/{world.org1_child}/edit", data=MED_FORM).status_code == 404
    assert _med(app, world.org1_child) == before
    with app.app_context():  # no card was created for org3's nurse either
        assert db.session.scalar(select(func.count(MedicalCard.id))) == 1


def test_granted_director_reads_but_does_not_edit(app, client, login, world, cards):
    login("director1")
    assert _refused(client.get("/medcards/"))
    login("admin1")
    response = client.post("/rights/", data={"p:Директор:MedicalCards": "read"}, follow_redirects=True)
    assert "Права ролей сохранены" in response.get_data(as_text=True)
    login("director1")
    assert 'href="/medcards/"' in client.get("/").get_data(as_text=True)
    response = client.get("/medcards/")
    assert response.status_code == 200 and "Иванов Иван" in response.get_data(as_text=True)
    assert MED_SECRET in client.get(f"/medcards/{world.org1_child}").get_data(as_text=True)
    assert "/medcards/%d/edit" % world.org1_child not in client.get(f"/medcards/{world.org1_child}").get_data(as_text=True)
    before = _med(app, world.org1_child)
    assert _refused(client.get(f"/medcards/{world.org1_child}/edit"))
    assert _refused(client.post(f"/medcards/{world.org1_child}/edit", data=MED_FORM))
    assert _med(app, world.org1_child) == before
    # the grant is for the medical card only
    assert _refused(client.get("/psychocards/"))
    # and for this organisation only: the director of org3 (none in the world) — admin3's school is untouched
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.entity == "OrgRolePermission", AuditEntry.org_id == world.org1)) == 1


def test_every_view_is_logged(app, client, login, world, cards):
    login("nurse1")
    with app.app_context():
        nurse_id = db.session.scalar(select(Account.id).where(Account.username == "nurse1"))
    assert _views(app) == 0
    client.get("/medcards/")  # one card on the page
    assert _views(app, "MedicalCard") == 1
    client.get(f"/medcards/{world.org1_child}")
    client.get(f"/medcards/{world.org1_child}/edit")
    assert _views(app, "MedicalCard") == 3
    client.get(f"/medcards/{world.org1_sibling}")  # no card: nothing seen, nothing logged
    client.get("/medcards/?q=Петрова")  # the child is not on this page
    assert _views(app, "MedicalCard") == 3
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "view")).all()
        assert {(e.user_id, e.username, e.entity_id, e.org_id) for e in entries} == {
            (nurse_id, "nurse1", cards["med"], world.org1)}
        assert all(e.new == {"learner_id": world.org1_child} and e.at is not None for e in entries)
    login("psych1")
    client.get("/psychocards/")
    client.get(f"/psychocards/{world.org1_child}")
    assert _views(app, "PsychoCard") == 2


def test_every_change_is_audited_with_old_and_new(app, client, login, world, cards):
    login("nurse1")
    version = _med(app, world.org1_child)["version"]
    data = {"health_group": "III", "pe_group": "main", "allergies": "пыльца берёзы", "recommendations": MED_SECRET,
            "last_exam_on": EXAM_ON.isoformat(), "condition": [str(cards["myopia"])], f"note_{cards['myopia']}": "слабая степень",
            f"noted_on_{cards['myopia']}": "2025-05-12", "version": str(version)}
    assert client.post(f"/medcards/{world.org1_child}/edit", data=data).status_code == 302
    with app.app_context():
        updates = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "update",
                                                              AuditEntry.entity.like("Medical%"))).all()
    assert [(u.entity, u.username, u.old, u.new) for u in updates] == [
        ("MedicalCard", "nurse1", {"health_group": "II"}, {"health_group": "III"})]
    login("psych1")
    version = _psy(app, world.org1_child)["version"]
    client.post(f"/psychocards/{world.org1_child}/edit", data={
        "characteristic": PSY_SECRET, "social_status": ["large_family", "low_income"],
        "school_watch_from": WATCH_FROM.isoformat(), "version": str(version)})
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "PsychoCard",
                                                           AuditEntry.action == "update"))
    assert entry.username == "psych1"
    assert entry.old == {"social_status": ["large_family"]}
    assert entry.new == {"social_status": ["large_family", "low_income"]}


@pytest.mark.parametrize("data,message", [
    ({"health_group": "VI"}, "Группа здоровья должна быть одной из: I, II, III, IV, V."),
    ({"pe_group": "олимпийская"}, "Физкультурная группа должна быть одной из"),
    ({"last_exam_on": "2099-01-01"}, "ещё не наступила"),
    ({"last_exam_on": "31.02.2026"}, "неверная дата"),
    ({"condition": ["999999"]}, "Заболевание не найдено в справочнике."),
])
def test_bad_medical_input_is_refused_in_russian_and_changes_nothing(app, client, login, world, cards, data, message):
    login("nurse1")
    before = _med(app, world.org1_child)
    html = _form_refused(client, f"/medcards/{world.org1_child}/edit", {**MED_FORM, **data}, before["version"])
    assert "Медицинская карта: " in html and message in html
    assert_russian(html, "refused medical form")
    assert _med(app, world.org1_child) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEntry.id)).where(
            AuditEntry.action != "view", AuditEntry.entity.like("Medical%"))) == 2  # the fixture's two inserts


@pytest.mark.parametrize("data,message", [
    ({"ovz": "1", "ovz_category": "", "pmpk_date": "2026-05-20"}, "укажите категорию"),
    ({"ovz": "1", "ovz_category": "zpr", "pmpk_date": ""}, "заключением ПМПК"),
    ({"ovz": "", "ovz_category": "zpr"}, "статус ОВЗ не отмечен"),
    ({"social_status": ["богатая семья"]}, "неизвестное значение"),
    ({"school_watch_from": NEW_WATCH_FROM.isoformat(), "school_watch_to": WATCH_TO.isoformat()}, "раньше даты постановки"),
    ({"school_watch_from": "", "school_watch_to": WATCH_TO.isoformat()}, "укажите дату постановки"),
])
def test_bad_psycho_input_is_refused_in_russian_and_changes_nothing(app, client, login, world, cards, data, message):
    login("psych1")
    before = _psy(app, world.org1_child)
    html = _form_refused(client, f"/psychocards/{world.org1_child}/edit", {**PSY_FORM, **data}, before["version"])
    assert "Психолого-педагогическая карточка: " in html and message in html
    assert _psy(app, world.org1_child) == before


def test_stale_form_does_not_overwrite_a_newer_card(app, client, login, world, cards):
    login("nurse1")
    version = _med(app, world.org1_child)["version"]
    assert client.post(f"/medcards/{world.org1_child}/edit", data={**MED_FORM, "version": version}).status_code == 302
    html = _form_refused(client, f"/medcards/{world.org1_child}/edit", {**MED_FORM, "health_group": "I"}, version)
    assert "Карту уже изменил другой пользователь" in html
    assert _med(app, world.org1_child)["health_group"] == "III"


def test_search_by_name_and_class_and_pages(app, client, login, world, cards):
    login("nurse1")
    html = client.get("/medcards/?q=петров").get_data(as_text=True)
    assert "Петрова Мария" in html and "Иванов Иван" not in html
    html = client.get(f"/medcards/?group={world.org1_other_group}").get_data(as_text=True)
    assert "Чужой Олег" in html and "Иванов Иван" not in html
    login("psych1")
    html = client.get("/psychocards/?filled=1").get_data(as_text=True)
    assert "Найдено обучающихся: 1" in html and "Иванов Иван" in html and "Петрова Мария" not in html
    login("nurse1")
    _grow(app, world, learners=60)
    html = client.get("/medcards/").get_data(as_text=True)
    assert "Найдено обучающихся: 64" in html
    assert len(re.findall(r'href="/medcards/\d+"', html)) == 2 * 25  # name and «Открыть» of 25 rows
    assert 'page=3' in html
    page3 = client.get("/medcards/?page=3").get_data(as_text=True)
    assert len(re.findall(r'href="/medcards/\d+"', page3)) == 2 * 14


def _grow(app, world, learners: int, with_cards: bool = True):
    with app.app_context():
        s = db.session
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=f"8{learners}", level=8)
        s.add(group)
        s.flush()
        myopia = s.scalar(select(HealthCondition.id).where(HealthCondition.org_id == world.org1))
        for i in range(learners):
            learner = Learner(org_id=world.org1, last_name=f"Ученик{i:03d}", first_name="Тест", group_id=group.id)
            s.add(learner)
            s.flush()
            if with_cards:
                card = MedicalCard(org_id=world.org1, learner_id=learner.id, health_group="II")
                card.conditions.append(MedicalCardCondition(org_id=world.org1, learner_id=learner.id,
                                                            condition_id=myopia))
                s.add(card)
                s.add(PsychoCard(org_id=world.org1, learner_id=learner.id, social_status=["sop"],
                                 school_watch_from=dt.date(2026, 9, 1)))
        s.commit()


@pytest.mark.parametrize("username,path", [("nurse1", "/medcards/"), ("psych1", "/psychocards/")])
def test_list_runs_a_fixed_number_of_queries(app, client, login, world, cards, username, path):
    login(username)
    html = assert_fixed_queries(app, client, path, lambda: _grow(app, world, learners=40)).get_data(as_text=True)
    assert "Ученик0" in html  # the page is full of cards now


def test_the_models_are_cut_below_the_views(app, world, cards):
    """A query written tomorrow by mistake (a teacher's page, a report) gets no card:
    the core cuts restricted models for every user without the resource."""
    host = app.extensions["ejournal"]

    def as_user(username):
        g.pop("ejournal_scope", None)
        g.pop("ejournal_rights", None)
        login_user(db.session.scalar(select(Account).where(Account.username == username)))
        scope_for_request(db.session, host)

    with app.test_request_context():
        for username in ("teacher1", "subject1", "director1", "admin1", "psych1", "parent1", "sysadmin"):
            as_user(username)
            assert db.session.scalars(select(MedicalCard)).all() == [], username
            assert db.session.scalars(select(MedicalCardCondition)).all() == [], username
            assert db.session.get(MedicalCard, cards["med"]) is None, username
            # column selects, counts and joins (what a report would write) are cut too
            assert db.session.scalars(select(MedicalCard.health_group)).all() == [], username
            assert db.session.scalar(select(func.count(MedicalCard.id))) == 0, username
            assert db.session.scalars(select(Learner.id).join(
                MedicalCard, MedicalCard.learner_id == Learner.id)).all() == [], username
            assert db.session.scalar(select(func.count()).select_from(MedicalCardCondition)) == 0, username
            # even through the bare table, where ORM loader criteria do not reach
            assert db.session.execute(select(MedicalCard.__table__.c.recommendations)).all() == [], username
            sub = select(MedicalCard.learner_id).scalar_subquery()
            assert db.session.scalars(select(Learner.id).where(Learner.id.in_(sub))).all() == [], username
            # nor the audit log's copy of the values
            assert db.session.scalars(select(AuditEntry).where(AuditEntry.entity.like("Medical%"))).all() == []
            db.session.expunge_all()
        as_user("teacher1")
        assert db.session.get(Learner, world.org1_child) is not None  # the learner himself is his
        db.session.add(MedicalCard(org_id=world.org1, learner_id=world.org1_sibling, health_group="I"))
        with pytest.raises(ScopeError):
            db.session.flush()
        db.session.rollback()
        as_user("nurse1")
        assert [c.id for c in db.session.scalars(select(MedicalCard))] == [cards["med"]]
        assert db.session.scalars(select(PsychoCard)).all() == []
        assert db.session.scalar(select(func.count(PsychoCard.id))) == 0
        assert db.session.scalar(select(func.count(MedicalCard.id))) == 1
        db.session.expunge_all()
        as_user("psych1")
        assert [c.id for c in db.session.scalars(select(PsychoCard))] == [cards["psy"]]
        db.session.remove()


def test_audit_log_shows_card_entries_only_to_holders_in_russian(app, client, login, world, cards):
    login("nurse1")
    client.post(f"/medcards/{world.org1_sibling}/edit", data=MED_FORM)
    client.get(f"/medcards/{world.org1_sibling}")
    login("admin1")  # reads the audit log, not the medical cards
    html = client.get("/auditview/list/?psize_AuditView=100").get_data(as_text=True)
    assert "Медицинская карта" not in html and "MedicalCard" not in html
    client.post("/rights/", data={"p:Администратор:MedicalCards": "read"})
    html = client.get("/auditview/list/?psize_AuditView=100").get_data(as_text=True)
    text = visible_text(html)
    assert "Медицинская карта" in text and "просмотр" in text
    assert "Группа здоровья: III" in text and "health_group" not in text
    assert not re.search(r"MedicalCard(?!s)", text)  # entity names in Russian («MedicalCards» is the grant's resource)
    assert_russian(html, "audit log with card entries")


@pytest.mark.parametrize("username", ["nurse1", "psych1"])
def test_specialist_pages_are_russian(app, client, login, world, cards, username):
    login(username)
    urls = menu_urls(app, client)
    base = "/medcards" if username == "nurse1" else "/psychocards"
    assert f"{base}/" in urls
    for url in urls + [f"{base}/{world.org1_child}", f"{base}/{world.org1_child}/edit", f"{base}/{world.org1_sibling}",
                       f"{base}/{world.org1_sibling}/edit", f"{base}/?q=нет+такого"]:
        response = client.get(url, follow_redirects=True)
        assert response.status_code == 200, (username, url)
        assert_russian(response.get_data(as_text=True), f"{username} {url}")
    if username == "nurse1":
        html = client.get("/healthconditionview/list/").get_data(as_text=True)
        assert "Миопия" in html
        assert_russian(html, "reference")


def test_nurse_keeps_the_reference_of_conditions(app, client, login, world, cards):
    login("nurse1")
    response = client.post("/healthconditionview/add", data={"name": "Дальнозоркость", "active": "y"},
                           follow_redirects=True)
    assert "Запись добавлена" in response.get_data(as_text=True)
    assert "Дальнозоркость" in client.get(f"/medcards/{world.org1_child}/edit").get_data(as_text=True)
    login("teacher1")
    assert _refused(client.get("/healthconditionview/list/"))


def test_a_condition_in_use_is_not_deleted(app, client, login, world, cards):
    login("nurse1")
    html = client.post(f"/healthconditionview/delete/{cards['myopia']}", follow_redirects=True).get_data(as_text=True)
    assert "отмечено в картах (1)" in html
    assert _med(app, world.org1_child)["conditions"] == [cards["myopia"]]
    with app.app_context():
        unused = db.session.scalar(select(HealthCondition.id).where(HealthCondition.org_id == world.org1,
                                                                    HealthCondition.name == "Эпилепсия"))
    html = client.post(f"/healthconditionview/delete/{unused}", follow_redirects=True).get_data(as_text=True)
    assert "Запись удалена" in html
    # an unused condition switched off is no longer offered in the form
    with app.app_context():
        scoliosis = db.session.scalar(select(HealthCondition).where(HealthCondition.org_id == world.org1,
                                                                    HealthCondition.name == "Сколиоз"))
        scoliosis.active = False
        db.session.commit()
        scoliosis_id = scoliosis.id
    html = client.get(f"/medcards/{world.org1_child}/edit").get_data(as_text=True)
    assert "Сколиоз" not in html and "Миопия" in html
    html = _form_refused(client, f"/medcards/{world.org1_child}/edit", {**MED_FORM, "condition": [str(scoliosis_id)]})
    assert "не используется в справочнике" in html
    # one already on a card stays there when the reference switches it off
    with app.app_context():
        db.session.get(HealthCondition, cards["myopia"]).active = False
        db.session.commit()
    data = {**MED_FORM, "condition": [str(cards["myopia"])]}
    assert client.post(f"/medcards/{world.org1_child}/edit", data=data).status_code == 302
    assert _med(app, world.org1_child)["conditions"] == [cards["myopia"]]


def test_a_new_school_starts_from_the_usual_reference(app, client, login, world, cards):
    with app.app_context():
        db.session.query(HealthCondition).filter(HealthCondition.org_id == world.org3).delete()
        db.session.commit()
    login("nurse3")
    with app.app_context():
        child3 = world.org3_child
    html = client.get(f"/medcards/{child3}/edit").get_data(as_text=True)
    for name in ("Миопия", "Астигматизм", "Сколиоз", "Плоскостопие", "Бронхиальная астма"):
        assert name in html
    with app.app_context():
        assert db.session.scalar(select(func.count(HealthCondition.id)).where(
            HealthCondition.org_id == world.org3)) == len(DEFAULT_CONDITIONS)


def test_two_nurses_creating_one_card_at_once(app, client, login, world, cards, monkeypatch):
    """The second save finds the card created a moment ago: refused in Russian, the first kept."""
    from app.views.cards import MedicalCardView

    before = _med(app, world.org1_child)
    monkeypatch.setattr(MedicalCardView, "_card", lambda self, learner_id: None)  # opened before the first save
    login("nurse1")
    html = _form_refused(client, f"/medcards/{world.org1_child}/edit", MED_FORM)
    assert "Карту уже изменил другой пользователь" in html
    assert _med(app, world.org1_child) == before
