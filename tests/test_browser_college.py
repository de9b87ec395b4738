"""In Debian's chromium, a college: the Куратор issues logins for his group and gets the slips
(which name him «куратор»); an examiner fills his exam sheet, the Менеджер учебной части
closes it and prints it."""
from __future__ import annotations

import datetime as dt
import io

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.models import Account, Organisation, Period, Staff
from app.scoping import acting_as
from plugins.college import exams
from plugins.college.exam_models import ExamResult, ExamSheet
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and markers)
from tests.test_issue_logins import give_consent
from tests.test_russian_ui import ENGLISH_RE
from tests.world import TODAY, _user


def _pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_curator_issues_logins_for_his_group_and_the_slip_names_him_curator(app, world, server, page):  # noqa: F811
    with app.app_context(), acting_as(None):
        org = db.session.get(Organisation, world.org2)
        _user(current_app.appbuilder.sm, "curator2", ["Учитель", "Куратор"], org,
              person=db.session.get(Staff, world.org2_teacher))  # leads 5А of the Техникум
    for learner in (world.org2_sibling, world.org2_learner3):
        give_consent(app, learner)
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "curator2")
    page.click("text=Люди")
    page.click("text=Выдача логинов")
    page.wait_for_selector("#issue-people")
    assert page.locator("#il-group option").all_inner_texts() == ["5А"]  # his own group only
    page.check("input[aria-label='Петрова Мария']")
    page.check("input[aria-label='Сидоров Пётр']")
    text = page.inner_text("body")
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
    page.screenshot(path=str(ARTIFACTS / "college_issue_logins.png"), full_page=True)
    with page.expect_download() as info:
        page.click("#issue-button")
    path = ARTIFACTS / "college_slips.pdf"
    info.value.save_as(str(path))
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    slips = _pdf_text(pdf)
    assert "Петрова Мария" in slips and "Сидоров Пётр" in slips
    assert "куратор" in slips.lower() and "классн" not in slips.lower(), slips
    with app.app_context():
        assert db.session.scalar(select(Account.username).where(Account.person_id == world.org2_sibling))


def test_examiner_fills_the_sheet_the_manager_closes_and_prints_it(app, world, server, page):  # noqa: F811
    exam_day = TODAY - dt.timedelta(days=50)
    with app.app_context(), acting_as(None):
        s = db.session
        semester = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                          name="1 семестр", start=TODAY - dt.timedelta(days=150), end=TODAY - dt.timedelta(days=60),
                          order=10)
        session = Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="session",
                         name="Зимняя сессия", start=TODAY - dt.timedelta(days=59), end=TODAY - dt.timedelta(days=40),
                         order=11, is_final=True)
        s.add_all([semester, session])
        s.flush()
        sheet = exams.create_sheet(s, current_app.extensions["ejournal"], exams.SYSTEM_ACCESS,
                                   group_id=world.org2_group, subject_id=world.org2_subject, session_id=session.id,
                                   kind="exam", examiner_id=world.org2_teacher, date=exam_day)
        s.commit()
        sheet_id, session_id = sheet.id, session.id
        org = s.get(Organisation, world.org2)
        sm = current_app.appbuilder.sm
        _user(sm, "examiner2", ["Учитель"], org, person=s.get(Staff, world.org2_teacher))
        _user(sm, "manager2", ["Менеджер учебной части"], org)
    ARTIFACTS.mkdir(exist_ok=True)
    # The examiner: one mark per student from the list, one «Сохранить».
    sign_in(page, server, "examiner2")
    page.goto(f"{server}/college/session/sheet/{sheet_id}")
    page.wait_for_selector("#exam-sheet-form")
    marks = {"Иванов Иван": "5", "Петрова Мария": "4", "Сидоров Пётр": "3"}
    for name, mark in marks.items():
        page.select_option(f"select[aria-label='Результат: {name}']", mark)
    page.click("#exam-sheet-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Ведомость сохранена" in page.inner_text("body")
    for name, mark in marks.items():
        assert page.locator(f"select[aria-label='Результат: {name}']").input_value() == mark
    shot = "/tmp/college_exam_sheet_filled.png"
    page.screenshot(path=shot, full_page=True)
    page.screenshot(path=str(ARTIFACTS / "college_exam_sheet_filled.png"), full_page=True)
    text = page.inner_text("body")
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
    assert page.locator("text=Закрыть ведомость").count() == 0  # closing is the учебная часть's
    page.goto(f"{server}/logout/")
    page.click("#logout-confirm button")  # «Выход» is a POST
    # The Менеджер учебной части closes it.
    sign_in(page, server, "manager2")
    page.goto(f"{server}/college/session/sheet/{sheet_id}")
    page.click("text=Закрыть ведомость и выставить итоговые отметки")
    page.wait_for_load_state("networkidle")
    assert "Ведомость закрыта" in page.inner_text("body")
    with app.app_context(), acting_as(None):
        assert db.session.get(ExamSheet, sheet_id).closed
        assert {r.value for r in db.session.scalars(select(ExamResult))} == {"5", "4", "3"}
    # And prints it: the report of the sheet, downloaded as PDF.
    page.click("text=Печатная форма")
    page.wait_for_load_state("networkidle")
    assert "Экзаменационная ведомость" in page.inner_text("body")
    with page.expect_download() as info:
        page.click("text=PDF")
    path = ARTIFACTS / "college_exam_sheet.pdf"
    info.value.save_as(str(path))
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF")
    text = _pdf_text(pdf)
    for name in marks:
        assert name in text, text
    assert "закрыта" in text
    # The session timetable of the group prints too.
    page.goto(f"{server}/college/session-timetable/?group={world.org2_group}&session={session_id}")
    assert "Расписание сессии" in page.inner_text("body") and "Экзамен" in page.inner_text("#session-timetable")
