"""Pages run a bounded number of SQL queries, whatever the size of the school."""
from __future__ import annotations

import datetime as dt

import pytest
from app.extensions import db
from app.models import LearnerGroup, Learner, Lesson, Staff
from tests.conftest import count_queries  # other modules import it from here too


def assert_fixed_queries(app, client, url: str, grow):
    """``url`` runs as many SQL queries after ``grow()`` has made the school larger as before
    (read once first, to warm the caches: FAB menus, babel); gives the larger page back."""
    client.get(url)
    with count_queries(app) as small:
        assert client.get(url).status_code == 200
    grow()
    # The first request after a change of the school's groups or learners works the user's
    # scope out anew (app/scoping/cache.py): once, not per row. Counted is the page itself.
    client.get(url)
    with count_queries(app) as large:
        page = client.get(url)
    assert page.status_code == 200
    assert large["n"] == small["n"], f"{url}: {small['n']} queries for a small school, {large['n']} for a larger one"
    return page


def new_class(s, world, name: str, leader_last_name: str) -> tuple[Staff, LearnerGroup]:
    """A 7th-grade class of org1 in its year, led by a new member of staff."""
    leader = Staff(org_id=world.org1, last_name=leader_last_name, first_name="Тест")
    s.add(leader)
    s.flush()
    group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=name, level=7,
                         leader_id=leader.id)
    s.add(group)
    s.flush()
    return leader, group


def _grow(app, world, groups: int, learners_per_group: int):
    """Add groups with their own leaders, learners and lessons to org1."""
    with app.app_context():
        s = db.session
        for g in range(groups):
            leader, group = new_class(s, world, f"7{g}", f"Руководитель{g}")
            s.add_all([Learner(org_id=world.org1, last_name=f"Ученик{g}-{i}", first_name="Тест", group_id=group.id)
                       for i in range(learners_per_group)])
            s.add_all([Lesson(org_id=world.org1, group_id=group.id, subject_id=world.org1_subject,
                              teacher_id=leader.id, date=dt.date(2026, 11, 2 + i), number=1, topic=f"Тема {i}")
                       for i in range(3)])
        s.commit()


@pytest.mark.parametrize("path", ["/learnerview/list/", "/lessonview/list/", "/learnergroupview/list/",
                                  "/teachingassignmentview/list/", "/markview/list/", "/api/v1/learners/",
                                  "/api/v1/lessons/", "/auditview/list/"])
def test_list_pages_run_a_fixed_number_of_queries(app, client, login, world, path):
    login("admin1")
    assert_fixed_queries(app, client, path, lambda: _grow(app, world, groups=8, learners_per_group=4))
