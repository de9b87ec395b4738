"""The form of attestation decides the final mark's scale (plugins/college, hook
``get_final_scale``): where the semester's plan says зачёт, the journal takes «зч» / «нз»
as the final mark; where it says экзамен, the five-point scale; «зч» is never a current mark."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FinalMark, Learner, Lesson, Period, TeachingAssignment
from app.scoping import acting_as
from plugins.college.curriculum_service import save_row
from tests.test_college_curriculum import college  # noqa: F401  (the fixture)
from tests.test_query_counts import assert_fixed_queries
from tests.world import YEAR_START

pytestmark = pytest.mark.dates


@pytest.fixture
def finals(app, world, college):  # noqa: F811
    """ТМ-25 (2nd course) with two students, the year's semesters and winter session,
    a lesson of Физическая культура today; the plan of semester 3: Физическая культура —
    зачёт, Математика — экзамен; semester 4: Физическая культура — экзамен."""
    y = YEAR_START.year
    with app.app_context(), acting_as(None):
        s = db.session
        host = app.extensions["ejournal"]
        first = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                       name="1 семестр", start=dt.date(y, 9, 1), end=dt.date(y, 12, 28), order=11)
        session_ = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="session",
                          name="Зимняя сессия", start=dt.date(y, 12, 29), end=dt.date(y + 1, 1, 20), order=12,
                          is_final=True)
        second = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                        name="2 семестр", start=dt.date(y + 1, 1, 21), end=dt.date(y + 1, 6, 10), order=13)
        students = [Learner(org_id=world.org2, last_name=last, first_name="Тест", group_id=college["group"])
                    for last in ("Арбузов", "Брусникина")]
        s.add_all([first, session_, second, *students])
        s.add(TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=world.org2_teacher,
                                 subject_id=college["sport"], group_id=college["group"], hours_per_week=2))
        lesson = Lesson(org_id=world.org2, group_id=college["group"], subject_id=college["sport"],
                        teacher_id=world.org2_teacher, date=clock.today(), number=1, topic="Лёгкая атлетика")
        s.add(lesson)
        s.flush()
        plan = {"specialty_id": college["specialty"], "kind": "discipline", "classroom_hours": 34}
        save_row(s, host, semester=3, subject_id=college["sport"], attestation="credit", **plan)
        save_row(s, host, semester=3, subject_id=college["maths"], attestation="exam", **plan)
        save_row(s, host, semester=4, subject_id=college["sport"], attestation="exam", **plan)
        s.commit()
        return {**college, "first": first.id, "session": session_.id, "second": second.id,
                "student": students[0].id, "student2": students[1].id, "lesson": lesson.id}


def _final(f, subject, value, period="first", learner="student"):
    return {"key": "f", "kind": "final", "group_id": f["group"], "subject_id": f[subject],
            "period_id": f[period], "learner_id": f[learner], "value": value, "version": None}


def _save(client, change):
    return client.post("/journal/save", json={"changes": [change]}).get_json()["results"][0]


def test_credit_takes_zch_as_the_final_mark_in_the_grid(app, client, login, finals):
    login("admin2")
    page = client.get(f"/journal/?group={finals['group']}&subject={finals['sport']}&period={finals['first']}")
    assert "Зачёт / незачёт" in page.get_data(as_text=True)
    saved = _save(client, _final(finals, "sport", "зч"))
    failed = _save(client, _final(finals, "sport", "нз", learner="student2"))
    assert saved["status"] == "saved" and saved["value"] == "зч"
    assert failed["status"] == "saved" and failed["value"] == "нз"
    with app.app_context(), acting_as(None):
        assert set(db.session.scalars(select(FinalMark.value).where(FinalMark.period_id == finals["first"]))) == \
            {"зч", "нз"}


def test_exam_refuses_zch_and_credit_refuses_five_and_na(app, client, login, finals):
    login("admin2")
    exam = _save(client, _final(finals, "maths", "зч"))
    five = _save(client, _final(finals, "sport", "5"))
    na = _save(client, _final(finals, "sport", "н/а"))
    assert exam["status"] == "error"
    assert exam["message"] == "Отметка «зч» не из шкалы «Пятибалльная» (5, 4, 3, 2)."
    assert five["status"] == "error" and five["message"] == "Отметка «5» не из шкалы «Зачёт / незачёт» (зч, нз)."
    assert na["status"] == "error" and na["message"] == "Итоговая отметка не может быть «н/а»."
    assert _save(client, _final(finals, "maths", "4"))["status"] == "saved"
    with app.app_context(), acting_as(None):
        assert list(db.session.scalars(select(FinalMark.value).where(FinalMark.period_id == finals["first"]))) == \
            ["4"]


def test_the_session_follows_its_semester_and_the_next_semester_its_own_form(client, login, finals):
    login("admin2")
    assert _save(client, _final(finals, "sport", "зч", period="session"))["status"] == "saved"
    refused = _save(client, _final(finals, "sport", "зч", period="second"))  # semester 4: экзамен
    assert refused["status"] == "error" and "«Пятибалльная»" in refused["message"]


def test_zch_is_never_a_current_mark(app, client, login, finals):
    login("admin2")
    result = _save(client, {"key": "m", "kind": "mark", "lesson_id": finals["lesson"], "learner_id": finals["student"],
                            "assignment_id": None, "value": "зч", "version": None})
    assert result["status"] == "error"
    assert result["message"] == "Отметка «зч» не из шкалы «Пятибалльная» (5, 4, 3, 2)."


def test_the_grid_of_a_credit_runs_a_fixed_number_of_queries(app, client, login, world, finals):
    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            s.add_all([Learner(org_id=world.org2, last_name=f"Студент{i}", first_name="Тест",
                               group_id=finals["group"]) for i in range(6)])
            s.add_all([Lesson(org_id=world.org2, group_id=finals["group"], subject_id=finals["sport"],
                              teacher_id=world.org2_teacher, date=dt.date(YEAR_START.year, 10, 1 + i), number=2,
                              topic=f"Тема {i}") for i in range(4)])
            s.commit()

    login("admin2")
    page = assert_fixed_queries(
        app, client, f"/journal/?group={finals['group']}&subject={finals['sport']}&period={finals['first']}", grow)
    assert "Студент5" in page.get_data(as_text=True)


def test_a_semesters_finals_are_on_time_until_the_end_of_its_session(app, world, finals):
    """R4 in a college: the exam sheets set the semester's final marks during the session
    after it, so they are late only after the session's last day; a school's quarter keeps
    its deadline of two days before the end."""
    from app.models import Organisation
    from app.services.journal import late_finals, save_finals

    y = YEAR_START.year
    with app.app_context(), acting_as(None):
        s = db.session
        host = app.extensions["ejournal"]
        college_org = s.get(Organisation, world.org2)
        first = s.get(Period, finals["first"])
        assert host.final_deadline(s, college_org, first) == dt.date(y + 1, 1, 20)
        during_session = dt.datetime(y + 1, 1, 15, 9, 0, tzinfo=dt.timezone.utc)
        (result,) = save_finals(s, host, [_final(finals, "maths", "4")], during_session)
        s.scalar(select(FinalMark).where(FinalMark.period_id == first.id)).created_at = during_session
        s.commit()
        assert (result.status, result.message) == ("saved", "")
        assert [row for row in late_finals(s, host) if row["period"] == "1 семестр"] == []
        school_period = s.scalar(select(Period).where(Period.org_id == world.org1, Period.is_final.is_(False))
                                 .order_by(Period.start))
        assert host.final_deadline(s, s.get(Organisation, world.org1), school_period) == \
            school_period.end - dt.timedelta(days=2)
