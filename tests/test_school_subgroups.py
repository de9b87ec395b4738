"""Подгруппы (R9): the class teacher splits his class with the subject teacher; after
the first marks a learner moves only at a period's end, by the Администратор; marks
stay with the subgroup they were given in."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Learner, Lesson, Mark, Period, Subgroup, SubgroupMember
from app.services.diary import week
from app.services.journal import load_grid


def _split(client, world, placement: dict, names=("1 группа", "2 группа"), group=None):
    data = {"name": list(names)}
    data.update({f"learner-{lid}": str(i) for lid, i in placement.items()})
    return client.post(f"/school/subgroups/{group or world.org1_group}/{world.org1_subject}/split", data=data,
                       follow_redirects=True).get_data(as_text=True)


def _subgroups(app, world):
    with app.app_context():
        return {s.name: s.id for s in db.session.scalars(select(Subgroup).where(Subgroup.group_id == world.org1_group))}


def _members(app):
    with app.app_context():
        return {(m.learner_id, m.subgroup_id, m.valid_from, m.valid_to)
                for m in db.session.scalars(select(SubgroupMember))}


def test_class_teacher_splits_his_class(app, client, login, world):
    login("teacher1")  # leads 5А and teaches its Математика
    page = client.get(f"/school/subgroups/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    assert "Иванов Иван" in page and "Сохранить разделение" in page
    page = _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    assert "Класс разделён на подгруппы" in page
    subs = _subgroups(app, world)
    assert set(subs) == {"1 группа", "2 группа"}
    assert {(m[0], m[1]) for m in _members(app)} == {
        (world.org1_child, subs["1 группа"]), (world.org1_sibling, subs["2 группа"]),
        (world.org1_learner3, subs["2 группа"])}
    # Free until the first mark: the split can still be changed.
    _split(client, world, {world.org1_child: 1, world.org1_sibling: 0, world.org1_learner3: 0})
    assert (world.org1_child, subs["2 группа"], None, None) in _members(app)


def test_a_teacher_of_another_class_and_the_director_may_not_split(app, client, login, world):
    for user in ("otherteacher1", "director1"):
        login(user)
        page = _split(client, world, {world.org1_child: 0, world.org1_sibling: 1})
        assert "Делить класс" in page and "только его классный руководитель" in page
    assert _subgroups(app, world) == {} and _members(app) == set()
    login("parent1")
    assert client.get("/school/subgroups/").status_code in (302, 403)
    login("admin3")  # another organisation
    assert "Делить класс" in _split(client, world, {world.org1_child: 0})
    assert _subgroups(app, world) == {}


def test_a_split_needs_two_named_subgroups(app, client, login, world):
    login("teacher1")
    page = _split(client, world, {world.org1_child: 0}, names=("1 группа", ""))
    assert "Укажите не меньше двух подгрупп" in page
    assert _subgroups(app, world) == {}


def _quarters(app, world):
    """A 3rd quarter after the world's 2nd, and a lesson with a mark in subgroup «1 группа»."""
    subs = _subgroups(app, world)
    with app.app_context():
        s = db.session
        q3 = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="quarter",
                    name="3 четверть", start=dt.date(2027, 1, 9), end=dt.date(2027, 3, 21), order=3)
        s.add(q3)
        lessons = []
        for sub, day in (("1 группа", dt.date(2026, 11, 16)), ("2 группа", dt.date(2027, 1, 12)),
                         ("1 группа", dt.date(2027, 1, 13))):
            lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subgroup_id=subs[sub],
                            subject_id=world.org1_subject, teacher_id=world.org1_teacher, date=day, number=3, topic="Дроби")
            s.add(lesson)
            s.flush()
            a = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
            s.add(a)
            s.flush()
            lessons.append(a.id)
        s.add(Mark(org_id=world.org1, assignment_id=lessons[0], learner_id=world.org1_child, value="4"))
        s.commit()
        return q3.id, lessons, subs


def test_after_the_first_mark_only_the_administrator_moves_at_a_period_end(app, client, login, world):
    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    q3, (a1, a2, a3), subs = _quarters(app, world)
    # The split is closed now.
    page = _split(client, world, {world.org1_child: 1, world.org1_sibling: 0})
    assert "По подгруппам уже выставлены отметки" in page
    before = _members(app)
    # The class teacher may not move a learner (mid-period or not).
    url = f"/school/subgroups/{world.org1_group}/{world.org1_subject}/move"
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"], "date": "2026-12-29"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Переводить обучающегося из одной подгруппы в другую может только администратор" in page
    assert _members(app) == before
    login("admin1")
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"], "date": "2026-12-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Перевод между подгруппами возможен только в конце учебного периода" in page
    assert _members(app) == before
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"], "date": "2026-12-29"},
                       follow_redirects=True).get_data(as_text=True)
    assert "переведён в подгруппу «2 группа»" in page
    members = _members(app)
    assert (world.org1_child, subs["1 группа"], None, dt.date(2026, 12, 28)) in members
    assert (world.org1_child, subs["2 группа"], dt.date(2026, 12, 29), None) in members

    # The journal: the old subgroup keeps the learner and his mark for the 2nd quarter;
    # from the 3rd quarter he is in the new subgroup only.
    with app.app_context():
        host = app.extensions["ejournal"]
        old_q2 = load_grid(db.session, host, world.org1_group, world.org1_subject, world.org1_period, subs["1 группа"])
        assert world.org1_child in {r.learner_id for r in old_q2.rows}
        assert old_q2.marks[(world.org1_child, a1)][0] == "4"
        old_q3 = load_grid(db.session, host, world.org1_group, world.org1_subject, q3, subs["1 группа"])
        assert world.org1_child not in {r.learner_id for r in old_q3.rows}
        new_q3 = load_grid(db.session, host, world.org1_group, world.org1_subject, q3, subs["2 группа"])
        assert world.org1_child in {r.learner_id for r in new_q3.rows}
        new_q2 = load_grid(db.session, host, world.org1_group, world.org1_subject, world.org1_period, subs["2 группа"])
        assert world.org1_child not in {r.learner_id for r in new_q2.rows}
        assert db.session.scalar(select(func.count(Mark.id)).where(Mark.assignment_id == a1)) == 1
    page = client.get(f"/school/subgroups/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    assert "Переводы между подгруппами" in page and "29.12.2026" in page
    # His diary: the old subgroup's lessons before the move, the new one's after it.
    with app.app_context():
        learner = db.session.get(Learner, world.org1_child)
        november = [l["id"] for d in week(db.session, learner, dt.date(2026, 11, 16))["days"] for l in d["lessons"]]
        january = {(d["date"], l["id"]) for d in week(db.session, learner, dt.date(2027, 1, 11))["days"] for l in d["lessons"]}
        lesson_of = {a: db.session.get(Assignment, a).lesson_id for a in (a1, a2, a3)}
    assert lesson_of[a1] in november
    assert ("2027-01-12", lesson_of[a2]) in january and all(lid != lesson_of[a3] for _, lid in january)


def test_the_journal_grid_of_a_subgroup_shows_its_members_of_the_period(app, client, login, world):
    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    subs = _subgroups(app, world)
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}&subgroup={subs['2 группа']}")
    text = page.get_data(as_text=True)
    assert "Петрова Мария" in text and "Иванов Иван" not in text


def test_the_split_page_runs_a_fixed_number_of_queries(app, client, login, world):
    from .test_query_counts import count_queries

    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    path = f"/school/subgroups/?group={world.org1_group}&subject={world.org1_subject}"
    client.get(path)
    with count_queries(app) as small:
        assert client.get(path).status_code == 200
    with app.app_context():
        subs = _subgroups(app, world)
        for i in range(30):
            learner = Learner(org_id=world.org1, last_name=f"Новый{i}", first_name="Тест", group_id=world.org1_group)
            db.session.add(learner)
            db.session.flush()
            db.session.add(SubgroupMember(org_id=world.org1, subgroup_id=subs["1 группа" if i % 2 else "2 группа"],
                                          learner_id=learner.id))
        db.session.commit()
    with count_queries(app) as large:
        page = client.get(path)
        assert page.status_code == 200 and "Новый29" in page.get_data(as_text=True)
    assert large["n"] == small["n"]
