"""R1 unlocks (a teacher asks, the Завуч decides with a reason) and R15 substitutions."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditEntry, EditUnlock, Lesson, Substitution
from tests.world import TODAY, current_quarter

pytestmark = pytest.mark.dates

_number, QUARTER, QUARTER_START, QUARTER_END = current_quarter()


def _a_month_later():
    """A lesson of the quarter and a time 30 days after it, well past the edit window: the
    lesson is 30 days before TODAY, or on the quarter's first day when that is later."""
    day = max(TODAY - dt.timedelta(days=30), QUARTER_START)
    return day, dt.datetime.combine(day + dt.timedelta(days=30), dt.time(10))


def _lesson(app, world, day):
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, date=day, number=2, topic="Тема")
        db.session.add(lesson)
        db.session.commit()
        return lesson.id, lesson.date


def _save_mark(client, world, lesson):
    return client.post("/journal/save", json={"changes": [{"key": "k", "kind": "mark", "lesson_id": lesson,
        "learner_id": world.org1_sibling, "value": "4", "version": None}]}).get_json()["results"][0]


def test_teacher_asks_deputy_grants_and_the_old_lesson_opens(app, client, login, world):
    day, later = _a_month_later()
    lesson, _day = _lesson(app, world, day)
    with clock.pinned(later):
        login("teacher1")
        assert _save_mark(client, world, lesson)["message"].startswith("Срок исправления истёк")
        pair = f"{world.org1_group}:{world.org1_subject}"
        no_reason = client.post("/unlock-requests/", data={"pair": pair, "date_from": day.isoformat(),
                                                            "date_to": day.isoformat(), "reason": ""}, follow_redirects=True)
        assert "Укажите причину" in no_reason.get_data(as_text=True)
        client.post("/unlock-requests/", data={"pair": pair, "date_from": day.isoformat(), "date_to": day.isoformat(),
                                               "reason": "Ученица сдала работу после болезни"})
        assert client.get("/unlocks/").status_code == 403  # a teacher does not decide
        with app.app_context():
            unlock = db.session.scalar(select(EditUnlock))
            assert unlock.status == "requested" and unlock.requested_by == world.user_teacher1
        login("deputy1")
        page = client.get("/unlocks/").get_data(as_text=True)
        assert "Ученица сдала работу после болезни" in page
        refused = client.post(f"/unlocks/{unlock.id}/decide", data={"decision": "grant", "reason": ""}, follow_redirects=True)
        assert "с указанием причины" in refused.get_data(as_text=True)
        client.post(f"/unlocks/{unlock.id}/decide", data={"decision": "grant", "reason": "Справка от врача"})
        with app.app_context():
            entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "EditUnlock", AuditEntry.action == "update"))
            assert entry.username == "deputy1" and entry.new["status"] == "granted"
        login("teacher1")
        assert _save_mark(client, world, lesson)["status"] == "saved"


def test_refused_unlock_keeps_the_lesson_closed(app, client, login, world):
    day, later = _a_month_later()
    lesson, _day = _lesson(app, world, day)
    with clock.pinned(later):
        with app.app_context():
            db.session.add(EditUnlock(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                                      date_from=day, date_to=day, reason="Хочу", status="requested"))
            db.session.commit()
            unlock_id = db.session.scalar(select(EditUnlock.id))
        login("deputy1")
        client.post(f"/unlocks/{unlock_id}/decide", data={"decision": "refuse", "reason": "Нет оснований"})
        login("teacher1")
        assert _save_mark(client, world, lesson)["message"].startswith("Срок исправления истёк")


def test_substitute_fills_the_lesson_and_the_log_records_it(app, client, login, world):
    lesson, _day = _lesson(app, world, TODAY)
    login("otherteacher1")
    assert _save_mark(client, world, lesson)["status"] == "error"  # not his lesson yet
    login("teacher1")
    assert client.post(f"/unlocks/substitute/{lesson}", data={"substitute": world.org1_other_teacher,
                                                               "reason": "Болезнь"}).status_code == 403
    login("deputy1")
    client.post(f"/unlocks/substitute/{lesson}", data={"substitute": world.org1_other_teacher, "reason": "Болезнь"})
    with app.app_context():
        entry = db.session.scalar(select(Substitution))
        assert (entry.lesson_id, entry.absent_teacher_id, entry.substitute_id, entry.reason) == \
            (lesson, world.org1_teacher, world.org1_other_teacher, "Болезнь")
        assert db.session.get(Lesson, lesson).substitute_id == world.org1_other_teacher
    assert "Болезнь" in client.get("/unlocks/").get_data(as_text=True)
    login("otherteacher1")
    page = client.get("/journal/").get_data(as_text=True)
    assert "5А — Математика" in page
    assert _save_mark(client, world, lesson)["status"] == "saved"


def test_deputy_sees_final_marks_set_after_the_deadline(app, client, login, world):
    from app.models import FinalMark

    with app.app_context():
        db.session.get(FinalMark, world.org1_final).created_at = dt.datetime.combine(
            QUARTER_END - dt.timedelta(days=10), dt.time(12))
        db.session.commit()
    login("teacher1")
    with clock.pinned(dt.datetime.combine(QUARTER_END + dt.timedelta(days=1), dt.time(10))):  # the quarter is over
        client.post("/journal/save", json={"changes": [{"key": "f", "kind": "final", "group_id": world.org1_group,
            "subject_id": world.org1_subject, "period_id": world.org1_period, "learner_id": world.org1_sibling,
            "value": "4", "version": None}]})
    login("deputy1")
    page = " ".join(client.get("/unlocks/").get_data(as_text=True).split())
    assert "Итоговые отметки после срока" in page
    assert f"Петрова Мария</td><td>5А</td><td>Математика</td><td>{QUARTER}</td><td>4</td>" in page
    assert "Иванов Иван</td><td>5А" not in page  # the world's final mark was set in time
