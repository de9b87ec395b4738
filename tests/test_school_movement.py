"""Книга движения учащихся (R14): orders change a learner's class, nothing of a
departed learner is deleted, a learner's history, the overdue list, who may do what."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import AcademicYear, AuditEntry, Learner, LearnerGroup, Mark, Staff
from app.models.movement import MovementOrder
from app.services.journal import load_grid
from app.services.movement import add_working_days, overdue_items
from plugins.school.movement import deadline as school_deadline

from .test_query_counts import assert_fixed_queries
from .world import TODAY

pytestmark = pytest.mark.dates

DAY = dt.timedelta(days=1)


def _new_learner(app, world, **fields) -> int:
    with app.app_context():
        learner = Learner(org_id=world.org1, last_name=fields.pop("last_name", "Новикова"), first_name="Алиса",
                          **fields)
        db.session.add(learner)
        db.session.commit()
        return learner.id


def _order(client, learner_id, **form):
    data = {"date": TODAY.isoformat(), **form}  # orders are entered on the world's day
    return client.post(f"/movement/learner/{learner_id}/order", data=data, follow_redirects=True)


def test_secretary_enrols_a_learner_and_the_history_shows_the_order(app, client, login, world):
    learner_id = _new_learner(app, world)
    login("secretary1")
    page = _order(client, learner_id, kind="enrol", number="", to_group=world.org1_group,
                  event_date=(TODAY - DAY).isoformat(),
                  destination="Прибыла из МБОУ СОШ № 12 г. Тольятти").get_data(as_text=True)
    assert "Приказ внесён в книгу движения" in page
    with app.app_context():
        learner = db.session.get(Learner, learner_id)
        assert learner.group_id == world.org1_group and learner.enrolled_on == TODAY - DAY
        order = db.session.scalar(select(MovementOrder).where(MovementOrder.learner_id == learner_id))
        number = f"Д-{TODAY.year}-001"  # generated: the first of the order's calendar year
        assert order.kind == "enrol" and order.number == number and order.to_group_id == world.org1_group
        # The order is audited like every record of personal data (R16).
        assert db.session.scalar(select(AuditEntry.id).where(AuditEntry.entity == "MovementOrder")) is not None
    history = client.get(f"/movement/learner/{learner_id}").get_data(as_text=True)
    assert number in history and "Зачисление" in history and "2026/2027" in history
    assert "Тестов Secretary1" in history  # who entered it
    book = client.get("/movement/").get_data(as_text=True)
    assert "Новикова Алиса" in book and number in book


def test_departure_needs_where_to_and_keeps_the_learners_marks(app, client, login, world):
    login("secretary1")
    refused = _order(client, world.org1_child, kind="depart", event_date=TODAY.isoformat(), destination="")
    assert "Укажите, куда выбыл обучающийся." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).left_on is None
        assert db.session.scalar(select(func.count(MovementOrder.id))) == 0
    _order(client, world.org1_child, kind="depart", number="17-у", event_date=(TODAY + DAY).isoformat(),
           destination="выбыл в МБОУ СОШ № 5 г. Самара")
    with app.app_context():
        learner = db.session.get(Learner, world.org1_child)
        assert learner.left_on == TODAY + DAY and learner.group_id == world.org1_group
        assert db.session.get(Mark, world.org1_mark) is not None
        grid = load_grid(db.session, app.extensions["ejournal"], world.org1_group, world.org1_subject, world.org1_period)
        row = next(r for r in grid.rows if r.learner_id == world.org1_child)
        assert row.left_on == TODAY + DAY  # the grid greys his cells after that day
        assert grid.mark_of(world.org1_child, world.org1_assignment)[0] == "5"
    history = client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)
    assert "выбыл в МБОУ СОШ № 5 г. Самара" in history and "17-у" in history
    # A departed learner cannot leave twice.
    again = _order(client, world.org1_child, kind="depart", destination="куда-нибудь").get_data(as_text=True)
    assert "Обучающийся не числится ни в одном классе." in again


def test_transfer_between_classes_changes_the_class_and_shows_in_history(app, client, login, world):
    login("admin1")
    same = _order(client, world.org1_sibling, kind="transfer", to_group=world.org1_group).get_data(as_text=True)
    assert "Выберите другой класс" in same
    _order(client, world.org1_sibling, kind="transfer", to_group=world.org1_other_group,
           event_date=(TODAY + 3 * DAY).isoformat())
    with app.app_context():
        assert db.session.get(Learner, world.org1_sibling).group_id == world.org1_other_group
        # The old class's journal keeps her and her mark, greyed after her last day there.
        host = app.extensions["ejournal"]
        old = load_grid(db.session, host, world.org1_group, world.org1_subject, world.org1_period)
        row = next(r for r in old.rows if r.learner_id == world.org1_sibling)
        assert row.left_on == TODAY + 2 * DAY  # her last day in 5А: the day before the transfer
        assert old.mark_of(world.org1_sibling, world.org1_assignment)[0] == "4"
        new = load_grid(db.session, host, world.org1_other_group, world.org1_subject, world.org1_period)
        assert world.org1_sibling in {r.learner_id for r in new.rows}
    history = client.get(f"/movement/learner/{world.org1_sibling}").get_data(as_text=True)
    assert "Перевод в другой класс" in history and "6Б" in history


def test_enrolment_of_a_learner_already_in_another_class_is_refused(app, client, login, world):
    login("secretary1")
    page = _order(client, world.org1_child, kind="enrol", to_group=world.org1_other_group).get_data(as_text=True)
    assert "Обучающийся уже числится в классе 5А" in page
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).group_id == world.org1_group


def test_promotion_is_only_by_closing_the_year(app, client, login, world):
    login("secretary1")
    page = _order(client, world.org1_child, kind="promote", to_group=world.org1_other_group).get_data(as_text=True)
    assert "Перевод в следующий класс оформляется закрытием учебного года." in page


@pytest.mark.parametrize("user", ["teacher1", "parent1", "learner1", "otherteacher1"])
def test_teachers_parents_and_learners_are_refused(app, client, login, world, user):
    login(user)
    for path in ["/movement/", f"/movement/learner/{world.org1_child}", "/movement-overdue/"]:
        assert client.get(path).status_code in (302, 403), path
    client.post(f"/movement/learner/{world.org1_child}/order",
                data={"kind": "depart", "date": TODAY.isoformat(), "destination": "Самара"})
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).left_on is None


def test_deputy_and_director_read_but_do_not_write(app, client, login, world):
    for user in ("deputy1", "director1"):
        login(user)
        assert client.get("/movement/").status_code == 200
        page = client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)
        assert "Внести приказ" not in page
        assert client.post(f"/movement/learner/{world.org1_child}/order",
                           data={"kind": "depart", "date": TODAY.isoformat(), "destination": "Самара"}).status_code in (302, 403)
    with app.app_context():
        assert db.session.get(Learner, world.org1_child).left_on is None


def test_another_organisation_cannot_see_or_move_our_learner(app, client, login, world):
    login("admin3")
    assert client.get(f"/movement/learner/{world.org1_child}").status_code == 404
    assert client.post(f"/movement/learner/{world.org1_child}/order",
                       data={"kind": "depart", "date": TODAY.isoformat(), "destination": "Самара"}).status_code == 404
    found = client.get("/movement/?q=Иванов").get_data(as_text=True)
    assert f"/movement/learner/{world.org3_child}\"" in found  # their own Иванов
    assert f"/movement/learner/{world.org1_child}\"" not in found


def test_deadlines_of_seed_004():
    def deadline(order, level, year):
        return school_deadline(order.kind, order.date, order.event_date, level, year)

    order = MovementOrder(kind="depart", date=dt.date(2026, 11, 20), event_date=dt.date(2026, 11, 20))  # a Friday
    assert deadline(order, 5, None) == dt.date(2026, 11, 24)  # 2 working days
    order = MovementOrder(kind="enrol", date=dt.date(2026, 6, 5), event_date=dt.date(2026, 9, 1))
    assert deadline(order, 1, None) == add_working_days(dt.date(2026, 6, 5), 3) == dt.date(2026, 6, 10)
    graduate = MovementOrder(kind="graduate", date=dt.date(2027, 6, 20), event_date=dt.date(2027, 6, 20))
    assert deadline(graduate, 11, None) == dt.date(2027, 7, 1)
    year = AcademicYear(name="2026/2027", start=dt.date(2026, 9, 1), end=dt.date(2027, 6, 30))
    repeat = MovementOrder(kind="repeat", date=dt.date(2027, 6, 20), event_date=dt.date(2027, 6, 20))
    assert deadline(repeat, 9, year) == dt.date(2027, 7, 1) and deadline(repeat, 5, year) == dt.date(2027, 8, 31)
    tenth = MovementOrder(kind="enrol", date=dt.date(2026, 8, 20), event_date=dt.date(2026, 9, 1))
    assert deadline(tenth, 10, year) == dt.date(2026, 8, 31)
    transfer = MovementOrder(kind="transfer", date=dt.date(2026, 10, 1), event_date=dt.date(2026, 10, 1))
    assert deadline(transfer, 5, year) is None


def test_a_past_year_left_open_after_31_august_is_overdue(app, world):
    with app.app_context():
        items = overdue_items(db.session, world.org1, dt.date(2027, 9, 3))
        assert any("Не оформлен перевод на следующий учебный год 2026/2027" in i.what for i in items)
        assert not any("Не оформлен перевод" in i.what for i in overdue_items(db.session, world.org1, dt.date(2027, 8, 20)))


def test_overdue_list_shows_late_orders_and_enrolments_without_an_order(app, client, login, world):
    late = _new_learner(app, world, last_name="Опоздалова")
    unordered = _new_learner(app, world, last_name="Безприказов", group_id=world.org1_group,
                             enrolled_on=clock.today() - dt.timedelta(days=20))
    login("secretary1")
    _order(client, late, kind="enrol", to_group=world.org1_group,
           date=(clock.today() - dt.timedelta(days=30)).isoformat())
    login("deputy1")
    page = client.get("/movement-overdue/").get_data(as_text=True)
    assert "Приказ внесён позже срока: Зачисление" in page and "Опоздалова" in page
    assert "Зачисление без приказа" in page and "Безприказов" in page
    with app.app_context():
        items = overdue_items(db.session, world.org1, clock.today())
        assert {i.learner_id for i in items} >= {late, unordered}
    # An order entered in time is not overdue.
    login("secretary1")
    _order(client, unordered, kind="enrol", to_group=world.org1_group, date=clock.today().isoformat(),
           event_date=clock.today().isoformat())
    login("deputy1")
    assert "Безприказов" not in client.get("/movement-overdue/").get_data(as_text=True)


def _grow(app, world, n: int):
    """``n`` learners with an enrolment and a transfer each."""
    with app.app_context():
        s = db.session
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=f"7В{n}", level=7)
        s.add(group)
        s.flush()
        for i in range(n):
            learner = Learner(org_id=world.org1, last_name=f"Ученик{i}", first_name="Тест", group_id=group.id)
            s.add(learner)
            s.flush()
            s.add_all([
                MovementOrder(org_id=world.org1, number=f"{i}-у", date=dt.date(2026, 9, 1), event_date=dt.date(2026, 9, 1),
                              kind="enrol", learner_id=learner.id, to_group_id=world.org1_group, year_id=world.org1_year),
                MovementOrder(org_id=world.org1, number=f"{i}-п", date=dt.date(2026, 10, 1), event_date=dt.date(2026, 10, 1),
                              kind="transfer", learner_id=learner.id, from_group_id=world.org1_group,
                              to_group_id=group.id, year_id=world.org1_year),
                MovementOrder(org_id=world.org1, number=f"{i}-х", date=dt.date(2026, 10, 2), event_date=dt.date(2026, 10, 2),
                              kind="transfer", learner_id=world.org1_child, from_group_id=world.org1_group,
                              to_group_id=group.id, year_id=world.org1_year),
            ])
        s.commit()


@pytest.mark.parametrize("path", ["/movement/", "/movement/?q=Ученик",
                                  "/movement/learner/{child}", "/movement-overdue/"])
def test_movement_pages_run_a_fixed_number_of_queries(app, client, login, world, path):
    path = path.format(child=world.org1_child)
    login("secretary1")
    _grow(app, world, 2)
    assert_fixed_queries(app, client, path, lambda: _grow(app, world, 30))


def test_staff_is_not_a_learner_for_the_book(app, client, login, world):
    login("secretary1")
    with app.app_context():
        staff_id = db.session.scalar(select(Staff.id).where(Staff.org_id == world.org1))
    assert client.get(f"/movement/learner/{staff_id}").status_code == 404


def test_the_audit_log_names_orders_in_russian(app, client, login, world):
    login("secretary1")
    _order(client, world.org1_child, kind="depart", destination="выбыл в МБОУ СОШ № 5 г. Самара")
    login("admin1")
    page = client.get("/auditview/list/").get_data(as_text=True)
    assert "Приказ книги движения" in page and "MovementOrder" not in page
