"""The administrator sets a role's rights in Chromium at 1280 × 800: one role at a
time, sections grouped as in the menu, the header in view while scrolling, the
change saved and marked against the default."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import OrgRolePermission
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and marks)


def test_administrator_gives_the_deputy_a_right(app, server, page):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, server, "admin1")
    page.goto(f"{server}/rights/")
    page.click("a.list-group-item:has-text('Завуч')")
    page.wait_for_selector("h3:has-text('Завуч')")
    page.screenshot(path=str(ARTIFACTS / "rights_deputy.png"))
    # Every level reads in full, and the header stays in view as the list scrolls.
    labels = page.locator("td.level label").all_inner_texts()
    assert {t.strip() for t in labels} == {"нет", "чтение", "изменение"}
    page.mouse.wheel(0, 1500)
    page.wait_for_timeout(200)
    header = page.locator(".rights-table thead th").first.bounding_box()
    assert 0 <= header["y"] <= 120
    row = page.locator("tr", has=page.locator("td.name", has_text="Учётные записи"))
    row.locator("input[value=read]").check()
    page.click("button:has-text('Сохранить права роли')")
    page.wait_for_selector("text=Права ролей сохранены, изменений: 1")
    page.screenshot(path=str(ARTIFACTS / "rights_saved.png"))
    assert "changed" in page.locator("tr", has=page.locator("td.name", has_text="Учётные записи")).get_attribute("class")
    with app.app_context():
        rows = db.session.execute(select(OrgRolePermission.resource, OrgRolePermission.level)).all()
    assert rows == [("Users", "read")]
