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


def test_the_colleges_load_page_speaks_of_study_groups_and_courses(client, login, world):
    login("admin2")
    page = client.get("/load/").get_data(as_text=True)
    assert ('<label for="level">Курс</label>' in page, "<th>Учебная группа</th>" in page, "<th>Класс</th>" in page) \
        == (True, True, False)


def test_the_schools_load_page_speaks_of_classes_and_parallels(client, login, world):
    login("admin1")
    page = client.get("/load/").get_data(as_text=True)
    assert ('<label for="level">Параллель</label>' in page, "<th>Класс</th>" in page) == (True, True)


def test_a_college_timetable_is_a_study_groups_of_pairs(client, login, world):
    login("admin2")
    page = client.get(f"/timetable/?group={world.org2_group}").get_data(as_text=True)
    assert ("Расписание: учебная группа 5А" in page, '<th class="tt-num">Пара</th>' in page) == (True, True)
