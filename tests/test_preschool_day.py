"""The воспитатель's day of attendance (plugins/preschool): one page per group and day,
every child present by default, the absences and the day saved at once."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, Attendance, AttendanceCode, Learner, LearnerGroup, Staff
from app.models.timetable import Holiday
from app.exceptions import RuleError
from plugins.preschool.attendance import load_day, save_day
from plugins.preschool.models import AttendanceDay
from tests.test_query_counts import assert_fixed_queries
from tests.world import PASSWORD, TODAY

pytestmark = pytest.mark.dates

ONE = dt.timedelta(days=1)


def last_working_day(day: dt.date = TODAY) -> dt.date:
    """The latest weekday on or before ``day`` (the world has no holidays of its own)."""
    while day.weekday() >= 5:
        day -= ONE
    return day


def next_saturday(day: dt.date = TODAY) -> dt.date:
    return day + dt.timedelta(days=(5 - day.weekday()) % 7 or 7)


WORK_DAY = last_working_day()


@pytest.fixture
def kindergarten(app, world):
    """Two preschool groups of org1, each with its воспитатель (an account), three
    children in the first, one in the second; the codes УП, Б and ОП (late)."""
    with app.app_context():
        s = db.session
        sm = current_app.appbuilder.sm
        ids = {}
        for key, group_name, educator_name, children in (
                ("sun", "Средняя группа «Солнышко»", "Воспиталова", ["Алексеев", "Борисова", "Васильев"]),
                ("star", "Подготовительная группа «Звёздочки»", "Другая", ["Гришин"])):
            educator = Staff(org_id=world.org1, last_name=educator_name, first_name="Ольга", position="Воспитатель")
            s.add(educator)
            s.flush()
            group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group", name=group_name,
                                 level=4, leader_id=educator.id)
            s.add(group)
            s.flush()
            kids = [Learner(org_id=world.org1, last_name=last, first_name="Тест", group_id=group.id,
                            birth_date=dt.date(2022, 1, 1)) for last in children]
            s.add_all(kids)
            s.flush()
            user = sm.add_user(f"educator_{key}", "Ольга", educator_name, f"{key}@example.ru",
                               [sm.find_role("Воспитатель")], PASSWORD)
            account = s.get(Account, user.id)
            account.org_id, account.person_id = world.org1, educator.id
            ids.update({f"{key}_group": group.id, f"{key}_educator": educator.id, f"{key}_kids": [k.id for k in kids],
                        f"{key}_account": account.id})
        codes = {c: AttendanceCode(org_id=world.org1, code=c, name=n, category=cat)
                 for c, n, cat in [("УП", "По уважительной причине", "excused"), ("Б", "По болезни", "illness"),
                                   ("ОП", "Опоздал", "late")]}
        s.add_all(codes.values())
        s.commit()
        ids.update({code: row.id for code, row in codes.items()})
        ids["ОТ"] = world.org1_code
        return ids


def _rows(app, kids, day=WORK_DAY) -> dict[int, int]:
    with app.app_context():
        return dict(db.session.execute(select(Attendance.learner_id, Attendance.code_id).where(
            Attendance.learner_id.in_(kids), Attendance.date == day, Attendance.lesson_id.is_(None))).all())


def _days(app) -> list[tuple]:
    with app.app_context():
        return db.session.execute(select(AttendanceDay.group_id, AttendanceDay.date, AttendanceDay.version,
                                         AttendanceDay.taken_by)).all()


def _url(group_id, day=WORK_DAY) -> str:
    return f"/preschool/day/?group={group_id}&date={day.isoformat()}"


def _post(client, group_id, absent: dict[int, int | None], version=0, day=WORK_DAY):
    data = {"group": group_id, "date": day.isoformat(), "version": version, "absent": list(absent)}
    data.update({f"code-{lid}": code for lid, code in absent.items() if code is not None})
    return client.post("/preschool/day/save", data=data)


def _version(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def test_saving_a_day_records_the_absences_and_the_day(app, client, login, kindergarten):
    k = kindergarten
    login("educator_sun")
    page = client.get("/preschool/day/").get_data(as_text=True)  # her group and today by default
    assert "Средняя группа «Солнышко»" in page and "Алексеев Тест" in page and "Звёздочки" not in page
    a, b, _c = k["sun_kids"]
    response = _post(client, k["sun_group"], {a: k["Б"], b: None})
    assert response.status_code == 302
    assert _rows(app, k["sun_kids"]) == {a: k["Б"], b: k["ОТ"]}  # no reason given: «ОТ»
    assert _days(app) == [(k["sun_group"], WORK_DAY, 1, k["sun_account"])]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Посещаемость за" in page and "сохранена" in page


def test_a_saved_day_opens_with_its_marks_and_saves_again(app, client, login, kindergarten):
    k = kindergarten
    a, b, c = k["sun_kids"]
    login("educator_sun")
    _post(client, k["sun_group"], {a: k["Б"], b: k["УП"]})
    page = client.get(_url(k["sun_group"])).get_data(as_text=True)
    assert _version(page) == 1 and "Посещаемость отмечена" in page
    checked = set(map(int, re.findall(r'name="absent" value="(\d+)"\s+checked', page)))
    assert checked == {a, b}
    assert re.search(rf'name="code-{a}".*?<option value="{k["Б"]}" selected', page, re.S)
    # b came back, c fell ill, a is still ill
    assert _post(client, k["sun_group"], {a: k["Б"], c: k["Б"]}, version=1).status_code == 302
    assert _rows(app, k["sun_kids"]) == {a: k["Б"], c: k["Б"]}
    assert _days(app)[0][2] == 2


def test_another_groups_educator_is_not_found(app, client, login, kindergarten):
    """404 as on the core's «Посещаемость за день»: a group the user does not keep is
    neither shown nor told apart from one that does not exist (scoping hides it too)."""
    k = kindergarten
    login("educator_star")
    page = client.get("/preschool/day/").get_data(as_text=True)
    assert "Гришин" in page and "Алексеев" not in page
    assert client.get(_url(k["sun_group"])).status_code == 404
    assert _post(client, k["sun_group"], {k["sun_kids"][0]: k["Б"]}).status_code == 404
    # her own form with a child of the other group in it
    response = _post(client, k["star_group"], {k["sun_kids"][0]: k["Б"]})
    assert response.status_code == 302
    assert _rows(app, k["sun_kids"]) == {} and _days(app) == []


def test_a_parent_and_a_school_teacher_are_refused(app, client, login, kindergarten):
    """403: the parent has no right to the resource «Attendance» at all."""
    k = kindergarten
    login("parent1")
    assert client.get(_url(k["sun_group"])).status_code == 403
    assert _post(client, k["sun_group"], {k["sun_kids"][0]: k["Б"]}).status_code == 403
    login("teacher1")  # leads 5А, not a preschool group
    assert "Вы не ведёте ни одной дошкольной группы" in client.get("/preschool/day/").get_data(as_text=True)
    assert client.get(_url(k["sun_group"])).status_code == 404
    assert _rows(app, k["sun_kids"]) == {} and _days(app) == []


def test_the_authority_officer_reads_but_cannot_write_attendance(app, client, login, kindergarten):
    """The Сотрудник УО reads the organisations' data; attendance is kept by the воспитатель."""
    k = kindergarten
    login("uo_a")
    assert _post(client, k["sun_group"], {k["sun_kids"][0]: k["Б"]}).status_code in (403, 404)
    assert _rows(app, k["sun_kids"]) == {} and _days(app) == []


def test_a_deputy_sees_every_preschool_group(app, client, login, kindergarten):
    k = kindergarten
    login("deputy1")
    page = client.get(_url(k["star_group"])).get_data(as_text=True)
    assert "Гришин" in page and "Звёздочки" in page and "Солнышко" in page and "5А" not in page


def test_a_weekend_is_refused_and_the_page_offers_working_days(app, client, login, kindergarten):
    k = kindergarten
    saturday = next_saturday()
    login("educator_sun")
    page = client.get(_url(k["sun_group"], saturday)).get_data(as_text=True)
    assert "выходной день группы: посещаемость не отмечается" in page and 'name="absent"' not in page
    assert f"date={(saturday - ONE).isoformat()}" in page and f"date={(saturday + 2 * ONE).isoformat()}" in page
    _post(client, k["sun_group"], {k["sun_kids"][0]: k["Б"]}, day=saturday)
    assert "выходной день группы: посещаемость не отмечается" in client.get(_url(k["sun_group"])).get_data(as_text=True)
    assert _rows(app, k["sun_kids"], saturday) == {} and _days(app) == []


def test_a_holiday_and_a_day_outside_the_year_are_refused(app, world, kindergarten):
    k = kindergarten
    with app.app_context():
        s = db.session
        s.add(Holiday(org_id=world.org1, year_id=world.org1_year, name="Праздничный день", start=WORK_DAY,
                      end=WORK_DAY, public=True))
        s.commit()
        group = s.get(LearnerGroup, k["sun_group"])
        account = s.get(Account, k["sun_account"])
        sheet = load_day(s, group, WORK_DAY)
        assert "Праздничный день: группа не работает" in sheet.closed and not sheet.learners
        with pytest.raises(RuleError, match="Праздничный день: группа не работает"):
            save_day(s, group, WORK_DAY, {k["sun_kids"][0]: k["Б"]}, 0, account)
        with pytest.raises(RuleError, match="вне учебного года"):
            save_day(s, group, dt.date(2026, 8, 31), {}, 0, account)
        with pytest.raises(RuleError, match="ещё не наступило"):
            save_day(s, group, last_working_day(next_saturday() + 3 * ONE), {}, 0, account)
        s.rollback()
    assert _rows(app, k["sun_kids"]) == {} and _days(app) == []


def test_a_day_past_the_edit_window_is_refused(app, kindergarten):
    k = kindergarten
    old = last_working_day(TODAY - dt.timedelta(days=30))
    if old < dt.date(2026, 9, 1):
        pytest.skip("the world's day is too early in the year for a day past the window")
    with app.app_context():
        s = db.session
        with pytest.raises(RuleError, match="Срок исправления истёк"):
            save_day(s, s.get(LearnerGroup, k["sun_group"]), old, {}, 0, s.get(Account, k["sun_account"]))
    assert _days(app) == []


def test_a_stale_version_is_a_conflict_and_changes_nothing(app, client, login, kindergarten):
    k = kindergarten
    a, b, _c = k["sun_kids"]
    login("educator_sun")
    _post(client, k["sun_group"], {a: k["Б"]})  # someone saved while the page was open at version 0
    response = _post(client, k["sun_group"], {b: k["УП"]}, version=0)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "уже сохранил другой пользователь" in page
    assert _rows(app, k["sun_kids"]) == {a: k["Б"]} and _days(app)[0][2] == 1


def test_a_concurrent_save_of_the_same_version_is_a_conflict(app, kindergarten):
    """Two saves both read version 1; the second one's UPDATE finds version 2 and fails."""
    k = kindergarten
    a, b, _c = k["sun_kids"]
    with app.app_context():
        s = db.session
        group, account = s.get(LearnerGroup, k["sun_group"]), s.get(Account, k["sun_account"])
        save_day(s, group, WORK_DAY, {a: k["Б"]}, 0, account)
        s.commit()
        taken = s.scalar(select(AttendanceDay))
        stale_version = taken.version
        with db.engine.begin() as other:  # someone else's save lands in between
            other.execute(AttendanceDay.__table__.update().values(version=stale_version + 1))
        with pytest.raises(RuleError, match="уже сохранил другой пользователь"):
            save_day(s, group, WORK_DAY, {b: k["УП"]}, stale_version, account)
        s.rollback()
    assert _rows(app, k["sun_kids"]) == {a: k["Б"]}


@pytest.mark.parametrize("code", ["ОП", "other organisation"])
def test_a_code_not_of_the_organisation_for_a_day_is_refused(app, client, login, world, kindergarten, code):
    k = kindergarten
    code_id = k[code] if code in k else world.org2_code
    login("educator_sun")
    response = _post(client, k["sun_group"], {k["sun_kids"][0]: code_id})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Нет такого кода посещаемости в организации" in page
    assert _rows(app, k["sun_kids"]) == {} and _days(app) == []


def test_the_page_runs_a_fixed_number_of_queries(app, client, login, world, kindergarten):
    k = kindergarten
    login("educator_sun")
    _post(client, k["sun_group"], {k["sun_kids"][0]: k["Б"]})

    def grow():
        with app.app_context():
            s = db.session
            kids = [Learner(org_id=world.org1, last_name=f"Новый{i}", first_name="Тест", group_id=k["sun_group"])
                    for i in range(12)]
            s.add_all(kids)
            s.flush()
            s.add_all([Attendance(org_id=world.org1, learner_id=kid.id, lesson_id=None, date=WORK_DAY,
                                  code_id=k["УП"]) for kid in kids[::2]])
            s.commit()

    page = assert_fixed_queries(app, client, _url(k["sun_group"]), grow).get_data(as_text=True)
    assert "Новый11" in page


def test_one_day_row_per_child_and_date(app, world, kindergarten):
    """The partial unique index of the preschool branch: a second day row (no lesson)
    for the same child and date is refused by the database; lesson rows are not concerned."""
    from sqlalchemy.exc import IntegrityError

    k = kindergarten
    kid = k["sun_kids"][0]
    with app.app_context():
        s = db.session
        s.add(Attendance(org_id=world.org1, learner_id=kid, lesson_id=None, date=WORK_DAY, code_id=k["Б"]))
        s.commit()
        s.add(Attendance(org_id=world.org1, learner_id=kid, lesson_id=None, date=WORK_DAY, code_id=k["УП"]))
        with pytest.raises(IntegrityError):
            s.commit()
        s.rollback()
        assert s.scalar(select(func.count(Attendance.id)).where(Attendance.learner_id == kid)) == 1


def test_the_educator_reaches_her_day_from_the_home_page_in_one_tap(app, client, login, kindergarten):
    login("educator_sun")
    home = client.get("/").get_data(as_text=True)
    link = re.search(r'<a class="btn btn-primary btn-lg home-link"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', home)
    assert link and "Посещаемость за сегодня: Средняя группа «Солнышко»" in link.group(2)
    page = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert "Алексеев Тест" in page and 'name="absent"' in page
    assert "Посещаемость группы" in page  # the menu entry under «Журнал» too
    login("teacher1")  # a school class teacher: no preschool group, no link
    assert "home-link" not in client.get("/").get_data(as_text=True)
