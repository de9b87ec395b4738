"""The capabilities every institution shares (movement book, curriculum) follow what
each plugin declares about its kind of group, not rules written for the school."""
from __future__ import annotations

import pytest

from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, LearnerGroup, Organisation
from app.services.kinds import taught_kinds_of
from app.services.movement import plan_closing
from app.services.plans import check_curriculum_entry, study_weeks


def test_a_college_year_moves_its_groups_a_course_up_under_their_names_and_graduates_the_last(app, world):
    with app.app_context():
        db.session.add(LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group", name="ТМ-23",
                                    level=4))
        db.session.commit()
        plan = plan_closing(db.session, db.session.get(AcademicYear, world.org2_year))
        found = {(p.group.name, p.action, p.new_name) for p in plan.groups}
    assert found == {("5А", "promote", "5А"), ("6Б", "promote", "6Б"), ("ТМ-23", "graduate", None)}


def test_a_school_year_names_the_classes_a_grade_up(app, world):
    with app.app_context():
        plan = plan_closing(db.session, db.session.get(AcademicYear, world.org1_year))
        found = {(p.group.name, p.new_name) for p in plan.groups if p.group.kind == "class"}
    assert found == {("5А", "6А"), ("6Б", "7Б")}


def test_study_weeks_count_a_school_weeks_and_a_college_period(app, world):
    with app.app_context():
        host = app.extensions["ejournal"]
        school, college = db.session.get(Organisation, world.org1), db.session.get(Organisation, world.org2)
        assert (study_weeks(host, school, "class", 1), study_weeks(host, school, "class", 5),
                study_weeks(host, college, "college_group", 2)) == (33, 34, 1)


@pytest.mark.parametrize("plugins, level, hours, message", [
    (["school"], 12, 2, "Параллель учебного плана — число от 1 до 11."),
    (["college"], 5, 72, "Курс учебного плана — число от 1 до 4."),
    (["school"], 5, 72, "Часов в неделю — больше 0 и не больше 40."),
])
def test_a_curriculum_row_is_checked_by_the_organisations_kinds(app, plugins, level, hours, message):
    with app.app_context(), pytest.raises(RuleError) as refused:
        check_curriculum_entry(level, hours, taught_kinds_of(plugins))
    assert str(refused.value) == message


def test_a_college_curriculum_counts_a_semesters_hours(app):
    with app.app_context():
        assert check_curriculum_entry(2, 72, taught_kinds_of(["college"])) is None


def _only_preschool(app, world) -> None:
    with app.app_context():
        db.session.get(Organisation, world.org3).plugins = ["preschool"]
        db.session.commit()


def test_a_kindergarten_has_no_timetable_curriculum_nor_lesson_plans(app, client, login, world):
    _only_preschool(app, world)
    login("admin3")
    home = client.get("/").get_data(as_text=True)
    refused = client.get("/timetable/", follow_redirects=True).get_data(as_text=True)
    assert ("/timetable/" not in home, "/plans/" not in home, "/load/" not in home, "Доступ запрещён" in refused) \
        == (True, True, True, True)


def test_a_kindergarten_keeps_the_movement_book_and_cards(app, client, login, world):
    _only_preschool(app, world)
    login("admin3")
    home = client.get("/").get_data(as_text=True)
    assert ("/movement/" in home, client.get("/movement/").status_code) == (True, 200)


def test_a_school_administrator_sees_the_timetable(client, login, world):
    login("admin3")
    assert "/timetable/" in client.get("/").get_data(as_text=True)


def test_the_rights_page_of_a_kindergarten_lists_no_timetable(app, client, login, world):
    _only_preschool(app, world)
    login("admin3")
    page = client.get("/rights/").get_data(as_text=True)
    assert ("Расписание уроков" in page, "Книга движения обучающихся" in page) == (False, True)


def _preschooler(app, world) -> int:
    from app.models import Learner

    with app.app_context():
        group = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="preschool_group",
                             name="Группа «Солнышко»", level=4)
        db.session.add(group)
        db.session.flush()
        child = Learner(org_id=world.org1, last_name="Малышев", first_name="Миша", group_id=group.id)
        db.session.add(child)
        db.session.commit()
        return child.id


def test_a_kindergarten_child_is_not_left_to_repeat_the_year(app, client, login, world):
    child = _preschooler(app, world)
    login("admin1")
    form = client.get(f"/movement/learner/{child}").get_data(as_text=True)
    refused = client.post(f"/movement/learner/{child}/order", data={"kind": "repeat", "date": "2026-11-20"},
                          follow_redirects=True).get_data(as_text=True)
    assert ('value="repeat"' in form, 'value="depart"' in form,
            "Такой приказ для обучающихся этой группы не оформляется." in refused) == (False, True, True)


def test_a_schoolchild_may_be_left_to_repeat_the_year(client, login, world):
    login("admin1")
    assert 'value="repeat"' in client.get(f"/movement/learner/{world.org1_child}").get_data(as_text=True)


def test_a_semesters_hours_are_checked_against_the_weekly_load(app, world):
    """90 hours in an 18-week semester are 5 hours a week: the load of 5 a week matches."""
    import datetime as dt
    from decimal import Decimal

    from app import clock
    from app.models import Period
    from app.models.plans import CurriculumEntry
    from app.services.plans import load_check

    with app.app_context():
        start = clock.today() - dt.timedelta(weeks=17)
        db.session.add(Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                              name="1 семестр", start=start, end=start + dt.timedelta(weeks=18, days=-1), order=1))
        db.session.add(CurriculumEntry(org_id=world.org2, year_id=world.org2_year, level=5,
                                       subject_id=world.org2_subject, hours_per_week=90))
        db.session.commit()
        row = next(r for r in load_check(db.session, world.org2_year) if r.group.name == "5А")
    assert (row.curriculum, row.assigned, row.status) == (Decimal("5.0"), Decimal("5"), "ok")
