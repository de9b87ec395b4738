"""Browser check in Debian's chromium: the Завуч opens the timetable of a class and
of a teacher, sees the lessons, tries to put the same teacher at the same time into
another class and is refused in Russian. Screenshots go to artifacts/."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models.timetable import TimetableEntry
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and marks)
from tests.test_russian_ui import ENGLISH_RE
from tests.test_school_timetable import MONDAY, _setup


def test_deputy_views_timetables_and_a_conflicting_edit_is_refused(app, world, server, page):  # noqa: F811
    _setup(app, world)
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "deputy1")

    # Through the menu «Расписание» → «Расписание уроков».
    page.goto(f"{server}/")
    page.click("text=Расписание >> nth=0")
    page.click("text=Расписание уроков")
    page.wait_for_load_state("networkidle")
    assert "/timetable/" in page.url

    page.goto(f"{server}/timetable/?group={world.org1_group}&date={MONDAY}")
    page.wait_for_selector("#timetable-grid")
    page.screenshot(path=str(ARTIFACTS / "timetable_class.png"), full_page=True)
    grid = page.inner_text("#timetable-grid")
    for word in ("Понедельник", "Вторник", "Математика", "Учителева А. П.", "Кабинет 12"):
        assert word in grid, word
    text = page.inner_text("body")
    assert "Расписание: класс 5А" in text
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)

    page.select_option("#tt-teacher", str(world.org1_teacher))
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("#timetable-grid")
    page.screenshot(path=str(ARTIFACTS / "timetable_teacher.png"), full_page=True)
    assert "Расписание учителя Учителева А. П." in page.inner_text("body")
    assert "5А" in page.inner_text("#timetable-grid")

    # 6Б, Tuesday, 3rd lesson, with the teacher who is in 5А then.
    page.goto(f"{server}/timetable/?group={world.org1_other_group}&date={MONDAY}")
    page.wait_for_selector("#entry-form")
    page.select_option("#e-weekday", "1")
    page.fill("#e-number", "3")
    page.select_option("#e-teacher", str(world.org1_teacher))
    page.click("#save-entry")
    page.wait_for_load_state("networkidle")
    message = "Учитель Учителева А. П. уже ведёт урок в 5А во вторник, 3-й урок"
    page.wait_for_selector(f"text={message}")
    page.screenshot(path=str(ARTIFACTS / "timetable_conflict.png"), full_page=True)
    assert message in page.inner_text("body")
    # The refused line comes back filled in, to be corrected.
    assert page.input_value("#e-teacher") == str(world.org1_teacher) and page.input_value("#e-number") == "3"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(TimetableEntry)) == 3
