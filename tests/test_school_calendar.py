"""The school year's calendar: study days with holidays, transferred days and the
week's length; periods by grade; a calendar change re-flows the planned lessons and
never deletes a lesson with data (it is flagged for the Завуч instead)."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import AcademicYear, Assignment, Attendance, LearnerGroup, Lesson, Mark, Organisation, Period
from app.models.timetable import Holiday, SchoolYearMode, TimetableEntry, TransferredDay
from app.services.calendar import working_days
from app.services.periods import study_periods
from app.services.timetable import generate_lessons
from plugins.school.periods import ensure_periods

pytestmark = pytest.mark.dates

d = dt.date


def _year(world):
    return db.session.get(AcademicYear, world.org1_year)


def _host():
    return current_app.extensions["ejournal"]


def test_five_day_week_without_holidays_and_with_them(app, world):
    with app.app_context():
        year = _year(world)
        days = working_days(db.session, _host(), year, d(2026, 10, 19), d(2026, 11, 8))
        assert d(2026, 10, 26) in days and d(2026, 10, 31) not in days  # Saturday: a five-day week
        db.session.add_all([
            Holiday(org_id=world.org1, year_id=year.id, name="Осенние каникулы", start=d(2026, 10, 25), end=d(2026, 11, 4)),
        ])
        db.session.commit()
        days = working_days(db.session, _host(), year, d(2026, 10, 19), d(2026, 11, 8))
        assert sorted(days) == [d(2026, 10, 19), d(2026, 10, 20), d(2026, 10, 21), d(2026, 10, 22), d(2026, 10, 23),
                                d(2026, 11, 5), d(2026, 11, 6)]
        assert days[d(2026, 11, 5)] == 3  # Thursday runs Thursday's timetable


def test_six_day_week_by_the_year_mode_or_the_rule_setting(app, world):
    with app.app_context():
        year = _year(world)
        saturday, sunday = d(2026, 11, 7), d(2026, 11, 8)
        assert saturday not in working_days(db.session, _host(), year, saturday, sunday)
        org = db.session.get(Organisation, world.org1)
        org.settings = {"school": {"week_days": 6}}
        db.session.commit()
        assert working_days(db.session, _host(), year, saturday, sunday) == {saturday: 5}
        db.session.add(SchoolYearMode(org_id=world.org1, year_id=year.id, week_days=5))  # the year's own mode wins
        db.session.commit()
        assert working_days(db.session, _host(), year, saturday, sunday) == {}


def test_a_saturday_worked_instead_of_a_monday(app, world):
    with app.app_context():
        year = _year(world)
        db.session.add(TransferredDay(org_id=world.org1, year_id=year.id, work_date=d(2026, 11, 14),
                                      off_date=d(2026, 11, 16), reason="Приказ № 45 от 01.11.2026"))
        db.session.commit()
        days = working_days(db.session, _host(), year, d(2026, 11, 13), d(2026, 11, 17))
        assert days == {d(2026, 11, 13): 4, d(2026, 11, 14): 0, d(2026, 11, 17): 1}


def test_days_outside_the_year_are_never_study_days(app, world):
    with app.app_context():
        year = _year(world)
        assert working_days(db.session, _host(), year, d(2026, 8, 24), d(2026, 9, 1)) == {d(2026, 9, 1): 1}


def test_halves_for_chosen_grades_quarters_for_the_rest(app, world):
    with app.app_context():
        s = db.session
        year = _year(world)
        senior = LearnerGroup(org_id=world.org1, year_id=year.id, kind="class", name="10А", level=10)
        s.add(senior)
        mode = SchoolYearMode(org_id=world.org1, year_id=year.id, week_days=5, half_levels="10, 11")
        s.add(mode)
        s.flush()
        ensure_periods(s, year, mode)
        ensure_periods(s, year, mode)  # twice: no duplicates
        s.commit()
        assert s.scalar(select(func.count()).select_from(Period).where(Period.year_id == year.id,
                                                                        Period.type_code == "half")) == 2
        junior = s.get(LearnerGroup, world.org1_group)
        assert [p.type_code for p in study_periods(s, _host(), senior)] == ["half", "half"]
        assert {p.type_code for p in study_periods(s, _host(), junior)} == {"quarter"}


def _year_with_lessons(world, start, end):
    """The year with 5А's maths as lesson 2 every weekday, its lessons generated from ``start`` to ``end``."""
    s = db.session
    year = _year(world)
    for weekday in range(5):
        s.add(TimetableEntry(org_id=world.org1, year_id=year.id, group_id=world.org1_group, weekday=weekday, number=2,
                             subject_id=world.org1_subject, teacher_id=world.org1_teacher, valid_from=year.start,
                             valid_to=year.end))
    s.commit()
    generate_lessons(s, _host(), year, start, end)
    s.commit()
    return year


def _generated(world, start, end):
    return db.session.scalars(select(Lesson).where(Lesson.group_id == world.org1_group, Lesson.number == 2,
                                                   Lesson.date >= start, Lesson.date <= end)
                              .order_by(Lesson.date)).all()


def test_a_holiday_added_later_reflows_lessons_and_keeps_those_with_data(app, client, login, world):
    start, end = d(2026, 11, 9), d(2026, 11, 20)
    with app.app_context():
        _year_with_lessons(world, start, end)
        lessons = _generated(world, start, end)
        assert len(lessons) == 10
        wednesday = next(l for l in lessons if l.date == d(2026, 11, 11))
        thursday = next(l for l in lessons if l.date == d(2026, 11, 12))
        # Wednesday's lesson has a mark, Thursday's an absence: neither may go.
        assignment = Assignment(org_id=world.org1, lesson_id=wednesday.id, type_id=world.org1_type, weight=1)
        db.session.add(assignment)
        db.session.flush()
        db.session.add(Mark(org_id=world.org1, assignment_id=assignment.id, learner_id=world.org1_child, value="4"))
        db.session.add(Attendance(org_id=world.org1, learner_id=world.org1_child, lesson_id=thursday.id,
                                  date=thursday.date, code_id=world.org1_code))
        db.session.commit()
        kept_ids = {wednesday.id, thursday.id}

    login("deputy1")
    response = client.post("/holidayview/add", data={"year": str(world.org1_year), "name": "Карантин",
                                                     "start": "2026-11-10", "end": "2026-11-13"},
                           follow_redirects=True)
    assert response.status_code == 200
    with app.app_context():
        lessons = _generated(world, start, end)
        dates = [l.date for l in lessons]
        # 10.11 and 13.11 had nothing: gone; 11.11 and 12.11 hold a mark and an absence: kept.
        assert d(2026, 11, 10) not in dates and d(2026, 11, 13) not in dates
        assert kept_ids <= {l.id for l in lessons}
        assert len(lessons) == 8
    page = client.get("/timetable-offdays/").get_data(as_text=True)
    assert "11.11.2026" in page and "12.11.2026" in page and "10.11.2026" not in page

    # The holiday removed again: the lessons come back, no duplicates.
    with app.app_context():
        holiday_id = db.session.scalar(select(Holiday.id).where(Holiday.name == "Карантин"))
    client.post(f"/holidayview/delete/{holiday_id}", follow_redirects=True)
    with app.app_context():
        lessons = _generated(world, start, end)
        assert len(lessons) == 10 and len({l.date for l in lessons}) == 10
    page = client.get("/timetable-offdays/").get_data(as_text=True)
    # (the world's own lesson is on TODAY, which may itself be a holiday: only the quarantine's days are checked)
    assert "11.11.2026" not in page and "12.11.2026" not in page


def test_a_transfer_moves_monday_lessons_to_saturday(app, client, login, world):
    start, end = d(2026, 11, 9), d(2026, 11, 20)
    with app.app_context():
        _year_with_lessons(world, start, end)
    login("deputy1")
    client.post("/transferreddayview/add", data={"year": str(world.org1_year), "off_date": "2026-11-16",
                                                 "work_date": "2026-11-14", "reason": "Приказ"}, follow_redirects=True)
    with app.app_context():
        dates = [l.date for l in _generated(world, start, end)]
        assert d(2026, 11, 16) not in dates and d(2026, 11, 14) in dates and len(dates) == 10


def test_only_the_deputy_and_administrator_change_the_calendar(app, client, login, world):
    for user in ("teacher1", "secretary1", "parent1"):
        login(user)
        client.post("/holidayview/add", data={"year": str(world.org1_year), "name": "Самовольные каникулы",
                                              "start": "2026-11-10", "end": "2026-11-13"})
    login("admin3")  # another organisation: its form does not offer org1's year
    client.post("/holidayview/add", data={"year": str(world.org1_year), "name": "Чужие каникулы",
                                          "start": "2026-11-10", "end": "2026-11-13"})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Holiday)) == 0
    login("teacher1")
    assert client.get("/holidayview/list/").status_code == 200  # teachers read the calendar


def test_a_lesson_moved_onto_a_new_holiday_goes_unless_it_holds_data(app, world):
    from app.services.timetable import reflow, save_change

    start, end = d(2026, 11, 9), d(2026, 11, 20)
    with app.app_context():
        s = db.session
        year = _year_with_lessons(world, start, end)
        monday_entry = s.scalar(select(TimetableEntry).where(TimetableEntry.weekday == 0))
        save_change(s, _host(), year, monday_entry, {"kind": "move", "lesson_date": "2026-11-16",
                                                     "new_date": "2026-11-18", "new_number": "5", "reason": "Экскурсия"})
        s.commit()
        assert [l.number for l in _generated(world, d(2026, 11, 18), d(2026, 11, 18))] == [2]
        assert s.scalar(select(func.count()).select_from(Lesson).where(Lesson.date == d(2026, 11, 18),
                                                                       Lesson.number == 5)) == 1
        s.add(Holiday(org_id=world.org1, year_id=year.id, name="Методический день", start=d(2026, 11, 18),
                      end=d(2026, 11, 18)))
        s.flush()
        reflow(s, _host(), year)
        s.commit()
        assert s.scalar(select(func.count()).select_from(Lesson).where(Lesson.date == d(2026, 11, 18))) == 0


def test_late_holidays_and_transfers_are_saved_with_a_warning(app, client, login, world):
    """Seed 004: holidays are entered two weeks ahead, transfers two working days ahead."""
    soon = clock.today() + dt.timedelta(days=3)
    login("deputy1")
    page = client.post("/holidayview/add", data={"year": str(world.org1_year), "name": "Карантин",
                                                 "start": soon.isoformat(), "end": soon.isoformat()},
                       follow_redirects=True).get_data(as_text=True)
    assert "не позднее чем за 2 недели" in page
    far = clock.today() + dt.timedelta(days=20)  # two weeks ahead and more, still in the year on its last study day
    page = client.post("/holidayview/add", data={"year": str(world.org1_year), "name": "Дни здоровья",
                                                 "start": far.isoformat(), "end": far.isoformat()},
                       follow_redirects=True).get_data(as_text=True)
    assert "не позднее чем за 2 недели" not in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Holiday)) == 2
