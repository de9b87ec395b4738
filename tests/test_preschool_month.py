"""A preschool group's regime and month (plugins/preschool): which days it works,
what its табель counts (attended, missed by reason, payable) and who may open it."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from app.exceptions import RuleError
from app.extensions import db
from app.models import Attendance, AuditEntry, LearnerGroup, Organisation
from app.models.timetable import Holiday
from app.scoping import acting_as
from plugins.preschool.models import AttendanceDay, GroupRegime
from plugins.preschool.month import group_month
from plugins.preschool.regime import group_calendar, save_regime
from tests.test_preschool_day import kindergarten  # noqa: F401  (the fixture)
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY, YEAR_START

pytestmark = pytest.mark.dates

ONE = dt.timedelta(days=1)


def weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


# A Wednesday and the Saturday after it, both in the past of the test world's day.
# A Wednesday a week or more before the world's day; early in September, when that
# would fall in the summer, the year's second Wednesday (these tests read months).
WEDNESDAY = max(weekday_on_or_before(TODAY - dt.timedelta(days=7), 2),
                weekday_on_or_before(YEAR_START + dt.timedelta(days=13), 2))
SATURDAY = WEDNESDAY + dt.timedelta(days=3)


def _group(kindergarten, key="sun") -> LearnerGroup:
    return db.session.get(LearnerGroup, kindergarten[f"{key}_group"])


def test_a_group_without_a_regime_works_monday_to_friday(app, kindergarten):
    with app.app_context(), acting_as(None):
        calendar = group_calendar(db.session, _group(kindergarten))
        assert (calendar.is_open(WEDNESDAY), calendar.is_open(SATURDAY)) == (True, False)


def test_a_six_day_group_works_on_saturday(app, kindergarten):
    with app.app_context(), acting_as(None):
        save_regime(db.session, _group(kindergarten), ["1", "2", "3", "4", "5", "6"], dt.time(7), dt.time(19), "full")
        db.session.commit()
        assert group_calendar(db.session, _group(kindergarten)).is_open(SATURDAY)


def test_a_public_holiday_closes_the_group_and_school_holidays_do_not(app, kindergarten, world):
    with app.app_context(), acting_as(None):
        db.session.add_all([
            Holiday(org_id=world.org1, year_id=world.org1_year, name="Осенние каникулы", start=WEDNESDAY,
                    end=WEDNESDAY + ONE),
            Holiday(org_id=world.org1, year_id=world.org1_year, name="Праздник", start=WEDNESDAY + ONE,
                    end=WEDNESDAY + ONE, public=True),
        ])
        db.session.commit()
        calendar = group_calendar(db.session, _group(kindergarten))
        assert (calendar.is_open(WEDNESDAY), calendar.closed_reason(WEDNESDAY + ONE)) == (
            True, f"{WEDNESDAY + ONE:%d.%m.%Y} — Праздник: группа не работает.")


@pytest.mark.parametrize("weekdays, opens, closes, group_type, message", [
    ([], dt.time(7), dt.time(19), "full", "Отметьте хотя бы один день недели"),
    (["1"], dt.time(19), dt.time(7), "full", "начало должно быть раньше окончания"),
    (["1"], dt.time(7), dt.time(19), "круглосуточная", "Выберите вид группы"),
])
def test_a_bad_regime_is_refused_and_nothing_is_saved(app, kindergarten, weekdays, opens, closes, group_type,
                                                      message):
    with app.app_context(), acting_as(None):
        with pytest.raises(RuleError) as refused:
            save_regime(db.session, _group(kindergarten), weekdays, opens, closes, group_type)
        db.session.rollback()
        assert message in refused.value.shown() and db.session.scalar(select(GroupRegime.id)) is None


def test_a_regime_change_is_audited(app, kindergarten):
    with app.app_context(), acting_as(None):
        save_regime(db.session, _group(kindergarten), ["1", "2", "3", "4", "5"], dt.time(7, 30), dt.time(18),
                    "short")
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "GroupRegime")).first()
        assert entry is not None and entry.new["group_type"] == "short"


def _take(world, kindergarten, days, absences):
    """Days taken by the воспитатель of «Солнышко» with ``absences`` {(kid index, day): code}."""
    s = db.session
    s.add_all([AttendanceDay(org_id=world.org1, group_id=kindergarten["sun_group"], date=d, version=1) for d in days])
    s.add_all([Attendance(org_id=world.org1, learner_id=kindergarten["sun_kids"][i], lesson_id=None, date=d,
                          code_id=kindergarten[code]) for (i, d), code in absences.items()])
    s.commit()


def _working_week(day):
    monday = weekday_on_or_before(day, 0)
    return [monday + dt.timedelta(days=i) for i in range(5)]


def test_the_month_counts_days_attended_missed_by_reason_and_payable(app, world, kindergarten):
    week = _working_week(WEDNESDAY)
    week = [d for d in week if d.month == WEDNESDAY.month] or week
    with app.app_context(), acting_as(None):
        _take(world, kindergarten, week, {(0, week[0]): "Б", (0, week[-1]): "ОТ", (1, week[0]): "ОП"})
        month = group_month(db.session, _group(kindergarten), week[0])
        first, second = month.children[0], month.children[1]
        assert (len(first.attended), first.missed("illness"), first.missed("unknown"), len(first.payable),
                len(second.attended)) == (len(week) - 2, 1, 1, len(week) - 1, len(week))


def test_unexcused_days_are_not_payable_when_the_organisation_says_so(app, world, kindergarten):
    week = [d for d in _working_week(WEDNESDAY) if d.month == WEDNESDAY.month]
    with app.app_context(), acting_as(None):
        org = db.session.get(Organisation, world.org1)
        org.settings = {**(org.settings or {}), "preschool": {"charge_unexcused": False}}
        _take(world, kindergarten, week, {(0, week[0]): "ОТ"})
        child = group_month(db.session, _group(kindergarten), week[0]).children[0]
        assert len(child.payable) == len(week) - 1


def test_the_tabel_shows_codes_presence_and_the_present_count(client, login, app, world, kindergarten):
    week = [d for d in _working_week(WEDNESDAY) if d.month == WEDNESDAY.month]
    with app.app_context(), acting_as(None):
        _take(world, kindergarten, week, {(0, week[0]): "Б"})
    login("educator_sun")
    response = client.get(f"/reports/preschool.attendance_sheet/?run=1&format=json&group={kindergarten['sun_group']}"
                          f"&month={week[0]:%Y-%m}")
    (table,) = response.get_json()
    day = table["columns"].index(str(week[0].day))
    rows = {row[1]: row for row in table["rows"]}
    assert (rows["Алексеев Тест"][day], rows["Борисова Тест"][day], rows["Присутствовало детей"][day]) == ("Б", "+", 2)


def test_the_tabel_shades_the_days_the_group_does_not_work(app, world, kindergarten):
    from plugins.preschool.reports import attendance_sheet

    with app.app_context(), acting_as(None):
        (table,) = attendance_sheet(db.session, {"group": kindergarten["sun_group"], "month": SATURDAY.replace(day=1)})
        assert table.columns[table.shaded[0]] in {str(d) for d in range(1, 8)} and \
            table.columns.index(str(SATURDAY.day)) in table.shaded


def test_an_educator_cannot_open_another_groups_tabel(client, login, kindergarten):
    login("educator_star")
    page = client.get(f"/reports/preschool.attendance_sheet/?run=1&group={kindergarten['sun_group']}"
                      f"&month={WEDNESDAY:%Y-%m}")
    assert "«Группа»: значение не найдено или вам недоступно." in page.get_data(as_text=True)


def test_the_tabel_offers_preschool_groups_only(client, login, world, kindergarten):
    login("admin1")
    page = client.get("/reports/preschool.attendance_sheet/").get_data(as_text=True)
    groups = re.search(r'<select[^>]*name="group".*?</select>', page, re.S).group(0)
    assert [name.split(" (")[0] for name in re.findall(r"<option[^>]*>([^<]*)</option>", groups)] \
        == ["Подготовительная группа «Звёздочки»", "Средняя группа «Солнышко»"]  # no class


def test_the_tabel_runs_a_fixed_number_of_queries_whatever_the_group_size(app, client, login, world, kindergarten):
    from app.models import Learner

    week = [d for d in _working_week(WEDNESDAY) if d.month == WEDNESDAY.month]
    with app.app_context(), acting_as(None):
        _take(world, kindergarten, week, {(0, week[0]): "Б"})

    def grow():
        with app.app_context(), acting_as(None):
            db.session.add_all([Learner(org_id=world.org1, last_name=f"Новый{i}", first_name="Тест",
                                        group_id=kindergarten["sun_group"], birth_date=dt.date(2021, 1, 1))
                                for i in range(20)])
            db.session.commit()

    login("educator_sun")
    assert_fixed_queries(app, client, f"/reports/preschool.attendance_sheet/?run=1&group={kindergarten['sun_group']}"
                                      f"&month={week[0]:%Y-%m}", grow)
