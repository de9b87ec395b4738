"""Подгруппы (R9): the class teacher splits his class with the subject teacher; after
the first marks a learner moves only at a period's end, by the Администратор; marks
stay with the subgroup they were given in."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Assignment, Learner, Lesson, Mark, Period, Subgroup, SubgroupMember
from app.services.diary import week
from app.services.journal import load_grid
from tests.world import QUARTERS, current_quarter

pytestmark = pytest.mark.dates


def _split(client, world, placement: dict, names=("1 группа", "2 группа"), group=None):
    data = {"name": list(names)}
    data.update({f"learner-{lid}": str(i) for lid, i in placement.items()})
    return client.post(f"/subgroups/{group or world.org1_group}/{world.org1_subject}/split", data=data,
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
    page = client.get(f"/subgroups/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
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
    assert client.get("/subgroups/").status_code in (302, 403)
    login("admin3")  # another organisation
    assert "Делить класс" in _split(client, world, {world.org1_child: 0})
    assert _subgroups(app, world) == {}


def test_a_split_needs_two_named_subgroups(app, client, login, world):
    login("teacher1")
    page = _split(client, world, {world.org1_child: 0}, names=("1 группа", ""))
    assert "Укажите не меньше двух подгрупп" in page
    assert _subgroups(app, world) == {}


def _two_quarters(app, world):
    """Two quarters in a row, one of them the world's: the one holding TODAY and the next
    (in the 4th quarter: the 3rd and the world's 4th). The other one is added here."""
    number, _name, _start, _end = current_quarter()
    first, second = (number, number + 1) if number < len(QUARTERS) else (number - 1, number)
    other = second if first == number else first
    name, start, end = QUARTERS[other - 1]
    with app.app_context():
        period = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="quarter",
                        name=name, start=start, end=end, order=other)
        db.session.add(period)
        db.session.commit()
        ids = {number: world.org1_period, other: period.id}
    return [(ids[n], QUARTERS[n - 1][1], QUARTERS[n - 1][2]) for n in (first, second)]


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _quarters(app, world):
    """The two quarters, and lessons of the subgroups: «1 группа» on a Monday mid-first quarter
    (with a mark), «2 группа» on the second quarter's first day, «1 группа» the day after."""
    subs = _subgroups(app, world)
    (_first, q1_start, _q1_end), (_second, q2_start, _q2_end) = quarters = _two_quarters(app, world)
    days = (_monday(q1_start + dt.timedelta(days=21)), q2_start, q2_start + dt.timedelta(days=1))
    with app.app_context():
        s = db.session
        lessons = []
        for sub, day in zip(("1 группа", "2 группа", "1 группа"), days):
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
        return quarters, days, lessons, subs


def test_after_the_first_mark_only_the_administrator_moves_at_a_period_end(app, client, login, world):
    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    quarters, days, (a1, a2, a3), subs = _quarters(app, world)
    (first, _first_start, first_end), (second, second_start, _second_end) = quarters
    move_day = first_end + dt.timedelta(days=1)  # the day after the first quarter ends
    # The split is closed now.
    page = _split(client, world, {world.org1_child: 1, world.org1_sibling: 0})
    assert "По подгруппам уже выставлены отметки" in page
    before = _members(app)
    # The class teacher may not move a learner (mid-period or not).
    url = f"/subgroups/{world.org1_group}/{world.org1_subject}/move"
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"],
                                  "date": move_day.isoformat()}, follow_redirects=True).get_data(as_text=True)
    assert "Переводить обучающегося из одной подгруппы в другую может только администратор" in page
    assert _members(app) == before
    login("admin1")
    mid_period = days[0] + dt.timedelta(days=1)
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"],
                                  "date": mid_period.isoformat()}, follow_redirects=True).get_data(as_text=True)
    assert "Перевод между подгруппами возможен только в конце учебного периода" in page
    assert _members(app) == before
    page = client.post(url, data={"learner": world.org1_child, "subgroup": subs["2 группа"],
                                  "date": move_day.isoformat()}, follow_redirects=True).get_data(as_text=True)
    assert "переведён в подгруппу «2 группа»" in page
    members = _members(app)
    assert (world.org1_child, subs["1 группа"], None, first_end) in members
    assert (world.org1_child, subs["2 группа"], move_day, None) in members

    # The journal: the old subgroup keeps the learner and his mark for the first quarter;
    # from the second quarter he is in the new subgroup only.
    with app.app_context():
        host = app.extensions["ejournal"]
        old_first = load_grid(db.session, host, world.org1_group, world.org1_subject, first, subs["1 группа"])
        assert world.org1_child in {r.learner_id for r in old_first.rows}
        assert old_first.mark_of(world.org1_child, a1)[0] == "4"
        old_second = load_grid(db.session, host, world.org1_group, world.org1_subject, second, subs["1 группа"])
        assert world.org1_child not in {r.learner_id for r in old_second.rows}
        new_second = load_grid(db.session, host, world.org1_group, world.org1_subject, second, subs["2 группа"])
        assert world.org1_child in {r.learner_id for r in new_second.rows}
        new_first = load_grid(db.session, host, world.org1_group, world.org1_subject, first, subs["2 группа"])
        assert world.org1_child not in {r.learner_id for r in new_first.rows}
        assert db.session.scalar(select(func.count(Mark.id)).where(Mark.assignment_id == a1)) == 1
    page = client.get(f"/subgroups/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    assert "Переводы между подгруппами" in page and f"{move_day:%d.%m.%Y}" in page
    # His diary: the old subgroup's lessons before the move, the new one's after it.
    with app.app_context():
        learner = db.session.get(Learner, world.org1_child)
        before_move = [l["id"] for d in week(db.session, learner, _monday(days[0]))["days"] for l in d["lessons"]]
        after_move = {(d["date"], l["id"]) for d in week(db.session, learner, _monday(second_start))["days"]
                      for l in d["lessons"]}
        lesson_of = {a: db.session.get(Assignment, a).lesson_id for a in (a1, a2, a3)}
    assert lesson_of[a1] in before_move
    assert (second_start.isoformat(), lesson_of[a2]) in after_move and all(lid != lesson_of[a3] for _, lid in after_move)


def test_the_journal_grid_of_a_subgroup_shows_its_members_of_the_period(app, client, login, world):
    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    subs = _subgroups(app, world)
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}&subgroup={subs['2 группа']}")
    text = page.get_data(as_text=True)
    assert "Петрова Мария" in text and "Иванов Иван" not in text


def test_the_split_page_runs_a_fixed_number_of_queries(app, client, login, world):
    from .test_query_counts import assert_fixed_queries

    def grow():
        with app.app_context():
            subs = _subgroups(app, world)
            for i in range(30):
                learner = Learner(org_id=world.org1, last_name=f"Новый{i}", first_name="Тест",
                                  group_id=world.org1_group)
                db.session.add(learner)
                db.session.flush()
                db.session.add(SubgroupMember(org_id=world.org1, learner_id=learner.id,
                                              subgroup_id=subs["1 группа" if i % 2 else "2 группа"]))
            db.session.commit()

    login("teacher1")
    _split(client, world, {world.org1_child: 0, world.org1_sibling: 1, world.org1_learner3: 1})
    page = assert_fixed_queries(app, client, f"/subgroups/?group={world.org1_group}&subject={world.org1_subject}",
                                grow)
    assert "Новый29" in page.get_data(as_text=True)
