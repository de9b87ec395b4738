"""The nurse's card page in Debian's chromium: list, card, form, save; Russian
throughout. Screenshots go to artifacts/."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models.cards import MedicalCard
from tests.test_browser import ARTIFACTS, page, pytestmark, server, sign_in  # noqa: F401  (fixtures)
from tests.test_russian_ui import ENGLISH_RE
from tests.test_school_cards import MED_SECRET, cards  # noqa: F401  (fixture)


def test_nurse_opens_and_edits_a_medical_card(app, world, cards, server, page):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    sign_in(page, server, "nurse1")
    page.goto(f"{server}/medcards/")
    page.fill("#cards-q", "иванов")
    page.click("#cards-search button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    assert "Иванов Иван" in text and "Петрова" not in text and "Миопия" in text
    assert not ENGLISH_RE.findall(text)
    page.screenshot(path=str(ARTIFACTS / "cards_list.png"), full_page=True)

    page.click("#cards-list a:has-text('Иванов Иван')")
    page.wait_for_load_state("networkidle")
    assert MED_SECRET in page.inner_text("#card")
    page.click("a:has-text('Изменить')")
    page.wait_for_load_state("networkidle")
    page.select_option("#health_group", "III")
    page.select_option("#pe_group", "special_a")
    page.screenshot(path=str(ARTIFACTS / "cards_form.png"), full_page=True)
    page.click("#card-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("body")
    assert "Карта сохранена" in text and "специальная «А»" in text
    assert not ENGLISH_RE.findall(text)
    page.screenshot(path=str(ARTIFACTS / "cards_card.png"), full_page=True)
    with app.app_context():
        card = db.session.scalar(select(MedicalCard).where(MedicalCard.learner_id == world.org1_child))
        assert (card.health_group, card.pe_group) == ("III", "special_a")
