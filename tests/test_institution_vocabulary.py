"""Where institutions differ, the core's pages speak each one's language: the
college's lesson is a «пара», the school's a «урок» (declared on the group kind)."""
from __future__ import annotations


def test_a_college_lesson_is_a_pair(client, login, world):
    login("admin2")
    page = client.get(f"/lesson/{world.org2_lesson}").get_data(as_text=True)
    assert "<h2>Пара:" in page and "пара №" in page


def test_a_school_lesson_is_a_lesson(client, login, world):
    login("admin1")
    page = client.get(f"/lesson/{world.org1_lesson}").get_data(as_text=True)
    assert "<h2>Урок:" in page and "урок №" in page


def test_another_organisations_lesson_is_not_shown(client, login, world):
    login("admin2")
    assert client.get(f"/lesson/{world.org1_lesson}").status_code == 404
