"""In a real browser with CSRF on: the page's script sends the token with an API write
(``<meta name="csrf-token">`` read by app/static/ejournal.js), and «Выход» in the user's
menu is a form that ends the session."""
from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import Mark
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and markers)


def _marks(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Mark))


def test_page_fetch_sends_the_token_and_logout_is_a_form(app, world, server, page):  # noqa: F811
    app.config["WTF_CSRF_ENABLED"] = True
    sign_in(page, server, "teacher1")
    assert "/login/" not in page.url
    before = _marks(app)
    body = {"assignment": world.org1_assignment, "learner": world.org1_learner3, "value": "4"}
    status = page.evaluate("""async (body) => {
        const r = await fetch('/api/v1/marks/', {method: 'POST', credentials: 'same-origin',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify(body)});
        return r.status; }""", body)
    assert status == 201
    assert _marks(app) == before + 1
    page.click("a.dropdown-toggle:has(.fa-user)")
    page.screenshot(path=str(ARTIFACTS / "logout-menu.png"))
    page.click("#logout-form button")
    page.wait_for_load_state("networkidle")
    page.goto(f"{server}/journal/")
    assert "/login/" in page.url
