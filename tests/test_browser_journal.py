"""In Debian's chromium: a teacher types a mark and an absence into the grid by
keyboard and saves; the cells turn saved, the database has them, and the
parent sees the mark in the child's diary. The cells are built by app/static/journal_grid.js
from the data the page sends."""
from __future__ import annotations


from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Assignment, Attendance, AttendanceCode, Lesson, Mark
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and markers)


def test_teacher_fills_the_grid_by_keyboard(app, world, server, page):  # noqa: F811
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_teacher, date=clock.today(), number=5, topic="Деление дробей")
        db.session.add(lesson)
        db.session.commit()
        lesson_id = lesson.id
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "teacher1")
    page.goto(f"{server}/journal/?group={world.org1_group}&subject={world.org1_subject}")
    page.wait_for_selector("#journal-grid")
    # The page sent the cells as data; the script built an input per cell, labelled for a
    # screen reader with the learner and the work, and filled with what the database holds.
    day = clock.today().strftime("%d.%m.%Y")
    world_cell = page.locator(f'input[data-lesson="{world.org1_lesson}"][data-r="2"]')
    assert (world_cell.get_attribute("aria-label"), world_cell.input_value()) == (
        f"Сидоров Пётр, {day}, Ответ на уроке", "ОТ")
    assert page.locator("#journal-grid tbody input").count() == 3 * 2 + 3  # two lessons and the final marks
    page.screenshot(path=str(ARTIFACTS / "grid.png"), full_page=True)

    first = page.locator(f'input[data-lesson="{lesson_id}"][data-r="0"]')  # Иванов Иван, parent1's son
    assert first.get_attribute("aria-label") == f"Иванов Иван, {day}"  # a lesson without works yet
    first.click()
    page.keyboard.type("4")
    page.keyboard.press("ArrowDown")  # Петрова Мария
    page.keyboard.type("ОТ")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+s")
    page.wait_for_selector("text=Сохранено: 2.")
    assert "saved" in first.evaluate("el => el.parentNode.className")
    page.screenshot(path=str(ARTIFACTS / "journal_grid.png"), full_page=True)

    # a bad value is shown as refused, with the rule in the cell's tooltip
    bad = page.locator(f'input[data-lesson="{lesson_id}"][data-r="2"]')
    bad.click()
    page.keyboard.type("9")
    page.click("#journal-save")
    page.wait_for_selector("text=Не сохранено: 1")
    assert bad.evaluate("el => el.parentNode.title").startswith("Отметка «9» не из шкалы")

    with app.app_context():
        marks = db.session.execute(select(Mark.learner_id, Mark.value).join(Assignment)
                                   .where(Assignment.lesson_id == lesson_id)).all()
        absences = db.session.execute(select(Attendance.learner_id, AttendanceCode.code).join(AttendanceCode)
                                      .where(Attendance.lesson_id == lesson_id)).all()
    assert marks == [(world.org1_child, "4")]
    assert absences == [(world.org1_sibling, "ОТ")]

    page.goto(f"{server}/logout/")
    page.click("#logout-confirm button")  # «Выход» is a POST
    sign_in(page, server, "parent1")
    page.goto(f"{server}/diary/")
    row = page.locator("tr", has_text="Деление дробей")
    assert row.locator(".diary-mark").inner_text() == "4"
    assert "Петрова" not in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "diary_week.png"), full_page=True)
