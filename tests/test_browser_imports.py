"""«Загрузка из файлов» in Debian's chromium: the Администратор picks a file of learners,
sees the preview (nothing written yet), confirms, and finds the learners imported;
a file with an error shows it with its row and column and offers no «Загрузить»."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Learner
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401
from tests.test_imports import GOOD, csv_bytes, row


def _learners(app, org_id) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Learner).where(Learner.org_id == org_id))


def test_preview_then_confirm_in_the_browser(app, world, server, page, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    good = tmp_path / "ученики.csv"
    good.write_bytes(csv_bytes(GOOD))
    before = _learners(app, world.org1)
    sign_in(page, server, "admin1")
    page.goto(f"{server}/imports/")
    page.set_input_files("#import-file-learners", str(good))
    page.click("form:has(#import-file-learners) button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "import_preview.png"), full_page=True)
    text = page.inner_text("body")
    assert ("Ошибок нет. Будет: обучающихся новых 3" in text, _learners(app, world.org1)) == (True, before)

    page.click("button:has-text('Загрузить')")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "import_done.png"), full_page=True)
    assert ("Загружено: обучающихся новых 3" in page.inner_text("body"), _learners(app, world.org1)) == (
        True, before + 3)


def test_an_error_is_shown_with_its_row_and_nothing_can_be_confirmed(app, world, server, page,  # noqa: F811
                                                                   tmp_path):
    bad = tmp_path / "ученики.csv"
    bad.write_bytes(csv_bytes([row("Орлов", "Павел", "", "31.02.2015")]))
    sign_in(page, server, "admin1")
    page.goto(f"{server}/imports/")
    page.set_input_files("#import-file-learners", str(bad))
    page.click("form:has(#import-file-learners) button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    assert ("строка 2, «Дата рождения»: 31.02.2015 — такой даты нет" in text,
            page.locator("button:has-text('Загрузить')").count()) == (True, 0)
