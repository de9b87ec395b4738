"""Производственный календарь: Russia's public holidays and the government's transfers
of days off proposed for a year from the ``holidays`` library; the Завуч accepts them
once (nothing is entered by itself); teachers and other organisations are refused; the
demo school's calendar has the official days off."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import AcademicYear, Organisation
from app.models.timetable import Holiday, TransferredDay
from app.services.calendar import load_calendar
from app.services.production_calendar import HOLIDAY, WORKDAY, accept_days, pending_days, proposed_days

pytestmark = pytest.mark.dates

d = dt.date


def _count(model, *where):
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_proposal_for_2026_has_the_governments_days_off_with_russian_names():
    days = {p.date: p for p in proposed_days(d(2026, 1, 1), d(2026, 12, 31))}
    for day in (d(2026, 1, 9), d(2026, 3, 9), d(2026, 5, 11), d(2026, 12, 31), d(2026, 1, 1), d(2026, 11, 4)):
        assert days[day].kind == HOLIDAY
    assert days[d(2026, 1, 9)].name == "Выходной (перенесено с 03.01.2026)"
    assert days[d(2026, 3, 9)].name.startswith("Международный женский день")
    assert days[d(2026, 5, 11)].name.startswith("День Победы")
    assert days[d(2026, 11, 4)].name == "День народного единства"
    assert not any(p.kind == WORKDAY for p in days.values())  # 2026 has no working Saturday
    # 2027: Saturday 20 February is worked, its rest moved to Monday 22 February.
    (work,) = [p for p in proposed_days(d(2027, 1, 1), d(2027, 12, 31)) if p.kind == WORKDAY]
    assert work.date == d(2027, 2, 20) and "22.02.2027" in work.name


def test_accepting_writes_the_days_once_and_nothing_by_itself(app, client, login, world):
    with app.app_context():
        year = db.session.get(AcademicYear, world.org1_year)
        assert _count(Holiday, Holiday.year_id == year.id) == 0  # proposed, never inserted by itself
        proposed = pending_days(db.session, year)
        assert d(2026, 12, 31) in {p.date for p in proposed} and d(2027, 2, 20) in {p.date for p in proposed}
    login("deputy1")
    page = client.get(f"/production-calendar/?year={world.org1_year}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "31.12.2026" in text and "Добавить выбранные" in text and "/holidayview/add" in text
    dates = [p.date.isoformat() for p in proposed]
    response = client.post("/production-calendar/add", data={"year": world.org1_year, "day": dates})
    assert response.status_code == 302
    with app.app_context():
        s = db.session
        holidays = s.scalars(select(Holiday).where(Holiday.year_id == world.org1_year)).all()
        assert holidays and all(h.public for h in holidays)
        assert any(h.start == h.end == d(2026, 12, 31) for h in holidays)
        first = (len(holidays), _count(TransferredDay, TransferredDay.year_id == world.org1_year))
        (transfer,) = s.scalars(select(TransferredDay).where(TransferredDay.year_id == world.org1_year)).all()
        assert (transfer.work_date, transfer.off_date) == (d(2027, 2, 20), d(2027, 2, 22))
        calendar = load_calendar(s, current_app.extensions["ejournal"], s.get(AcademicYear, world.org1_year))
        assert calendar.timetable_weekday(d(2026, 12, 31)) is None
        assert calendar.public_holiday_of(d(2026, 11, 4)) == "День народного единства"
        assert calendar.timetable_weekday(d(2027, 2, 20)) == 0  # the Saturday runs Monday's timetable
        assert pending_days(s, s.get(AcademicYear, world.org1_year)) == []
    client.post("/production-calendar/add", data={"year": world.org1_year, "day": dates})  # again: nothing new
    with app.app_context():
        assert (_count(Holiday, Holiday.year_id == world.org1_year),
                _count(TransferredDay, TransferredDay.year_id == world.org1_year)) == first
        # Accepting through the service directly adds nothing either.
        year = db.session.get(AcademicYear, world.org1_year)
        added, _flow = accept_days(db.session, current_app.extensions["ejournal"], year, [d(2026, 12, 31)])
        assert added == 0


def test_only_the_unchecked_days_are_left_proposed(app, client, login, world):
    login("deputy1")
    client.post("/production-calendar/add", data={"year": world.org1_year, "day": ["2026-11-04", "2031-01-01"]})
    with app.app_context():
        rows = db.session.execute(select(Holiday.name, Holiday.start).where(Holiday.year_id == world.org1_year)).all()
        assert [tuple(r) for r in rows] == [("День народного единства", d(2026, 11, 4))]
        left = {p.date for p in pending_days(db.session, db.session.get(AcademicYear, world.org1_year))}
        assert d(2026, 11, 4) not in left and d(2026, 12, 31) in left


def test_a_teacher_is_refused(app, client, login, world):
    login("teacher1")
    assert client.get(f"/production-calendar/?year={world.org1_year}").status_code == 403
    assert client.post("/production-calendar/add",
                       data={"year": world.org1_year, "day": ["2026-11-04"]}).status_code == 403
    with app.app_context():
        assert _count(Holiday, Holiday.year_id == world.org1_year) == 0


def test_another_organisations_year_is_not_reachable(app, client, login, world):
    login("admin3")
    assert client.get(f"/production-calendar/?year={world.org1_year}").status_code == 404
    assert client.post("/production-calendar/add",
                       data={"year": world.org1_year, "day": ["2026-11-04"]}).status_code == 404
    with app.app_context():
        assert _count(Holiday, Holiday.year_id == world.org1_year) == 0


def test_the_demo_school_calendar_has_the_official_days_off(demo_app):
    with demo_app.app_context():
        s = db.session
        host = demo_app.extensions["ejournal"]
        school = next(o for o in s.scalars(select(Organisation).order_by(Organisation.id)) if "school" in o.plugins)
        years = s.scalars(select(AcademicYear).where(AcademicYear.org_id == school.id)).all()
        checked = 0
        for day in (d(2026, 1, 9), d(2026, 3, 9), d(2026, 5, 11)):
            for year in years:
                if year.start <= day <= year.end:
                    calendar = load_calendar(s, host, year)
                    assert calendar.timetable_weekday(day) is None and calendar.public_holiday_of(day), (year.name, day)
                    checked += 1
        assert checked >= 2  # the demo holds the year 2025/2026 (closed, or the current one)
        # This year's calendar has nothing of the production calendar left to accept.
        current = next(y for y in years if not y.closed)
        assert pending_days(s, current) == []


def test_the_next_year_opened_by_closing_gets_a_notice_not_the_days(app, client, login, world):
    login("admin1")
    page = client.post(f"/year-closing/{world.org1_year}/close", data={"confirm": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    with app.app_context():
        new = db.session.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org1,
                                                           AcademicYear.name == "2027/2028"))
        assert new is not None and _count(Holiday, Holiday.year_id == new.id) == 0
    assert "предложены дни производственного календаря" in page
    assert f'href="/production-calendar/?year={new.id}"' in page


def test_a_year_added_by_hand_gets_the_notice(app, client, login, world):
    login("admin1")
    page = client.post("/academicyearview/add", data={"name": "2027/2028", "start": "2027-09-01",
                                                      "end": "2028-05-31"}, follow_redirects=True)
    text = page.get_data(as_text=True)
    with app.app_context():
        new = db.session.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org1,
                                                           AcademicYear.name == "2027/2028"))
        assert new is not None and _count(Holiday, Holiday.year_id == new.id) == 0
    assert f'href="/production-calendar/?year={new.id}"' in text
