"""A kindergarten's pages speak its own words: «Дошкольная группа», «Воспитанник»,
«Возрастная группа» and the age groups' names («Средняя»), never a school's «Класс»,
«Обучающийся», «Параллель» or «Урок»; an organisation renames its age groups on
«Правила организации»; a school's classes keep their numbers."""
from __future__ import annotations

import re


from app.extensions import db
from app.models import Learner, LearnerGroup, Organisation, Staff
from app.services.kinds import level_label
from tests.test_query_counts import assert_fixed_queries
from tests.test_rule_settings import _form
from tests.test_russian_ui import visible_text
from tests.world import _user

# A school's words, as they begin a label or a title, on a kindergarten's page.
SCHOOL_WORDS = re.compile(r"Параллель|Класс|Обучающ|Ученик|Урок|Учитель")


def school_words(html: str) -> list[str]:
    """The school's words in what the page shows below the menu."""
    content = html.split("</header>", 1)[-1]
    return sorted(set(SCHOOL_WORDS.findall(visible_text(content))))


def kindergarten(app, world) -> dict:
    """«Школа № 3» made a kindergarten: its plugin is the preschool's alone, its two groups are
    the middle group «Солнышко» (level 4), led by «vosp3», and the preparatory «Звёздочки» (6)."""
    with app.app_context():
        s = db.session
        org = s.get(Organisation, world.org3)
        org.plugins = ["preschool"]
        s.flush()
        for group_id, name, level in ((world.org3_group, "Группа «Солнышко»", 4),
                                      (world.org3_other_group, "Группа «Звёздочки»", 6)):
            group = s.get(LearnerGroup, group_id)
            group.kind, group.name, group.level = "preschool_group", name, level
        s.commit()
        _user(app.appbuilder.sm, "vosp3", ["Воспитатель"], org=org, person=s.get(Staff, world.org3_teacher))
    return {"group": world.org3_group, "child": world.org3_child}


def preschool_group_of_org1(app, world) -> dict:
    """A school with a preschool group: «Средняя группа «Ромашка»» of org1 and its child."""
    with app.app_context():
        s = db.session
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                             name="Группа «Ромашка»", level=4)
        s.add(group)
        s.flush()
        child = Learner(org_id=world.org1, last_name="Малышев", first_name="Миша", group_id=group.id)
        s.add(child)
        s.commit()
        return {"group": group.id, "child": child.id}


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data(as_text=True)


# --- a kindergarten --------------------------------------------------------------

def test_the_groups_list_names_the_age_groups(app, client, login, world):
    kindergarten(app, world)
    login("vosp3")
    page = _page(client, "/learnergroupview/list/")
    text = visible_text(page)
    assert ("Дошкольные группы" in text, "Возрастная группа" in text, "Средняя" in text, school_words(page)) \
        == (True, True, True, [])


def test_the_group_page_names_its_age_group(app, client, login, world):
    ids = kindergarten(app, world)
    login("vosp3")
    page = _page(client, f"/learnergroupview/show/{ids['group']}")
    assert ("Возрастная группа\nСредняя" in visible_text(page), school_words(page)) == (True, [])


def test_the_group_form_tells_the_age_groups_by_number(app, client, login, world):
    ids = kindergarten(app, world)
    login("admin3")
    page = _page(client, f"/learnergroupview/edit/{ids['group']}")
    assert ("1 — Ясельная, 2 — Первая младшая, 3 — Вторая младшая, 4 — Средняя, 5 — Старшая, 6 — Подготовительная"
            in visible_text(page), school_words(page)) == (True, [])


def test_the_learners_list_is_of_children(app, client, login, world):
    kindergarten(app, world)
    login("vosp3")
    page = _page(client, "/learnerview/list/")
    text = visible_text(page)
    assert ("Воспитанники" in text, "Дошкольная группа" in text, school_words(page)) == (True, True, [])


def test_a_childs_page_calls_him_a_vospitannik(app, client, login, world):
    ids = kindergarten(app, world)
    login("vosp3")
    page = _page(client, f"/learnerview/show/{ids['child']}")
    assert ("Воспитанники: просмотр записи" in visible_text(page), school_words(page)) == (True, [])


def test_the_attendance_month_lists_the_children(app, client, login, world):
    ids = kindergarten(app, world)
    login("vosp3")
    page = _page(client, f"/attendance-day/?group={ids['group']}&view=month")
    assert ("<th>Воспитанник</th>" in page, school_words(page)) == (True, [])


def test_the_attendance_day_speaks_of_activities(app, client, login, world):
    ids = kindergarten(app, world)
    login("vosp3")
    page = _page(client, f"/attendance-day/?group={ids['group']}")
    assert ("Занятия дня" in visible_text(page), school_words(page)) == (True, [])


def test_the_childs_movement_history_names_his_group_and_age_group(app, client, login, world):
    ids = kindergarten(app, world)
    login("admin3")
    page = _page(client, f"/movement/learner/{ids['child']}")
    assert "Дошкольная группа: Группа «Солнышко» (средняя)" in visible_text(page)


def test_a_graduation_from_a_younger_group_names_the_preparatory_group(app, client, login, world):
    ids = kindergarten(app, world)
    login("admin3")
    page = client.post(f"/movement/learner/{ids['child']}/order", data={"kind": "graduate", "date": "2026-11-20"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Выпуск оформляется только с выпускных уровней обучения: Подготовительная." in page


def test_the_rules_page_offers_the_age_groups_names(app, client, login, world):
    kindergarten(app, world)
    login("admin3")
    text = visible_text(_page(client, "/rule-settings/"))
    assert ("Названия в журнале\nНазвания возрастных групп (через запятую, по возрастанию)" in text,
            "Ясельная, Первая младшая, Вторая младшая, Средняя, Старшая, Подготовительная" in text) == (True, True)


def test_the_organisations_own_names_are_shown(app, client, login, world):
    ids = kindergarten(app, world)
    login("admin3")
    client.post("/rule-settings/", data=_form(
        client, preschool__level_names="Малыши, Ясли, Младшая, Солнышки, Старшая, Выпускная"))
    login("vosp3")
    text = visible_text(_page(client, f"/learnergroupview/show/{ids['group']}"))
    assert ("Возрастная группа\nСолнышки" in text, "Средняя" in text) == (True, False)


def test_an_emptied_names_field_brings_the_default_back(app, client, login, world):
    kindergarten(app, world)
    login("admin3")
    client.post("/rule-settings/", data=_form(client, preschool__level_names="Малыши"))
    client.post("/rule-settings/", data=_form(client, preschool__level_names=""))
    with app.app_context():
        assert db.session.get(Organisation, world.org3).settings == {}


def test_a_level_without_its_own_name_keeps_the_kinds_name_and_a_class_its_number(app, world):
    with app.app_context():
        host = app.extensions["ejournal"]
        org = db.session.get(Organisation, world.org1)
        org.settings = {"preschool": {"level_names": "Малыши, , Младшая"}}
        assert ([level_label(host, org, "preschool_group", level) for level in (1, 2, 3, 4)],
                level_label(host, org, "class", 5), level_label(host, org, "preschool_group", 9)) \
            == (["Малыши", "Первая младшая", "Младшая", "Средняя"], "5", "9")


# --- a school, and a school with a preschool group ----------------------------------

def test_the_schools_class_list_shows_its_grades_as_numbers(client, login, world):
    login("admin3")
    page = _page(client, "/learnergroupview/list/")
    assert (bool(re.search(r"<td>5А</td>\s*<td>Класс</td>\s*<td>5</td>", page)), "Параллель" in visible_text(page)) \
        == (True, True)


def test_a_schools_preschool_group_is_named_by_its_age_group_beside_the_classes(app, client, login, world):
    preschool_group_of_org1(app, world)
    login("admin1")
    page = _page(client, "/learnergroupview/list/")
    assert (bool(re.search(r"<td>Группа «Ромашка»</td>\s*<td>Дошкольная группа</td>\s*<td>Средняя</td>", page)),
            bool(re.search(r"<td>5А</td>\s*<td>Класс</td>\s*<td>5</td>", page)),
            "Параллель / возрастная группа" in visible_text(page)) == (True, True, True)


def test_a_schools_preschool_child_is_a_vospitannik_on_his_page(app, client, login, world):
    ids = preschool_group_of_org1(app, world)
    login("admin1")
    child = visible_text(_page(client, f"/learnerview/show/{ids['child']}"))
    pupils = visible_text(_page(client, "/learnerview/list/"))
    assert ("Воспитанники: просмотр записи" in child, "Дошкольная группа\nГруппа «Ромашка»" in child,
            "Обучающиеся" in pupils) == (True, True, True)


def test_the_groups_list_reads_the_age_groups_names_once(app, client, login, world):
    def grow():
        with app.app_context():
            db.session.add_all([LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                                             name=f"Группа {n}", level=n) for n in range(1, 7)])
            db.session.commit()

    preschool_group_of_org1(app, world)
    login("admin1")
    page = assert_fixed_queries(app, client, "/learnergroupview/list/", grow)
    assert "Подготовительная" in page.get_data(as_text=True)


# --- a plugin's menu entry where its kind of group is kept (FAB's ``menu_cond``) ----------

def test_the_group_attendance_entry_shows_only_where_preschool_groups_are_kept(client, login, world):
    seen = {}
    for username in ("admin1", "admin3"):  # a school with a preschool group; a school alone
        client.post("/logout/")
        login(username)
        seen[username] = "Посещаемость группы" in client.get("/").get_data(as_text=True)
    assert seen == {"admin1": True, "admin3": False}
