"""Перевод в другую ОО (issue 15, item 4; seed 002): the sending organisation's secretary
issues the transfer with its order, the receiving organisation accepts the learner into
a class and sees his previous marks read-only, both movement books record it, the
guardians' logins keep working in the new school, and nothing else crosses."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, Attendance, Guardian, GuardianLink, Learner
from app.models.movement import MovementOrder
from app.models.transfer import Transfer

from .test_query_counts import assert_fixed_queries
from .world import TODAY, current_quarter

pytestmark = pytest.mark.dates


def _issue(client, world, learner_id=None, **form):
    data = {"to_org": world.org3, "number": "", "date": TODAY.isoformat(), "event_date": TODAY.isoformat(), **form}
    return client.post(f"/transfers/new/{learner_id or world.org1_child}", data=data, follow_redirects=True)


def _accept(client, transfer_id, group_id, **form):
    data = {"group": group_id, "number": "", "date": TODAY.isoformat(), **form}
    return client.post(f"/transfers/{transfer_id}/accept", data=data, follow_redirects=True)


def _transfer(app) -> Transfer:
    with app.app_context():
        return db.session.scalar(select(Transfer).order_by(Transfer.id.desc()))


def _issued_and_accepted(app, client, login, world) -> Transfer:
    login("secretary1")
    _issue(client, world)
    transfer = _transfer(app)
    login("admin3")
    _accept(client, transfer.id, world.org3_group)
    return _transfer(app)


def _counts(app):
    with app.app_context():
        return (db.session.scalar(select(func.count(Learner.id))), db.session.scalar(select(func.count(MovementOrder.id))),
                db.session.scalar(select(func.count(Transfer.id))),
                [tuple(r) for r in db.session.execute(select(Transfer.status, Transfer.to_learner_id))])


def test_the_secretary_transfers_and_the_receiving_school_accepts_into_a_class(app, client, login, world):
    with app.app_context():
        db.session.add(Attendance(org_id=world.org1, learner_id=world.org1_child, lesson_id=world.org1_lesson,
                                  date=TODAY, code_id=world.org1_code))
        db.session.commit()
    login("secretary1")
    history = client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)
    assert "Перевод в другую организацию" in history
    form = client.get(f"/transfers/new/{world.org1_child}").get_data(as_text=True)
    assert "Школа № 3" in form and f'value="{world.org1}"' not in form  # not to itself
    page = _issue(client, world, number="41-у").get_data(as_text=True)
    assert "Перевод оформлен" in page
    with app.app_context():
        child = db.session.get(Learner, world.org1_child)
        assert child.left_on == TODAY and child.group_id == world.org1_group  # his class and marks stay
        depart = db.session.scalar(select(MovementOrder).where(MovementOrder.learner_id == world.org1_child))
        assert (depart.org_id, depart.kind, depart.number, depart.destination) == \
            (world.org1, "depart", "41-у", "выбыл в другую ОО: Школа № 3")
    transfer = _transfer(app)
    assert transfer.status == "issued" and transfer.snapshot["card"]["last_name"] == "Иванов"

    login("admin3")
    incoming = client.get("/transfers/").get_data(as_text=True)
    assert "Иванов Иван" in incoming and "Школа № 1" in incoming and "Принять в класс" in incoming
    page = _accept(client, transfer.id, world.org3_group, number="7-п").get_data(as_text=True)
    assert "Обучающийся принят" in page
    with app.app_context():
        new = db.session.scalar(select(Learner).where(Learner.org_id == world.org3, Learner.last_name == "Иванов",
                                                      Learner.id != world.org3_child))
        assert (new.first_name, new.birth_date, new.group_id, new.enrolled_on, new.left_on) == \
            ("Иван", dt.date(2015, 3, 1), world.org3_group, TODAY, None)
        arrival = db.session.scalar(select(MovementOrder).where(MovementOrder.learner_id == new.id))
        assert (arrival.org_id, arrival.kind, arrival.number, arrival.destination) == \
            (world.org3, "enrol", "7-п", "прибыл из Школа № 1")
        assert db.session.get(Transfer, transfer.id).to_learner_id == new.id
    # Both books show their order.
    assert "7-п" in client.get("/movement/").get_data(as_text=True)
    login("secretary1")
    assert "41-у" in client.get("/movement/").get_data(as_text=True)


def test_the_receiving_school_sees_the_previous_marks_read_only(app, client, login, world):
    with app.app_context():
        db.session.add(Attendance(org_id=world.org1, learner_id=world.org1_child, lesson_id=world.org1_lesson,
                                  date=TODAY, code_id=world.org1_code))
        db.session.commit()
    transfer = _issued_and_accepted(app, client, login, world)
    page = client.get(f"/previous-marks/{transfer.id}").get_data(as_text=True)
    assert "Отметки из предыдущей ОО: Иванов Иван" in page
    assert "Математика" in page and ">5</span>" in page  # the mark of the world's lesson
    assert f"{current_quarter()[1]}: <strong>5</strong>" in page  # the final mark of the quarter
    assert "ОТ — Отсутствует, причина не известна" in page and "<td>1</td>" in page
    assert "Иванов Иван" in client.get("/previous-marks/").get_data(as_text=True)
    # No page changes it: the marks page takes no POST.
    assert client.post(f"/previous-marks/{transfer.id}", data={"snapshot": "{}"}).status_code in (404, 405)
    with app.app_context():
        assert db.session.get(Transfer, transfer.id).snapshot == transfer.snapshot


def test_the_snapshot_cannot_be_changed_even_by_the_receiving_side(app, client, login, world):
    from app.exceptions import ScopeError
    from app.scoping import resolve_scope

    transfer = _issued_and_accepted(app, client, login, world)
    with app.test_request_context(), app.app_context():
        from app.scoping import acting_as

        account = db.session.scalar(select(Account).where(Account.username == "admin3"))
        with acting_as(resolve_scope(db.session, account, app.extensions["ejournal"])):
            row = db.session.get(Transfer, transfer.id)
            row.snapshot = {"card": {"last_name": "Подмена"}}
            with pytest.raises(ScopeError, match="не изменяются"):
                db.session.flush()
            db.session.rollback()
    assert _transfer(app).snapshot["card"]["last_name"] == "Иванов"


def test_neither_school_sees_the_other_beyond_the_transferred_learner(app, client, login, world):
    transfer = _issued_and_accepted(app, client, login, world)
    # The receiving side: not the sending side's learner, nor his old class.
    assert client.get(f"/movement/learner/{world.org1_child}").status_code == 404
    assert client.get(f"/movement/learner/{world.org1_sibling}").status_code == 404
    login("secretary1")
    # The sending side: not the learner it no longer has, nor his previous marks in the new school.
    assert client.get(f"/movement/learner/{transfer.to_learner_id}").status_code == 404
    assert client.get(f"/previous-marks/{transfer.id}").status_code == 404
    assert "Иванов Иван" not in client.get("/previous-marks/").get_data(as_text=True)
    # A third organisation sees no transfer at all.
    login("admin2")
    assert "Иванов" not in client.get("/transfers/").get_data(as_text=True)
    assert client.get(f"/previous-marks/{transfer.id}").status_code == 404


def test_the_guardian_and_the_learner_log_in_as_before_and_see_the_new_school(app, client, login, world):
    transfer = _issued_and_accepted(app, client, login, world)
    with app.app_context():
        parent = db.session.scalar(select(Account).where(Account.username == "parent1"))
        guardian = db.session.get(Guardian, parent.person_id)
        assert (parent.org_id, guardian.org_id, guardian.last_name) == (world.org3, world.org3, "Иванова")
        assert db.session.scalar(select(GuardianLink.learner_id).where(GuardianLink.guardian_id == guardian.id)) \
            == transfer.to_learner_id
        pupil = db.session.scalar(select(Account).where(Account.username == "learner1"))
        assert (pupil.org_id, pupil.person_id) == (world.org3, transfer.to_learner_id)
    login("parent1")  # the same password
    diary = client.get("/diary/")
    assert diary.status_code == 200 and "Иванов" in diary.get_data(as_text=True)
    assert client.get(f"/diary/?learner={transfer.to_learner_id}").status_code == 200
    assert client.get(f"/diary/?learner={world.org1_child}").status_code == 404  # the old school's record
    assert "Иванов Иван" in client.get("/previous-marks/").get_data(as_text=True)
    login("learner1")
    assert client.get("/diary/").status_code == 200


def test_a_guardian_with_a_child_left_in_the_sending_school_keeps_his_login_there(app, client, login, world):
    with app.app_context():
        db.session.add(GuardianLink(org_id=world.org1, guardian_id=world.org1_parent, learner_id=world.org1_sibling,
                                    relation="мать"))
        db.session.commit()
    transfer = _issued_and_accepted(app, client, login, world)
    with app.app_context():
        parent = db.session.scalar(select(Account).where(Account.username == "parent1"))
        assert (parent.org_id, parent.person_id) == (world.org1, world.org1_parent)
        # The new school has the guardian, linked, and no second login made for him.
        new_guardian = db.session.scalar(select(GuardianLink.guardian_id).where(
            GuardianLink.learner_id == transfer.to_learner_id))
        assert db.session.scalar(select(func.count(Account.id)).where(Account.person_id == new_guardian)) == 0
    login("parent1")  # still sees the child left in the sending school
    assert "Петрова" in client.get(f"/diary/?learner={world.org1_sibling}").get_data(as_text=True)


@pytest.mark.parametrize("user", ["teacher1", "parent1", "learner1", "deputy1"])
def test_teachers_parents_and_readers_cannot_issue(app, client, login, world, user):
    login(user)
    before = _counts(app)
    response = client.post(f"/transfers/new/{world.org1_child}",
                           data={"to_org": world.org3, "date": TODAY.isoformat()})
    assert response.status_code in (302, 403, 404)
    assert _counts(app) == before


@pytest.mark.parametrize("user", ["teacher3", "admin1", "admin2"])
def test_others_cannot_accept(app, client, login, world, user):
    login("secretary1")
    _issue(client, world)
    transfer = _transfer(app)
    before = _counts(app)
    login(user)
    client.post(f"/transfers/{transfer.id}/accept", data={"group": world.org3_group, "date": TODAY.isoformat()})
    assert _counts(app) == before


def test_bad_input_is_refused_in_russian_and_changes_nothing(app, client, login, world):
    login("secretary1")
    before = _counts(app)
    page = _issue(client, world, to_org="").get_data(as_text=True)
    assert "Выберите организацию, в которую переводится обучающийся." in page
    page = _issue(client, world, to_org=world.org1).get_data(as_text=True)  # itself
    assert "Выберите организацию, в которую переводится обучающийся." in page
    assert _counts(app) == before
    _issue(client, world)
    page = _issue(client, world).get_data(as_text=True)
    assert "Перевести можно только обучающегося, который числится в классе." in page
    transfer = _transfer(app)
    login("admin3")
    before = _counts(app)
    page = _accept(client, transfer.id, world.org1_group).get_data(as_text=True)  # a class of the sending school
    assert "Выбранный класс не найден среди классов вашей организации." in page
    page = _accept(client, transfer.id, "").get_data(as_text=True)
    assert "Выберите класс, в который принимается обучающийся." in page
    page = _accept(client, 999999, world.org3_group).get_data(as_text=True)
    assert "Перевод не найден: он оформлен не для вашей организации." in page
    assert _counts(app) == before
    _accept(client, transfer.id, world.org3_group)
    after = _counts(app)
    page = _accept(client, transfer.id, world.org3_other_group).get_data(as_text=True)
    assert "Этот перевод уже принят." in page
    assert _counts(app) == after


def test_the_sending_school_cannot_accept_its_own_transfer(app, client, login, world):
    login("secretary1")
    _issue(client, world)
    transfer = _transfer(app)
    before = _counts(app)
    page = _accept(client, transfer.id, world.org1_other_group).get_data(as_text=True)
    assert "Перевод не найден: он оформлен не для вашей организации." in page
    assert _counts(app) == before


def test_the_sending_school_cancels_a_transfer_not_yet_accepted(app, client, login, world):
    login("secretary1")
    _issue(client, world)
    transfer = _transfer(app)
    page = client.post(f"/transfers/{transfer.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Перевод отменён" in page
    with app.app_context():
        child = db.session.get(Learner, world.org1_child)
        assert (child.group_id, child.left_on, child.enrolled_on) == (world.org1_group, None, dt.date(2022, 9, 1))
        kinds = db.session.scalars(select(MovementOrder.kind).where(MovementOrder.learner_id == world.org1_child)
                                   .order_by(MovementOrder.id)).all()
        assert kinds == ["depart", "enrol"]
    login("admin3")
    assert "Отменён" in client.get("/transfers/").get_data(as_text=True)
    before = _counts(app)
    page = _accept(client, transfer.id, world.org3_group).get_data(as_text=True)
    assert "Этот перевод отменён организацией, из которой выбыл обучающийся." in page
    assert _counts(app) == before
    # Nor can the receiving side cancel one.
    login("secretary1")
    _issue(client, world)
    second = _transfer(app)
    login("admin3")
    page = client.post(f"/transfers/{second.id}/cancel", follow_redirects=True).get_data(as_text=True)
    assert "Перевод не найден: он оформлен не для вашей организации." in page
    assert _transfer(app).status == "issued"


def test_the_incoming_list_runs_a_fixed_number_of_queries(app, client, login, world):
    login("secretary1")
    _issue(client, world)
    login("admin3")

    def grow():
        login("secretary1")
        _issue(client, world, learner_id=world.org1_sibling)
        _issue(client, world, learner_id=world.org1_learner3)
        login("admin3")

    page = assert_fixed_queries(app, client, "/transfers/", grow)
    assert "Петрова Мария" in page.get_data(as_text=True) and "Сидоров Пётр" in page.get_data(as_text=True)


def test_the_transfers_are_audited(app, client, login, world):
    from app.models import AuditEntry

    _issued_and_accepted(app, client, login, world)
    with app.app_context():
        entries = db.session.execute(select(AuditEntry.action, AuditEntry.org_id, AuditEntry.username).where(
            AuditEntry.entity == "Transfer").order_by(AuditEntry.id)).all()
        assert [tuple(e) for e in entries] == [("insert", world.org1, "secretary1"), ("update", world.org3, "admin3")]
        parent_id = db.session.scalar(select(Account.id).where(Account.username == "parent1"))
        moved = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Account",
                                                           AuditEntry.entity_id == parent_id,
                                                           AuditEntry.action == "update")
                                  .order_by(AuditEntry.id.desc()).limit(1))
        # The login moved over, in the log under the name of who accepted the learner.
        assert (moved.username, moved.new["org_id"]) == ("admin3", world.org3)


def test_readers_see_the_transfers_without_the_forms(app, client, login, world):
    login("secretary1")
    _issue(client, world, learner_id=world.org1_sibling)
    login("deputy1")
    assert "Перевод в другую организацию" not in client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)
    page = client.get("/transfers/").get_data(as_text=True)
    assert "Петрова Мария" in page and "Отменить перевод" not in page
