"""Доска объявлений: the audience and the display period decide who sees an
announcement (home page, diary, list, direct URL); who may post; bounded queries."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Account, Announcement, AnnouncementGroup, LearnerGroup
from app.scoping import acting_as
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY

pytestmark = pytest.mark.dates


def _post(app, world, title, audience="all", groups=(), start=None, end=None, org=None, author="admin1"):
    with app.app_context(), acting_as(None):
        account = db.session.scalar(select(Account).where(Account.username == author))
        item = Announcement(org_id=org or world.org1, author_id=account.id, author_name="Тестов Admin1", title=title,
                            body=f"Текст: {title}", audience=audience, shown_from=start or TODAY - dt.timedelta(days=1),
                            shown_to=end or TODAY + dt.timedelta(days=3))
        item.groups = [AnnouncementGroup(org_id=item.org_id, group_id=g) for g in groups]
        db.session.add(item)
        db.session.commit()
        return item.id


def _count(app):
    with app.app_context(), acting_as(None):
        return db.session.scalar(select(func.count(Announcement.id)))


def test_learner_does_not_see_a_staff_announcement(app, client, login, world):
    staff = _post(app, world, "Педсовет для сотрудников", audience="staff")
    _post(app, world, "Для всей школы")
    login("learner1")
    home = client.get("/").get_data(as_text=True)
    assert "Для всей школы" in home and "Педсовет для сотрудников" not in home
    diary = client.get("/diary/").get_data(as_text=True)
    assert "Для всей школы" in diary and "Педсовет" not in diary
    assert "Педсовет" not in client.get("/announcements/").get_data(as_text=True)
    assert client.get(f"/announcements/{staff}").status_code == 404
    login("teacher1")
    assert "Педсовет для сотрудников" in client.get("/").get_data(as_text=True)


def test_parent_sees_the_childs_group_and_not_another_group(app, client, login, world):
    mine = _post(app, world, "Экскурсия 5А", audience="groups", groups=[world.org1_group])
    other = _post(app, world, "Субботник 6Б", audience="groups", groups=[world.org1_other_group])
    _post(app, world, "Родительское собрание", audience="parents")
    _post(app, world, "Только ученикам", audience="learners")
    login("parent1")
    home = client.get("/").get_data(as_text=True)
    assert "Экскурсия 5А" in home and "Родительское собрание" in home
    assert "Субботник 6Б" not in home and "Только ученикам" not in home
    diary = client.get("/diary/").get_data(as_text=True)
    assert "Экскурсия 5А" in diary and "Субботник 6Б" not in diary
    assert client.get(f"/announcements/{mine}").status_code == 200
    assert client.get(f"/announcements/{other}").status_code == 404


def test_outside_the_display_period_nobody_sees_it(app, client, login, world):
    past = _post(app, world, "Прошедшее объявление", start=TODAY - dt.timedelta(days=10), end=TODAY - dt.timedelta(days=1))
    _post(app, world, "Будущее объявление", start=TODAY + dt.timedelta(days=2), end=TODAY + dt.timedelta(days=5))
    for user in ("learner1", "parent1", "teacher1"):
        login(user)
        home = client.get("/").get_data(as_text=True)
        assert "Прошедшее объявление" not in home and "Будущее объявление" not in home
    login("parent1")
    assert client.get(f"/announcements/{past}").status_code == 404
    login("director1")  # the administration still finds it in the list, marked as ended
    page = client.get("/announcements/").get_data(as_text=True)
    assert "Прошедшее объявление" in page and "показ окончен" in page
    assert "Прошедшее объявление" not in client.get("/").get_data(as_text=True)


def test_another_organisation_never_sees_it(app, client, login, world):
    item = _post(app, world, "Только для школы № 1")
    login("admin2")
    assert "Только для школы № 1" not in client.get("/").get_data(as_text=True)
    assert client.get(f"/announcements/{item}").status_code == 404


def test_deputy_posts_for_parents(app, client, login, world):
    login("deputy1")
    page = client.post("/announcements/new", data={
        "title": "Каникулы", "body": "Осенние каникулы с 27 октября", "audience": "parents",
        "shown_from": TODAY.isoformat(), "shown_to": (TODAY + dt.timedelta(days=5)).isoformat()},
        follow_redirects=True)
    assert "Объявление опубликовано" in page.get_data(as_text=True)
    login("parent1")
    assert "Каникулы" in client.get("/").get_data(as_text=True)
    login("learner1")
    assert "Каникулы" not in client.get("/").get_data(as_text=True)


def test_class_teacher_posts_for_own_class_only(app, client, login, world):
    login("teacher1")  # leads 5А
    form = {"title": "Классный час", "body": "В среду", "shown_from": TODAY.isoformat(),
            "shown_to": (TODAY + dt.timedelta(days=2)).isoformat()}
    page = client.post("/announcements/new", data={**form, "audience": "groups", "groups": [world.org1_other_group]},
                       follow_redirects=True).get_data(as_text=True)
    assert "Классный руководитель публикует объявления только для своих классов и групп." in page
    page = client.post("/announcements/new", data={**form, "audience": "all"}, follow_redirects=True).get_data(as_text=True)
    assert "только для своих классов" in page
    assert _count(app) == 0
    page = client.post("/announcements/new", data={**form, "audience": "groups", "groups": [world.org1_group]},
                       follow_redirects=True).get_data(as_text=True)
    assert "Объявление опубликовано" in page
    login("parent1")
    assert "Классный час" in client.get("/").get_data(as_text=True)


def test_refusals_of_posting(app, client, login, world):
    login("parent1")
    assert client.post("/announcements/new", data={"title": "x", "audience": "all"}).status_code == 403
    login("director1")
    page = client.post("/announcements/new", data={
        "title": "Неверные даты", "audience": "all", "shown_from": TODAY.isoformat(),
        "shown_to": (TODAY - dt.timedelta(days=3)).isoformat()}, follow_redirects=True).get_data(as_text=True)
    assert "Окончание показа раньше его начала" in page
    assert _count(app) == 0


def test_withdrawn_announcement_is_kept_but_not_shown(app, client, login, world):
    item = _post(app, world, "Отменённое собрание", author="deputy1")
    login("deputy1")
    client.post(f"/announcements/{item}/withdraw")
    assert "Отменённое собрание" not in client.get("/").get_data(as_text=True)
    assert "Отменённое собрание" in client.get("/announcements/").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/announcements/"])
def test_board_and_list_run_a_fixed_number_of_queries(app, client, login, world, path):
    _post(app, world, "Первое", audience="groups", groups=[world.org1_group])

    def grow():
        with app.app_context(), acting_as(None):
            groups = db.session.scalars(select(LearnerGroup.id).where(LearnerGroup.org_id == world.org1)).all()
        for i in range(25):
            _post(app, world, f"Объявление {i}", audience="groups" if i % 2 else "parents",
                  groups=groups if i % 2 else ())

    login("parent1")
    assert_fixed_queries(app, client, path, grow)
