"""The college's examination session (plugins/college): exam sheets, retakes and
academic debts, as the учебная часть, an examiner and a curator of «Техникум № 2» use them."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.exceptions import RuleError
from app.extensions import db
from app.models import Account, AuditEntry, FinalMark, Learner, Organisation, Period, Staff
from app.scoping import acting_as
from plugins.college import exams
from plugins.college.exam_models import ExamResult, ExamRetake, ExamSheet
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY, _user

SEMESTER = (TODAY - dt.timedelta(days=150), TODAY - dt.timedelta(days=60))
SESSION = (TODAY - dt.timedelta(days=59), TODAY - dt.timedelta(days=40))
EXAM_DAY = TODAY - dt.timedelta(days=50)


def _host():
    return current_app.extensions["ejournal"]


@pytest.fixture
def college(app, world):
    """A semester and its session in the Техникум's year (before the world's day, so the
    exams are held and the default deadline, 30 days after the session, has passed),
    a Менеджер учебной части and the two teachers' accounts (each leads and teaches a group)."""
    with app.app_context(), acting_as(None):
        s = db.session
        semester = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                          name="1 семестр", start=SEMESTER[0], end=SEMESTER[1], order=10)
        session = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="session",
                         name="Зимняя сессия", start=SESSION[0], end=SESSION[1], order=11, is_final=True)
        s.add_all([semester, session])
        s.commit()
        sm = current_app.appbuilder.sm
        org = s.get(Organisation, world.org2)
        ids = {"semester": semester.id, "session": session.id}
        ids["manager"] = _user(sm, "manager2", ["Менеджер учебной части"], org).id
        ids["head"] = _user(sm, "head2", ["Заведующий учебной частью"], org).id
        ids["teacher"] = _user(sm, "teacher2", ["Учитель"], org, person=s.get(Staff, world.org2_teacher)).id
        ids["other"] = _user(sm, "otherteacher2", ["Учитель"], org, person=s.get(Staff, world.org2_other_teacher)).id
    return ids


def _sheet(world, college, group="org2_group", examiner="org2_teacher", kind="exam") -> int:
    sheet = exams.create_sheet(db.session, _host(), exams.SYSTEM_ACCESS, group_id=getattr(world, group),
                               subject_id=world.org2_subject, session_id=college["session"], kind=kind,
                               examiner_id=getattr(world, examiner), date=EXAM_DAY)
    return sheet.id


def _closed_sheet(world, college, results: dict) -> int:
    """A closed экзамен sheet of 5А with ``results`` (world key → choice)."""
    sheet_id = _sheet(world, college)
    exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id,
                     {getattr(world, k): v for k, v in results.items()})
    exams.close_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id)
    db.session.commit()
    return sheet_id


def _finals(world, college) -> dict[int, str]:
    return dict(db.session.execute(select(FinalMark.learner_id, FinalMark.value).where(
        FinalMark.subject_id == world.org2_subject, FinalMark.period_id == college["semester"])).all())


ALL = {"org2_child": "5", "org2_sibling": "2", "org2_learner3": exams.ABSENT_INVALID}


def test_filling_and_closing_an_exam_sheet_sets_the_semesters_finals(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, ALL)
        # Only a mark is a final one: «неявка» leaves none (never «н/а»).
        assert _finals(world, college) == {world.org2_child: "5", world.org2_sibling: "2"}
        sheet = db.session.get(ExamSheet, sheet_id)
        assert sheet.closed and sheet.period_id == college["semester"]
        audited = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.entity == "ExamResult"))
        assert audited == 3
        with pytest.raises(RuleError, match="Ведомость закрыта"):
            exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id, {world.org2_child: "4"})


def test_a_sheet_is_closed_only_with_every_students_result(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id, {world.org2_child: "4"})
        with pytest.raises(RuleError, match="нет результата у студентов: Петрова Мария, Сидоров Пётр"):
            exams.close_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id)


def test_a_mark_not_in_the_sheets_scale_is_refused_and_nothing_changes(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        db.session.commit()
        with pytest.raises(RuleError) as refused:
            exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id,
                             {world.org2_child: "5", world.org2_sibling: "зч"})
        db.session.rollback()
        message = str(refused.value)
        assert "Петрова Мария" in message and "«зч» не из шкалы «Пятибалльная»" in message
        assert not re.search(r"\bR\d+\b", message)
        assert db.session.scalar(select(func.count()).select_from(ExamResult)) == 0
        # A зачёт takes «зч» / «нз» and no five points.
        credit = _sheet(world, college, group="org2_other_group", examiner="org2_other_teacher", kind="credit")
        with pytest.raises(RuleError, match="«4» не из шкалы «Зачёт / незачёт»"):
            exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, credit, {world.org2_stranger: "4"})


def test_the_examiner_fills_his_sheet_in_one_form_and_a_wrong_mark_is_flashed(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        db.session.commit()
        version = db.session.get(ExamSheet, sheet_id).version
    login("teacher2")
    page = client.get(f"/college/session/sheet/{sheet_id}").get_data(as_text=True)
    assert page.count(">Сохранить<") == 1 and f'name="r_{world.org2_child}"' in page
    data = {f"r_{world.org2_child}": "5", f"r_{world.org2_sibling}": "7", "version": version}
    client.post(f"/college/session/sheet/{sheet_id}/save", data=data)
    page = client.get(f"/college/session/sheet/{sheet_id}").get_data(as_text=True)
    assert "«7» не из шкалы" in page
    with app.app_context(), acting_as(None):
        assert db.session.scalar(select(func.count()).select_from(ExamResult)) == 0
    data[f"r_{world.org2_sibling}"] = "4"
    client.post(f"/college/session/sheet/{sheet_id}/save", data=data)
    with app.app_context(), acting_as(None):
        saved = dict(db.session.execute(select(ExamResult.learner_id, ExamResult.value)).all())
        assert saved == {world.org2_child: "5", world.org2_sibling: "4"}
    # The examiner fills; closing is the учебная часть's.
    client.post(f"/college/session/sheet/{sheet_id}/close")
    with app.app_context(), acting_as(None):
        assert not db.session.get(ExamSheet, sheet_id).closed


def test_the_examiner_of_another_sheet_and_a_user_of_another_organisation_are_refused(app, client, login, world,
                                                                                      college):
    with app.app_context(), acting_as(None):
        sheet_id = _sheet(world, college)
        db.session.commit()
        other = exams.access_for(db.session, db.session.get(Account, college["other"]))
        with pytest.raises(RuleError, match="заполняет её экзаменатор или учебная часть"):
            exams.fill_sheet(db.session, _host(), other, sheet_id, {world.org2_child: "5"})
        db.session.rollback()
    for username in ("otherteacher2", "admin1", "admin3", "head2"):
        login(username)
        client.post(f"/college/session/sheet/{sheet_id}/save", data={f"r_{world.org2_child}": "5"})
        with app.app_context(), acting_as(None):
            assert db.session.scalar(select(func.count()).select_from(ExamResult)) == 0, username
    login("admin1")
    assert client.get(f"/college/session/sheet/{sheet_id}").status_code != 200


def test_a_retake_for_a_student_without_a_debt_is_refused(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, {**ALL, "org2_learner3": exams.ABSENT_VALID})
        for key in ("org2_child", "org2_learner3"):  # a «5», and «неявка» for a valid reason
            with pytest.raises(RuleError, match="нет академической задолженности"):
                exams.add_retake(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id=sheet_id,
                                 learner_id=getattr(world, key), date=TODAY, examiner_id=world.org2_teacher)
        assert db.session.scalar(select(func.count()).select_from(ExamRetake)) == 0


def test_a_passing_retake_keeps_the_first_result_and_replaces_the_final(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, ALL)
        retake = exams.add_retake(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id=sheet_id,
                                  learner_id=world.org2_sibling, date=TODAY - dt.timedelta(days=5),
                                  examiner_id=world.org2_teacher)
        db.session.commit()
        retake_id = retake.id
    login("teacher2")  # the retake's examiner enters its result
    client.post(f"/college/session/retakes/{retake_id}/save", data={"result": "4"})
    with app.app_context(), acting_as(None):
        assert _finals(world, college)[world.org2_sibling] == "4"
        first = db.session.scalar(select(ExamResult).where(ExamResult.learner_id == world.org2_sibling))
        assert (first.outcome, first.value) == ("mark", "2")
        assert db.session.get(ExamRetake, retake_id).closed
    page = client.get(f"/college/session/sheet/{sheet_id}").get_data(as_text=True)
    row = page[page.index(f'data-learner="{world.org2_sibling}"'):]
    row = row[:row.index("</tr>")]
    assert "2 (неудовлетворительно)" in row and "Пересдача 1" in row and "4 (хорошо)" in row


def test_a_third_retake_is_refused_and_the_second_needs_a_commission(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, ALL)
        access, host = exams.SYSTEM_ACCESS, _host()

        def retake(days_ago, commission=""):
            return exams.add_retake(db.session, host, access, sheet_id=sheet_id, learner_id=world.org2_sibling,
                                    date=TODAY - dt.timedelta(days=days_ago), examiner_id=world.org2_teacher,
                                    commission=commission)

        exams.fill_retake(db.session, host, access, retake(20).id, "2")
        with pytest.raises(RuleError, match="проводится комиссией"):
            retake(10)
        second = retake(10, "Учителева А. П., Другова В.")
        exams.fill_retake(db.session, host, access, second.id, exams.ABSENT_INVALID)
        with pytest.raises(RuleError, match="не больше 2"):
            retake(5, "Комиссия")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(ExamRetake)) == 2
        assert _finals(world, college)[world.org2_sibling] == "2"
        [debt] = [d for d in exams.debts(db.session, host) if d.learner_id == world.org2_sibling]
        assert (debt.retakes_used, debt.retakes_left) == (2, 0)


def test_the_debts_and_the_students_after_the_deadline(app, world, college):
    with app.app_context(), acting_as(None):
        _closed_sheet(world, college, ALL)
        host = _host()
        found = exams.debts(db.session, host, group_ids=[world.org2_group])
        assert {d.learner_id for d in found} == {world.org2_sibling, world.org2_learner3}
        # The default: 30 days after the session's end, which is 40 days before today.
        assert all(d.deadline == SESSION[1] + dt.timedelta(days=30) and d.overdue for d in found)
        assert {d.learner_id for d in exams.debts(db.session, host, overdue_only=True)} == \
            {world.org2_sibling, world.org2_learner3}
        # The учебная часть gives the session more time: still debts, none overdue.
        exams.set_deadline(db.session, exams.SYSTEM_ACCESS, college["session"], TODAY + dt.timedelta(days=10))
        db.session.commit()
        assert len(exams.debts(db.session, host)) == 2
        assert exams.debts(db.session, host, overdue_only=True) == []


def test_the_overdue_list_is_the_uchebnaya_chasts_and_the_reports_print(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        _closed_sheet(world, college, ALL)
    login("head2")
    page = client.get("/college/debts/overdue").get_data(as_text=True)
    assert "Петрова Мария" in page and "Сидоров Пётр" in page and "Иванов Иван" not in page
    url = (f"/reports/college.exam_sheet/?run=1&group={world.org2_group}&period={college['session']}"
           f"&subject={world.org2_subject}")
    page = client.get(url).get_data(as_text=True)
    assert "Экзаменатор" in page and "Учителева А. П." in page and "неявка (неуважительная причина)" in page
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
        response = client.get(url + f"&format={fmt}")
        assert response.status_code == 200 and kind in response.content_type, fmt
    body = client.get(f"/reports/college.debts/?run=1&format=json&group={world.org2_group}"
                      f"&period={college['session']}").get_data(as_text=True)
    assert "Петрова Мария" in body and "Иванов Иван" not in body, body[:500]
    body = client.get("/reports/college.debts_overdue/?run=1&format=json").get_data(as_text=True)
    assert "Сидоров Пётр" in json.dumps(json.loads(body), ensure_ascii=False)
    login("teacher2")  # a curator: his group's debts, not the organisation's overdue list
    assert client.get("/college/debts/overdue").status_code != 200


def test_the_curator_sees_his_groups_debts_and_not_another_groups(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        _closed_sheet(world, college, ALL)
        other = _sheet(world, college, group="org2_other_group", examiner="org2_other_teacher")
        exams.fill_sheet(db.session, _host(), exams.SYSTEM_ACCESS, other, {world.org2_stranger: "2"})
        exams.close_sheet(db.session, _host(), exams.SYSTEM_ACCESS, other)
        db.session.commit()
    login("teacher2")  # the curator of 5А (he leads it)
    page = client.get(f"/college/debts/?group={world.org2_group}&session={college['session']}").get_data(as_text=True)
    assert "Петрова Мария" in page and "Результаты аттестации группы" in page and "5 (отлично)" in page
    assert "Чужой Олег" not in page and "6Б" not in page
    page = client.get(f"/college/debts/?group={world.org2_other_group}&session={college['session']}")
    assert "Чужой Олег" not in page.get_data(as_text=True)
    # Read-only: no deadline form, and a posted one is refused.
    assert 'id="debt-deadline"' not in page.get_data(as_text=True)
    client.post("/college/debts/deadline", data={"session": college["session"], "deadline": TODAY.isoformat()})
    with app.app_context(), acting_as(None):
        from plugins.college.exam_models import DebtDeadline

        assert db.session.scalar(select(func.count()).select_from(DebtDeadline)) == 0


def test_reopening_is_the_uchebnaya_chasts_and_is_audited(app, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, ALL)
        teacher = exams.access_for(db.session, db.session.get(Account, college["teacher"]))
        with pytest.raises(RuleError, match="учебная часть"):
            exams.reopen_sheet(db.session, teacher, sheet_id, "ошибка в отметке")
        with pytest.raises(RuleError, match="почему"):
            exams.reopen_sheet(db.session, exams.SYSTEM_ACCESS, sheet_id, " ")
        exams.reopen_sheet(db.session, exams.SYSTEM_ACCESS, sheet_id, "ошибка в отметке")
        db.session.commit()
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "ExamSheet",
                                                            AuditEntry.action == "update")
                                   .order_by(AuditEntry.id.desc())).first()
        assert entry.new.get("closed") is False and entry.new.get("reopen_reason") == "ошибка в отметке"


def test_the_sheet_page_runs_a_fixed_number_of_queries(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        sheet_id = _closed_sheet(world, college, ALL)
        exams.add_retake(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id=sheet_id, learner_id=world.org2_sibling,
                         date=TODAY, examiner_id=world.org2_other_teacher)
        db.session.commit()

    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            for i in range(12):
                learner = Learner(org_id=world.org2, last_name=f"Студент{i}", first_name="Тест",
                                  group_id=world.org2_group)
                s.add(learner)
                s.flush()
                s.add(ExamResult(org_id=world.org2, sheet_id=sheet_id, learner_id=learner.id, outcome="mark",
                                 value="2"))
                s.add(ExamRetake(org_id=world.org2, sheet_id=sheet_id, learner_id=learner.id, number=1,
                                 date=TODAY, examiner_id=world.org2_teacher, closed=True, outcome="mark",
                                 value="3"))
            s.commit()

    login("manager2")
    page = assert_fixed_queries(app, client, f"/college/session/sheet/{sheet_id}", grow)
    assert "Студент11" in page.get_data(as_text=True)
