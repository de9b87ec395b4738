"""Browser check in Debian's chromium: log in through the real form as admin1, open
the learners list; the page a person sees is Russian. Screenshots go to artifacts/."""
from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from tests.test_russian_ui import ENGLISH_RE
from tests.world import PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is missing (apt-get install chromium)"),
]


@pytest.fixture
def server(app):
    from werkzeug.serving import make_server

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


def sign_in(page, server: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait for the page the login leads to."""
    page.goto(f"{server}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        # Whatever a test does, no script or handler on the way may be one the policy refuses.
        refused = []
        page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
        yield page
        browser.close()
        assert refused == []


def test_admin_sees_russian_learners_list(server, page):
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(f"{server}/login/")
    page.screenshot(path=str(ARTIFACTS / "login.png"), full_page=True)
    login_text = page.inner_text("body")
    assert "Вход" in login_text
    assert not ENGLISH_RE.findall(login_text)

    page.fill("input[name=username]", "admin1")
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit], button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/login" not in page.url

    page.goto(f"{server}/learnerview/list/")
    page.wait_for_load_state("networkidle")
    page.click("text=Тестов A.")  # the user menu holds «Выход»
    page.wait_for_selector("text=Выход", state="visible")
    page.screenshot(path=str(ARTIFACTS / "learners.png"), full_page=True)
    text = page.inner_text("body")
    for word in ("Обучающиеся", "Выход", "Иванов", "Количество записей"):
        assert word in text, word
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)

    page.goto(f"{server}/learnerview/add")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(ARTIFACTS / "learner_add.png"), full_page=True)
    text = page.inner_text("body")
    assert "Обучающиеся: новая запись" in text
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
