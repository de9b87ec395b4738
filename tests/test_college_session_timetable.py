"""The college's session timetable (plugins/college/session_timetable*): exams with their hours
and rooms, consultations before them, conflicts of a teacher, a room or a group refused
in Russian, the page, the students' home link and the printable report."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AuditEntry, Guardian, Learner, Lesson, Organisation
from app.models.timetable import Bell, Room
from app.scoping import acting_as
from plugins.college import exams
from plugins.college import session_timetable as st
from plugins.college.consultation_models import Consultation
from tests.test_college_session import EXAM_DAY, SESSION, _sheet, college  # noqa: F401  (the fixture)
from tests.world import TODAY, _user

MANAGER = exams.SYSTEM_ACCESS


def _rooms(world) -> tuple[int, int]:
    a = Room(org_id=world.org2, name="Ауд. 101")
    b = Room(org_id=world.org2, name="Ауд. 202")
    db.session.add_all([a, b])
    db.session.flush()
    return a.id, b.id


def test_exams_and_consultations_come_in_date_order_and_are_audited(app, world, college):  # noqa: F811
    with app.app_context(), acting_as(None):
        room, _other = _rooms(world)
        sheet_id = _sheet(world, college)
        st.set_exam_time(db.session, MANAGER, sheet_id=sheet_id, starts="9:00", ends="12:00", room_id=room)
        st.save_consultation(db.session, MANAGER, sheet_id=sheet_id, date=EXAM_DAY - dt.timedelta(days=1),
                             starts="10:00", ends="11:30", room_id=room)
        db.session.commit()
        events = st.timetable(db.session, world.org2_group, college["session"])
        assert [(e.kind, e.date, e.hours, e.room) for e in events] == [
            ("consultation", EXAM_DAY - dt.timedelta(days=1), "10:00–11:30", "Ауд. 101"),
            ("exam", EXAM_DAY, "09:00–12:00", "Ауд. 101")]
        # The consultation's teacher is the examiner unless another is named.
        assert {e.teacher for e in events} == {"Учителева А. П."}
        assert events[0].what == "Консультация" and events[1].what == "Экзамен"
        audited = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity.in_(["Consultation", "ExamTime"])))
        assert audited == 2


def test_a_teacher_room_or_group_in_two_places_at_once_is_refused(app, world, college):  # noqa: F811
    with app.app_context(), acting_as(None):
        room, other_room = _rooms(world)
        mine = _sheet(world, college)
        theirs = _sheet(world, college, group="org2_other_group", examiner="org2_other_teacher")
        st.set_exam_time(db.session, MANAGER, sheet_id=mine, starts="09:00", ends="12:00", room_id=room)
        db.session.commit()
        # The examiner of 5А cannot hold a consultation of 6Б during his exam.
        with pytest.raises(RuleError, match=r"Преподаватель Учителева А\. П\. в это время занят: экзамен "
                                            r"«Математика» группы 5А \d\d\.\d\d\.\d{4}, 09:00–12:00"):
            st.save_consultation(db.session, MANAGER, sheet_id=theirs, date=EXAM_DAY, starts="11:00", ends="12:30",
                                 teacher_id=world.org2_teacher)
        db.session.rollback()
        # Nor can 6Б's exam take the same room at the same time.
        with pytest.raises(RuleError, match="Аудитория «Ауд. 101» в это время занята: экзамен «Математика» группы 5А"):
            st.set_exam_time(db.session, MANAGER, sheet_id=theirs, starts="10:00", ends="11:00", room_id=room)
        db.session.rollback()
        # A consultation on the exam's day ends before the exam begins.
        with pytest.raises(RuleError, match="Консультация в день экзамена заканчивается до его начала \\(09:00\\)"):
            st.save_consultation(db.session, MANAGER, sheet_id=mine, date=EXAM_DAY, starts="08:00", ends="09:30",
                                 teacher_id=world.org2_other_teacher, room_id=other_room)
        db.session.rollback()
        # The group itself: two consultations of 5А at once, with other teachers and rooms.
        eve = EXAM_DAY - dt.timedelta(days=1)
        st.save_consultation(db.session, MANAGER, sheet_id=mine, date=eve, starts="10:00", ends="11:00", room_id=room)
        with pytest.raises(RuleError, match="У группы 5А в это время уже есть консультация «Математика» группы 5А"):
            st.save_consultation(db.session, MANAGER, sheet_id=mine, date=eve, starts="10:30", ends="11:30",
                                 teacher_id=world.org2_other_teacher, room_id=other_room)
        db.session.rollback()
        # Another room, or another hour, is fine; touching ends do not collide.
        st.set_exam_time(db.session, MANAGER, sheet_id=theirs, starts="13:00", ends="14:00", room_id=other_room)
        st.save_consultation(db.session, MANAGER, sheet_id=theirs, date=EXAM_DAY, starts="12:00", ends="13:00",
                             room_id=room, teacher_id=world.org2_teacher)
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 1


def test_a_lesson_of_the_core_on_that_day_is_a_conflict_too(app, world, college):  # noqa: F811
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        db.session.add(Bell(org_id=world.org2, year_id=world.org2_year, shift=1, number=1, start="09:00",
                            end="10:30"))
        db.session.add(Lesson(org_id=world.org2, group_id=world.org2_other_group, subject_id=world.org2_subject,
                              teacher_id=world.org2_teacher, date=EXAM_DAY - dt.timedelta(days=2), number=1))
        db.session.commit()
        with pytest.raises(RuleError, match=r"Преподаватель Учителева А\. П\. в это время занят: пара «Математика» "
                                            r"группы 6Б \(1-я, 09:00–10:30\)"):
            st.save_consultation(db.session, MANAGER, sheet_id=sheet_id, date=EXAM_DAY - dt.timedelta(days=2),
                                 starts="10:00", ends="11:00")
        db.session.rollback()
        st.save_consultation(db.session, MANAGER, sheet_id=sheet_id, date=EXAM_DAY - dt.timedelta(days=2),
                             starts="10:30", ends="11:30")


def test_bad_input_and_the_examiner_are_refused_in_russian(app, world, college):  # noqa: F811
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        teacher = exams.Access(person_id=world.org2_teacher, reach={(exams.SHEETS, 2): (world.org2_group,)})
        with pytest.raises(RuleError, match="Расписание сессии составляет учебная часть"):
            st.save_consultation(db.session, teacher, sheet_id=sheet_id, date=EXAM_DAY, starts="08:00", ends="09:00")
        with pytest.raises(RuleError, match="укажите время в виде ЧЧ:ММ"):
            st.set_exam_time(db.session, MANAGER, sheet_id=sheet_id, starts="9", ends="12:00")
        with pytest.raises(RuleError, match="Окончание \\(09:00\\) должно быть позже начала \\(12:00\\)"):
            st.set_exam_time(db.session, MANAGER, sheet_id=sheet_id, starts="12:00", ends="09:00")
        with pytest.raises(RuleError, match="Консультация — до экзамена"):
            st.save_consultation(db.session, MANAGER, sheet_id=sheet_id, date=EXAM_DAY + dt.timedelta(days=1),
                                 starts="10:00", ends="11:00")


def test_the_page_the_students_link_and_the_printed_timetable(app, client, login, world, college):  # noqa: F811
    with app.app_context(), acting_as(None):
        room, _other = _rooms(world)
        sheet_id = _sheet(world, college)
        st.set_exam_time(db.session, MANAGER, sheet_id=sheet_id, starts="09:00", ends="12:00", room_id=room)
        db.session.commit()
        sm = current_app.appbuilder.sm
        org = db.session.get(Organisation, world.org2)
        _user(sm, "student2", ["Обучающийся"], org, person=db.session.get(Learner, world.org2_child))
        _user(sm, "parent2", ["Родитель"], org, person=db.session.get(Guardian, world.org2_parent))
        _user(sm, "stranger2", ["Обучающийся"], org, person=db.session.get(Learner, world.org2_stranger))
    url = f"/college/session-timetable/?group={world.org2_group}&session={college['session']}"
    # The учебная часть adds a consultation through the page.
    login("manager2")
    page = client.get(url).get_data(as_text=True)
    assert 'id="consultation-form"' in page and "Расписание сессии" in page
    client.post("/college/session-timetable/consultation", data={
        "group": world.org2_group, "session": college["session"], "sheet": sheet_id,
        "date": (EXAM_DAY - dt.timedelta(days=1)).isoformat(), "starts": "10:00", "ends": "11:30", "room": room})
    page = client.get(url).get_data(as_text=True)
    assert "Консультация" in page and "10:00–11:30" in page and "Ауд. 101" in page
    # A second one at the same hours in the same room is refused with the reason.
    client.post("/college/session-timetable/consultation", data={
        "group": world.org2_group, "session": college["session"], "sheet": sheet_id,
        "date": (EXAM_DAY - dt.timedelta(days=1)).isoformat(), "starts": "11:00", "ends": "12:00", "room": room})
    page = client.get(url).get_data(as_text=True)
    assert "в это время занят" in page
    assert page.count('data-kind="consultation"') == 1
    # Printed through the report engine.
    body = client.get(f"/reports/college.session_timetable/?run=1&format=json&group={world.org2_group}"
                      f"&period={college['session']}").get_data(as_text=True)
    tables = json.loads(body)
    text = json.dumps(tables, ensure_ascii=False)
    assert "Расписание сессии группы 5А" in text and "Консультация" in text and "09:00–12:00" in text
    pdf = client.get(f"/reports/college.session_timetable/?run=1&format=pdf&group={world.org2_group}"
                     f"&period={college['session']}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    client.post("/logout/")
    # The student: a link on the home page, the page read-only, no journal menu entry.
    if not SESSION[0] - dt.timedelta(days=31) <= TODAY <= SESSION[1]:
        with app.app_context(), acting_as(None):
            from app.models import Period

            period = db.session.get(Period, college["session"])
            period.start, period.end = TODAY + dt.timedelta(days=5), TODAY + dt.timedelta(days=20)
            db.session.commit()
    for user in ("student2", "parent2"):
        login(user)
        home = client.get("/").get_data(as_text=True)
        assert "Расписание сессии: 5А" in home, home[-3000:]
        page = client.get(url).get_data(as_text=True)
        assert "Экзамен" in page and "Консультация" in page and "Учителева А. П." in page
        assert 'id="consultation-form"' not in page and 'id="exam-time-form"' not in page
        assert client.post("/college/session-timetable/consultation", data={
            "group": world.org2_group, "session": college["session"], "sheet": sheet_id,
            "date": EXAM_DAY.isoformat(), "starts": "07:00", "ends": "08:00"}).status_code in (302, 403)
        client.post("/logout/")
    with app.app_context(), acting_as(None):
        assert db.session.scalar(select(func.count()).select_from(Consultation)) == 1
    # Another group's student sees neither the link nor 5А's timetable.
    login("stranger2")
    assert "Расписание сессии: 5А" not in client.get("/").get_data(as_text=True)
    page = client.get(url).get_data(as_text=True)
    assert "Ауд. 101" not in page
