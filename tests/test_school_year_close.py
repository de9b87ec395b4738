"""Closing a school year: grades 1–8 and 10 go up, 9 and 11 graduate, repeaters stay,
the next year opens with its periods, class teachers and teaching load; all or nothing."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app import clock, hookimpl
from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, Learner, LearnerGroup, Mark, Period, Staff, TeachingAssignment
from app.models.movement import MovementOrder
from app.services.journal import load_grid

pytestmark = pytest.mark.dates  # graduation is dated by the day the year is closed


def _small_school(app, world) -> dict:
    """Classes 1А, 8А, 9А, 10А, 11А of org1 with two learners each; one of 8А repeats the year."""
    ids = {}
    with app.app_context():
        s = db.session
        leader = Staff(org_id=world.org1, last_name="Классная", first_name="Ольга")
        s.add(leader)
        s.flush()
        for level in (1, 8, 9, 10, 11):
            group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name=f"{level}А",
                                 level=level, leader_id=leader.id)
            s.add(group)
            s.flush()
            ids[f"g{level}"] = group.id
            for i in range(2):
                learner = Learner(org_id=world.org1, last_name=f"Ученик{level}-{i}", first_name="Тест",
                                  group_id=group.id, enrolled_on=dt.date(2020, 9, 1))
                s.add(learner)
                s.flush()
                ids[f"l{level}_{i}"] = learner.id
            s.add(TeachingAssignment(org_id=world.org1, year_id=world.org1_year, teacher_id=world.org1_teacher,
                                     subject_id=world.org1_subject, group_id=group.id, hours_per_week=4))
        s.add(MovementOrder(org_id=world.org1, number="40-у", date=dt.date(2027, 5, 30), event_date=dt.date(2027, 5, 30),
                            kind="repeat", learner_id=ids["l8_1"], from_group_id=ids["g8"], year_id=world.org1_year))
        s.commit()
        ids["leader"] = leader.id
    return ids


def _close(client, world, confirm=True):
    return client.post(f"/year-closing/{world.org1_year}/close", data={"confirm": "yes" if confirm else ""},
                       follow_redirects=True).get_data(as_text=True)


def test_preview_shows_what_the_closing_will_do_and_changes_nothing(app, client, login, world):
    ids = _small_school(app, world)
    login("admin1")
    page = client.get("/year-closing/").get_data(as_text=True)
    assert "Будет открыт учебный год 2027/2028" in page
    # 5А(3) + 6Б(1) + 1А, 8А(one stays), 10А → promoted; 9А and 11А graduate.
    assert "Переводятся в следующий класс: 9; выпускаются: 4; остаются на повторное обучение: 1" in page
    assert "Ученик8-1 Тест" in page
    with app.app_context():
        assert db.session.scalar(select(func.count(AcademicYear.id)).where(AcademicYear.org_id == world.org1)) == 1
        assert db.session.get(Learner, ids["l1_0"]).group_id == ids["g1"]
    assert "подтвердите" in _close(client, world, confirm=False).lower()
    with app.app_context():
        assert not db.session.get(AcademicYear, world.org1_year).closed


def test_closing_promotes_graduates_keeps_repeaters_and_opens_the_next_year(app, client, login, world):
    ids = _small_school(app, world)
    login("admin1")
    page = _close(client, world)
    assert "Учебный год 2026/2027 закрыт, открыт 2027/2028" in page
    with app.app_context():
        s = db.session
        old = s.get(AcademicYear, world.org1_year)
        assert old.closed
        new = s.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org1, AcademicYear.name == "2027/2028"))
        assert new.start == dt.date(2027, 9, 1) and not new.closed
        periods = s.scalars(select(Period.name).where(Period.year_id == new.id, Period.plugin == "school")).all()
        assert "1 четверть" in periods and "Год" in periods
        groups = {g.name: g for g in s.scalars(select(LearnerGroup).where(LearnerGroup.year_id == new.id))}
        assert set(groups) == {"2А", "6А", "7Б", "8А", "9А", "11А"}
        for level in (1, 10):  # promoted into the next grade, class teacher kept
            learner = s.get(Learner, ids[f"l{level}_0"])
            assert learner.group.name == f"{level + 1}А" and learner.group.year_id == new.id
            assert learner.group.leader_id == ids["leader"] and learner.left_on is None
        assert s.get(Learner, ids["l8_0"]).group_id == groups["9А"].id
        repeater = s.get(Learner, ids["l8_1"])
        assert repeater.group_id == groups["8А"].id and repeater.left_on is None
        for level in (9, 11):  # graduated: class and records stay, left_on set
            learner = s.get(Learner, ids[f"l{level}_0"])
            assert learner.group_id == ids[f"g{level}"]
            assert learner.left_on == min(clock.today(), dt.date(2027, 6, 30))
            order = s.scalar(select(MovementOrder).where(MovementOrder.learner_id == learner.id))
            assert order.kind == "graduate" and order.number.startswith("Д-")
        promote = s.scalars(select(MovementOrder).where(MovementOrder.kind == "promote")).all()
        assert len(promote) == 9 and len({o.number for o in promote}) == 1
        assert s.get(Mark, world.org1_mark) is not None  # nothing of last year is deleted
        # Last year's journal of 5А still lists its learners with their marks.
        grid = load_grid(s, app.extensions["ejournal"], world.org1_group, world.org1_subject, world.org1_period)
        assert {world.org1_child, world.org1_sibling, world.org1_learner3} <= {r.learner_id for r in grid.rows}
        assert grid.mark_of(world.org1_child, world.org1_assignment)[0] == "5"
        copied = s.scalars(select(TeachingAssignment).where(TeachingAssignment.year_id == new.id)).all()
        assert {groups_by_id.name for groups_by_id in (s.get(LearnerGroup, t.group_id) for t in copied)} == \
            {"2А", "6А", "7Б", "9А", "11А"}
    history = client.get(f"/movement/learner/{ids['l10_0']}").get_data(as_text=True)
    assert "Перевод в следующий класс" in history and "2026/2027" in history and "2027/2028" in history
    # Closing twice is refused.
    again = _close(client, world)
    assert "Учебный год 2026/2027 уже закрыт." in again


def test_a_refusal_during_closing_changes_nothing(app, client, login, world):
    ids = _small_school(app, world)

    class Plans:
        name = "plans-test"

        @hookimpl
        def academic_year_opened(self, host, session, old_year, new_year, group_map):
            assert group_map[ids["g1"]] is not None
            raise RuleError("R13", "Учебный план не скопирован")

    app.extensions["ejournal"].pm.register(Plans(), name="plans-test")
    login("admin1")
    page = _close(client, world)
    assert "Учебный план не скопирован" in page
    with app.app_context():
        s = db.session
        assert not s.get(AcademicYear, world.org1_year).closed
        assert s.scalar(select(func.count(AcademicYear.id)).where(AcademicYear.org_id == world.org1)) == 1
        assert s.get(Learner, ids["l1_0"]).group_id == ids["g1"]
        assert s.scalar(select(func.count(MovementOrder.id)).where(MovementOrder.kind != "repeat")) == 0


def test_the_hook_receives_the_promoted_classes(app, client, login, world):
    ids = _small_school(app, world)
    seen = {}

    class Plans:
        @hookimpl
        def academic_year_opened(self, host, session, old_year, new_year, group_map):
            seen.update(old=old_year.name, new=new_year.name, map=dict(group_map))

    app.extensions["ejournal"].pm.register(Plans(), name="plans-test2")
    login("admin1")
    _close(client, world)
    assert seen["old"] == "2026/2027" and seen["new"] == "2027/2028"
    assert ids["g1"] in seen["map"] and ids["g9"] not in seen["map"] and ids["g11"] not in seen["map"]


def test_only_the_administrator_closes_a_year(app, client, login, world):
    _small_school(app, world)
    login("deputy1")
    assert "Будет открыт учебный год" in client.get("/year-closing/").get_data(as_text=True)
    assert "Закрыть учебный год</button>" not in client.get("/year-closing/").get_data(as_text=True)
    assert client.post(f"/year-closing/{world.org1_year}/close", data={"confirm": "yes"}).status_code in (302, 403)
    for user in ("teacher1", "secretary1", "parent1"):
        login(user)
        assert client.get("/year-closing/").status_code in (302, 403)
        assert client.post(f"/year-closing/{world.org1_year}/close", data={"confirm": "yes"}).status_code in (302, 403)
    login("admin3")  # another organisation's administrator
    assert client.post(f"/year-closing/{world.org1_year}/close", data={"confirm": "yes"}).status_code == 404
    with app.app_context():
        assert not db.session.get(AcademicYear, world.org1_year).closed


def test_the_curriculum_is_copied_into_the_next_year(app, client, login, world):
    from app.models.plans import CurriculumEntry

    _small_school(app, world)
    with app.app_context():
        db.session.add_all([CurriculumEntry(org_id=world.org1, year_id=world.org1_year, level=level,
                                            subject_id=world.org1_subject, hours_per_week=hours)
                            for level, hours in ((5, 5), (6, 5), (7, 3))])
        db.session.commit()
    login("admin1")
    _close(client, world)
    with app.app_context():
        s = db.session
        new = s.scalar(select(AcademicYear).where(AcademicYear.org_id == world.org1, AcademicYear.name == "2027/2028"))
        copied = s.execute(select(CurriculumEntry.level, CurriculumEntry.hours_per_week)
                           .where(CurriculumEntry.year_id == new.id).order_by(CurriculumEntry.level)).all()
        assert [(level, float(hours)) for level, hours in copied] == [(5, 5.0), (6, 5.0), (7, 3.0)]
        assert s.scalar(select(func.count(CurriculumEntry.id)).where(CurriculumEntry.year_id == world.org1_year)) == 3
