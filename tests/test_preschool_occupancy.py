"""Наполняемость дошкольных групп: the places of each preschool group against the
children in it, as the УО and the заведующий read it."""
from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.models import Learner, LearnerGroup
from app.scoping import acting_as
from plugins.preschool.regime import save_regime
from tests.test_preschool_day import kindergarten  # noqa: F401  (the fixture)
from tests.test_preschool_fees import uo_b  # noqa: F401  (the fixture)
from tests.test_query_counts import assert_fixed_queries

REPORT = "/reports/preschool.occupancy/?run=1"


def _places(app, group_id, places):
    with app.app_context(), acting_as(None):
        group = db.session.get(LearnerGroup, group_id)
        save_regime(db.session, group, "12345", dt.time(7, 0), dt.time(19, 0), "full", places)
        db.session.commit()


def _rows(client) -> list[list]:
    response = client.get(REPORT + "&format=json")
    assert response.status_code == 200
    (table,) = response.get_json()
    return table["rows"]


def test_the_officer_sees_places_children_and_free_places_of_each_group(app, client, login, world, kindergarten):
    _places(app, kindergarten["sun_group"], 20)  # three children
    login("uo_a")
    rows = _rows(client)
    sun = next(r for r in rows if r[1] == "Средняя группа «Солнышко»")
    star = next(r for r in rows if r[1] == "Подготовительная группа «Звёздочки»")
    assert (sun, star[5:], rows[-1][1:]) == (
        ["Школа № 1", "Средняя группа «Солнышко»", "Средняя", "Группа полного дня (10,5–12 часов)",
         "Пн–Пт, 07:00–19:00", 20, 3, 17, 15.0],
        [None, 1, None, None],
        ["Итого", "", "", "", 20, 4, 17, 20.0])


def test_a_child_who_left_is_not_counted(app, client, login, world, kindergarten):
    _places(app, kindergarten["sun_group"], 20)
    with app.app_context(), acting_as(None):
        db.session.get(Learner, kindergarten["sun_kids"][0]).left_on = dt.date(2026, 10, 1)
        db.session.commit()
    login("admin1")
    sun = next(r for r in _rows(client) if r[1] == "Средняя группа «Солнышко»")
    assert sun[5:] == [20, 2, 18, 10.0]


def test_the_other_authoritys_officer_is_refused(app, client, login, world, kindergarten, uo_b):
    _places(app, kindergarten["sun_group"], 20)
    login("uo_b")  # his one school keeps no preschool group: the report is not his
    assert client.get(REPORT + "&format=json").status_code == 404


def test_a_teacher_may_not_run_it(client, login, world, kindergarten):
    login("teacher3")
    assert client.get(REPORT).status_code == 404


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_groups(app, client, login, world, kindergarten):
    _places(app, kindergarten["sun_group"], 20)

    def grow():
        with app.app_context(), acting_as(None):
            for n in range(3):
                group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                                     name=f"Группа {n}", level=2)
                db.session.add(group)
                db.session.flush()
                db.session.add_all([Learner(org_id=world.org1, last_name=f"Новый{n}{i}", first_name="Тест",
                                            group_id=group.id, birth_date=dt.date(2024, 1, 1)) for i in range(5)])
                save_regime(db.session, group, "12345", dt.time(7, 0), dt.time(19, 0), "nursery", 15)
            db.session.commit()

    login("uo_a")
    page = assert_fixed_queries(app, client, REPORT, grow)
    assert page.get_data(as_text=True).count("Первая младшая") == 3


def _post_places(client, group_id, places):
    return client.post("/preschool/regime/save", data={
        "group": group_id, "weekday": ["1", "2", "3", "4", "5"], "opens": "07:00", "closes": "19:00",
        "group_type": "full", "places": places}, follow_redirects=True).get_data(as_text=True)


def _saved_places(app, group_id):
    from plugins.preschool.regime import regimes

    with app.app_context(), acting_as(None):
        regime = regimes(db.session, [group_id]).get(group_id)
        return regime.places if regime is not None else None


def test_the_administrator_sets_the_places_on_the_regime_page(app, client, login, world, kindergarten):
    login("admin1")
    page = _post_places(client, kindergarten["sun_group"], "24")
    assert ("сохранён" in page, _saved_places(app, kindergarten["sun_group"])) == (True, 24)


def test_places_out_of_bounds_are_refused_and_the_old_value_kept(app, client, login, world, kindergarten):
    _places(app, kindergarten["sun_group"], 20)
    login("admin1")
    page = _post_places(client, kindergarten["sun_group"], "0")
    assert ("Число мест в группе — от 1 до 100." in page, _saved_places(app, kindergarten["sun_group"])) == (True, 20)


def test_places_that_are_not_a_number_are_refused(app, client, login, world, kindergarten):
    login("admin1")
    page = _post_places(client, kindergarten["sun_group"], "двадцать")
    assert ("Число мест — целое число, например 25." in page,
            _saved_places(app, kindergarten["sun_group"])) == (True, None)
