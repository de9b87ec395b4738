"""The Завуч's monthly checks and the authority's summary, on the test world:
figures a user would check by hand, refusals, and queries that do not grow
with the school."""
from __future__ import annotations

import calendar
import datetime as dt

import pytest

from app import clock
from app.extensions import db
from app.scoping import acting_as
from tests.test_query_counts import _grow, assert_fixed_queries
from tests.world import TODAY, current_quarter

pytestmark = pytest.mark.dates

# The reports run over the month holding the world's day.
MONTH_START = TODAY.replace(day=1)
MONTH_END = TODAY.replace(day=calendar.monthrange(TODAY.year, TODAY.month)[1])
MONTH = {"dates_from": MONTH_START.isoformat(), "dates_to": MONTH_END.isoformat()}
QS = f"run=1&dates_from={MONTH_START.isoformat()}&dates_to={MONTH_END.isoformat()}"
QUARTER_END = current_quarter()[3]


def _another_school_day() -> dt.date:
    """A weekday of TODAY's month other than TODAY: the nearest before it, else after it."""
    for step in (-1, 1):
        day = TODAY + dt.timedelta(days=step)
        while day.month == TODAY.month:
            if day.weekday() < 5:
                return day
            day += dt.timedelta(days=step)
    raise AssertionError(f"no other weekday in the month of {TODAY}")


def _run(app, report, user, **raw):
    """Run as ``user`` through the engine, as the page and the CLI do."""
    from sqlalchemy import select

    from app.models import Account
    from app.reports import parse_params, run_report
    from app.scoping import resolve_scope

    host = app.extensions["ejournal"]
    with app.test_request_context(), acting_as(None):
        account = db.session.scalar(select(Account).where(Account.username == user))
        with acting_as(resolve_scope(db.session, account, host)) as scope:
            spec = host.reports[report]
            values, _ = parse_params(db.session, spec, raw, scope)
            return run_report(db.session, spec, values)


def test_marks_fill_per_class_and_subject(app, world):
    (table,) = _run(app, "core.marks_fill", "deputy1", **MONTH)
    assert table.rows == [["5А", "Математика", "Учителева А. П.", 1, 0, 2, 3, 0.7],
                          ["6Б", "Математика", "Другова В.", 1, 0, 1, 1, 1.0]]


def test_homework_record_counts_lessons_without_homework(app, world):
    (table,) = _run(app, "core.homework_record", "deputy1", **MONTH)
    assert [r[:7] for r in table.rows] == [["5А", "Математика", "Учителева А. П.", 1, 1, 0, 0],
                                           ["6Б", "Математика", "Другова В.", 1, 1, 0, 0]]


def test_homework_late_by_the_bells_r7(app, world):
    """On another school day of the month 5А's last lesson is the 2nd (ends 10:10 Moscow
    time): homework is due by 11:10 (08:10 UTC); on TODAY the 1st is the last (09:15) and
    homework is due by 10:15."""
    from app.models import Homework, Lesson
    from app.models.timetable import Bell

    day = _another_school_day()
    with app.app_context(), acting_as(None):
        s = db.session
        s.add_all([Bell(org_id=world.org1, year_id=world.org1_year, shift=1, number=n, start=a, end=b)
                   for n, a, b in ((1, "08:30", "09:15"), (2, "09:25", "10:10"))])
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, date=day, number=2, topic="Дроби")
        s.add(lesson)
        s.flush()
        s.add_all([Homework(org_id=world.org1, lesson_id=lesson.id, text="№ 12", due_date=day + dt.timedelta(days=1),
                            entered_at=dt.datetime.combine(day, dt.time(8, 30))),  # 11:30 in Moscow: late
                   Homework(org_id=world.org1, lesson_id=world.org1_lesson, text="№ 15",
                            due_date=TODAY + dt.timedelta(days=3),
                            entered_at=dt.datetime.combine(TODAY, dt.time(7, 0)))])  # 10:00 in Moscow: in time
        s.commit()
    (table,) = _run(app, "core.homework_record", "deputy1", **MONTH)
    assert table.rows[0] == ["5А", "Математика", "Учителева А. П.", 2, 0, 1, 0]


def test_open_absences_after_the_day(app, world):
    (table,) = _run(app, "core.open_absences", "deputy1", **MONTH)
    assert table.rows == []  # Сидоров's «ОТ» of TODAY may still become a reason today
    with clock.pinned(dt.datetime.combine(TODAY + dt.timedelta(days=1), dt.time(10))):
        (table,) = _run(app, "core.open_absences", "deputy1", **MONTH)
    assert [[r[0].isoformat(), *r[1:]] for r in table.rows] == [[TODAY.isoformat(), "5А", "Сидоров Пётр", 1,
                                                                 "Учителева А. П."]]


def test_final_marks_deadline_of_the_period(app, world):
    (table,) = _run(app, "core.final_marks_deadline", "deputy1", period=str(world.org1_period))
    deadline = QUARTER_END - dt.timedelta(days=2)  # the school's rule: two days before the quarter's end
    assert table.title == f"Итоговые отметки: срок {deadline:%d.%m.%Y}"
    five_a = next(r for r in table.rows if r[0] == "5А")
    assert five_a[3:5] == [3, 1]  # three learners, Иванов's «5» set


def test_authority_summary_rows_per_organisation(app, world):
    (table,) = _run(app, "core.authority_summary", "uo_a", **MONTH)
    names = [r[0] for r in table.rows]
    assert names == ["Техникум № 2", "Школа № 1", "Итого"]  # org3 belongs to another authority
    school = table.rows[1]
    # Final marks count in the month their period ends: Иванов's «5» for the quarter is
    # the month's only one if the quarter ends in TODAY's month, else the month has none.
    assessed = 1 if MONTH_START <= QUARTER_END <= MONTH_END else 0
    assert school[1:4] == [4, 2, assessed]  # four learners, two classes
    assert table.columns[3:6] == ["Аттестовано", "Успеваемость, % от аттестованных", "Качество, % от аттестованных"]
    assert school[6] == round(1 / 4, 1) and school[7] == 2 and school[9] == round(3 / 4, 1)


MONITORING = ("core.marks_fill", "core.homework_record", "core.authority_summary")
MOVEMENT = ("school.movement_ledger", "school.movement_dynamics", "school.class_fill")


# Staff are not shown a report outside their list (404); a parent has no reports at all (403).
@pytest.mark.parametrize("user, reports, code", [("teacher1", MONITORING + MOVEMENT, 404),
                                                 ("parent1", MONITORING + MOVEMENT, 403),
                                                 ("secretary1", MONITORING, 404)])
def test_monitoring_refused_to_others(client, login, user, reports, code):
    login(user)
    for report in reports:
        assert client.get(f"/reports/{report}/?{QS}").status_code == code, report


def test_admin_of_another_authority_sees_only_own_school(client, login, world):
    login("admin3")
    page = client.get(f"/reports/core.marks_fill/?{QS}&organisation={world.org1}").get_data(as_text=True)
    assert "вам недоступно" in page and "Учителева" not in page


@pytest.mark.parametrize("report, user, extra", [
    ("core.marks_fill", "deputy1", ""), ("core.homework_record", "deputy1", ""),
    ("core.open_absences", "deputy1", ""), ("core.authority_summary", "uo_a", ""),
    ("school.class_results", "deputy1", "&group={group}&period={period}"),
    ("school.class_teacher_period", "deputy1", "&group={group}&period={period}"),
    ("school.ledger", "deputy1", "&group={group}"), ("school.attendance_by_month", "deputy1", "&group={group}"),
    ("school.attendance_ledger", "deputy1", "&group={group}"), ("school.year_results", "deputy1", "&group={group}"),
    ("school.preliminary", "deputy1", "&group={group}&period={period}"),
    ("school.journal_print", "deputy1", "&group={group}&period={period}&subject={subject}"),
    ("school.movement_dynamics", "deputy1", ""), ("school.movement_ledger", "deputy1", ""),
    ("school.material_covered", "deputy1", f"&date={TODAY.isoformat()}"),
])
def test_report_pages_run_a_fixed_number_of_queries(app, client, login, world, report, user, extra):
    login(user)
    url = f"/reports/{report}/?{QS}" + extra.format(group=world.org1_group, period=world.org1_period,
                                                    subject=world.org1_subject)
    assert_fixed_queries(app, client, url, lambda: _grow(app, world, groups=6, learners_per_group=5))


def test_authority_summary_asks_for_no_organisation(client, login, world):
    login("uo_a")
    page = client.get(f"/reports/core.authority_summary/?{QS}").get_data(as_text=True)
    assert 'id="p-organisation"' not in page and "Школа № 1" in page and "Техникум № 2" in page
    pdf = client.get(f"/reports/core.authority_summary/?{QS}&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
