"""In Debian's chromium: the class teacher opens «Выдача логинов» from the menu,
issues logins for his class and downloads the slips PDF; a learner then logs in
with the one-time password from the slip and is made to change it."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models import Account
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures and markers)
from tests.test_issue_logins import give_consent
from tests.test_russian_ui import ENGLISH_RE


def _slip_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)


def test_class_teacher_issues_logins_and_a_learner_changes_the_password(app, world, server, page):  # noqa: F811
    for learner in (world.org1_sibling, world.org1_learner3):
        give_consent(app, learner)
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "teacher1")
    page.click("text=Люди")
    page.click("text=Согласия на обработку ПД")
    page.wait_for_selector("#consents")
    page.screenshot(path=str(ARTIFACTS / "consents.png"), full_page=True)
    text = page.inner_text("body")
    assert "Чужой" not in text and not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
    page.click("text=Люди")
    page.click("text=Выдача логинов")
    page.wait_for_selector("#issue-people")
    options = page.locator("#il-group option").all_inner_texts()
    assert options == ["5А"]  # his own class only, not 6Б
    # Without consent the box is closed and the reason is shown.
    assert page.locator("input[aria-label='Иванов Иван']").is_disabled()
    assert "нет действующего согласия законного представителя" in page.inner_text("#issue-people")
    page.check("input[aria-label='Петрова Мария']")
    page.check("input[aria-label='Сидоров Пётр']")
    page.screenshot(path=str(ARTIFACTS / "issue_logins.png"), full_page=True)
    text = page.inner_text("body")
    assert not ENGLISH_RE.findall(text), ENGLISH_RE.findall(text)
    with page.expect_download() as info:
        page.click("#issue-button")
    download = info.value
    path = ARTIFACTS / "slips.pdf"
    download.save_as(str(path))
    pdf = path.read_bytes()
    assert pdf.startswith(b"%PDF") and b"DejaVuSans" in pdf  # Cyrillic font embedded
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.person_id == world.org1_sibling))
        login = account.username
        assert account.must_change_password and login == "petrova.m"
    # The slip as printed: login and password next to each other.
    text = _slip_text(pdf)
    match = re.search(rf"{re.escape(login)}\s*Пароль:\s*([A-Za-z2-9]{{10}})", text)
    assert match, text
    password = match.group(1)

    page.goto(f"{server}/logout/")
    page.click("#logout-confirm button")  # «Выход» is a POST
    sign_in(page, server, login, password)
    assert "/password/change" in page.url
    assert "одноразовым паролем" in page.inner_text("body")
    page.goto(f"{server}/diary/")
    assert "/password/change" in page.url  # no page opens before the change
    page.fill("#p-old", password)
    page.fill("#p-new", "Весна2027сад")
    page.fill("#p-confirm", "Весна2027сад")
    page.screenshot(path=str(ARTIFACTS / "change_password.png"), full_page=True)
    page.click("#change-password button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "/password/change" not in page.url and "Пароль изменён" in page.inner_text("body")
    page.screenshot(path=str(ARTIFACTS / "after_change.png"), full_page=True)
    with app.app_context():
        assert not db.session.scalar(select(Account.must_change_password).where(Account.username == login))
