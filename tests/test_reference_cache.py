"""An organisation's reference data (periods, years, attendance codes, kinds of work,
its own row) is kept in memory between requests (app/reference.py): a change by
anyone shows on the next request, and no user is given another organisation's."""
from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from app import reference
from app.extensions import db
from app.models import AttendanceCode, Organisation, Period, Subject
from app.scoping import Scope, acting_as
from tests.conftest import count_queries
from tests.world import TODAY


def _grid(client, world) -> str:
    response = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_period_renamed_shows_in_the_journal_on_the_next_request(app, client, login, world):
    login("teacher1")
    assert "Весенняя четверть" not in _grid(client, world)
    with app.app_context():
        db.session.get(Period, world.org1_period).name = "Весенняя четверть"
        db.session.commit()
    assert "Весенняя четверть" in _grid(client, world)


def test_an_attendance_code_added_is_offered_on_the_next_request(app, client, login, world):
    login("teacher1")
    assert "(ОТ)" in _grid(client, world)
    with app.app_context():
        db.session.add(AttendanceCode(org_id=world.org1, code="Б", name="Болезнь", category="illness"))
        db.session.commit()
    assert "(Б, ОТ)" in _grid(client, world)


def test_the_second_look_at_the_journal_reads_no_reference_data(app, client, login, world):
    login("teacher1")
    _grid(client, world)
    seen = []
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine
    listener = lambda _c, _cur, statement, *_a: seen.extend(re.findall(r"\bFROM\s+(\w+)", statement))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        _grid(client, world)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert not {"organisation", "academic_year", "period", "attendance_code", "assignment_type",
                "school_year_mode"} & set(seen), seen


def test_the_journal_runs_at_most_twelve_queries(app, client, login, world):
    login("teacher1")
    _grid(client, world)
    with count_queries(app) as n:
        _grid(client, world)
    assert n["n"] <= 12, n["n"]


def test_another_organisations_reference_data_is_not_given(app, world):
    own = Scope("organisation", username="x", org_ids=(world.org1,), write_org_ids=(world.org1,))
    with app.test_request_context(), acting_as(own):
        assert [p.id for p in reference.rows(db.session, Period, world.org1)] == [world.org1_period]
        assert reference.rows(db.session, Period, world.org2) == []
        assert reference.organisation(db.session, world.org2) is None


def test_another_organisations_subject_names_are_not_given(app, world):
    own = Scope("organisation", username="x", org_ids=(world.org1,), write_org_ids=(world.org1,))
    with app.test_request_context(), acting_as(own):
        assert world.org1_subject in reference.names(db.session, Subject, world.org1)
        assert reference.names(db.session, Subject, world.org2) == {}


def test_a_subject_renamed_shows_in_the_diary_on_the_next_request(app, client, login, world):
    def subjects() -> set[str]:
        days = client.get(f"/api/v1/diary/{world.org1_child}/week?date={TODAY.isoformat()}").get_json()["days"]
        return {lesson["subject"] for day in days for lesson in day["lessons"]}

    login("parent1")
    assert "Алгебра и начала анализа" not in subjects()
    with app.app_context():
        db.session.get(Subject, world.org1_subject).name = "Алгебра и начала анализа"
        db.session.commit()
    assert subjects() == {"Алгебра и начала анализа"}


def test_the_years_offered_are_the_users_organisations_own(app, world):
    from app.models import AcademicYear
    from app.services.timetable import reachable_years

    own = Scope("organisation", username="x", org_ids=(world.org1,), write_org_ids=(world.org1,))
    with app.test_request_context(), acting_as(None):
        years = {y.id: y.org_id for y in db.session.scalars(select(AcademicYear))}
    with app.test_request_context(), acting_as(own):
        assert {y.id for y in reachable_years(db.session)} == {i for i, org in years.items() if org == world.org1}


def test_a_period_added_in_a_request_is_seen_by_the_same_request(app, world):
    with app.test_request_context(), acting_as(None):
        before = reference.rows(db.session, Period, world.org1)
        first = before[0]
        db.session.add(Period(org_id=world.org1, year_id=first.year_id, plugin=first.plugin, type_code="quarter",
                              name="Ещё одна", start=first.end + dt.timedelta(days=1),
                              end=first.end + dt.timedelta(days=30), order=first.order + 1))
        db.session.flush()
        assert [p.name for p in reference.rows(db.session, Period, world.org1)][-1] == "Ещё одна"
        db.session.rollback()


def test_a_cached_organisation_is_a_copy_the_request_may_change_without_saving(app, client, login, world):
    """A request changing its copy and rolling back leaves the next request the stored row."""
    login("teacher1")
    _grid(client, world)
    with app.test_request_context(), acting_as(None):
        org = reference.organisation(db.session, world.org1)
        org.name = "Не сохранено"
        db.session.rollback()
    with app.app_context():
        assert db.session.scalar(select(Organisation.name).where(Organisation.id == world.org1)) != "Не сохранено"
    assert "Не сохранено" not in _grid(client, world)
