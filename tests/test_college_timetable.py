"""The timetable of a college: its study groups offered on the timetable page, a line
of pairs saved for a group, and the shared refusal of a преподаватель or an аудитория in
two groups at once; the school's year mode is not in a college's menu."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear
from app.models.timetable import Room, TimetableEntry
from app.scoping import acting_as
from app.services.timetable import save_entry

pytestmark = pytest.mark.dates

MONDAY = dt.date(2026, 11, 16)


def _entries(group_id) -> int:
    return db.session.scalar(select(func.count()).select_from(TimetableEntry)
                             .where(TimetableEntry.group_id == group_id))


def _form(world, **kw):
    form = {"group_id": world.org2_group, "weekday": "1", "number": "2", "subject_id": world.org2_subject,
            "teacher_id": world.org2_teacher, "room_id": "", "valid_from": "2026-09-01", "valid_to": "2026-12-28",
            "group": world.org2_group, "date": MONDAY.isoformat()}
    form.update(kw)
    return form


def test_the_timetable_page_offers_the_colleges_groups(app, client, login, world):
    login("admin2")
    page = client.get(f"/timetable/?date={MONDAY}").get_data(as_text=True)
    picker = page.split('id="tt-group"')[1].split("</select>")[0]
    assert f'value="{world.org2_group}"' in picker and f'value="{world.org2_other_group}"' in picker
    page = client.get(f"/timetable/?group={world.org2_group}&date={MONDAY}").get_data(as_text=True)
    assert "Расписание: учебная группа 5А" in page and "Пара" in page
    assert "Добавить пару в расписание" in page and "Номер пары" in page and "Преподаватель" in page


def test_a_pair_is_saved_for_a_college_group(app, client, login, world):
    login("admin2")
    page = client.post("/timetable/entry", data=_form(world), follow_redirects=True).get_data(as_text=True)
    assert "уже" not in page
    with app.app_context(), acting_as(None):
        assert _entries(world.org2_group) == 1


def test_a_college_teacher_in_two_groups_at_once_is_refused(app, client, login, world):
    login("admin2")
    client.post("/timetable/entry", data=_form(world), follow_redirects=True)
    page = client.post("/timetable/entry", data=_form(world, group_id=world.org2_other_group,
                                                     group=world.org2_other_group),
                       follow_redirects=True).get_data(as_text=True)
    assert "Учителева А. П. уже ведёт" in page and "5А" in page
    with app.app_context(), acting_as(None):
        assert (_entries(world.org2_group), _entries(world.org2_other_group)) == (1, 0)


def test_a_room_in_two_college_groups_at_once_is_refused(app, world):
    with app.app_context(), acting_as(None):
        s = db.session
        host = current_app.extensions["ejournal"]
        year = s.get(AcademicYear, world.org2_year)
        room = Room(org_id=world.org2, name="Аудитория 204")
        s.add(room)
        s.flush()
        save_entry(s, host, year, _form(world, room_id=room.id))
        with pytest.raises(RuleError, match="Аудитория 204"):
            save_entry(s, host, year, _form(world, group_id=world.org2_other_group,
                                            teacher_id=world.org2_other_teacher, room_id=room.id))
        # Another pair of the day: the room is free.
        save_entry(s, host, year, _form(world, group_id=world.org2_other_group, teacher_id=world.org2_other_teacher,
                                        room_id=room.id, number="3"))
        assert (_entries(world.org2_group), _entries(world.org2_other_group)) == (1, 1)


def _menu(page: str) -> str:
    return page.split('class="nav navbar-nav"')[1].split("navbar-right")[0]


def test_the_school_year_mode_is_not_in_a_colleges_menu(app, client, login):
    login("admin2")
    menu = _menu(client.get("/").get_data(as_text=True))
    assert "Расписание пар" in menu and "Режим учебного года" not in menu
    login("admin1")
    menu = _menu(client.get("/").get_data(as_text=True))
    assert "Расписание уроков" in menu and "Режим учебного года" in menu
