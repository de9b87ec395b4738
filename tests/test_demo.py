"""The demo authority: what `flask --app app demo` builds, its logins, idempotence, --scale."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from app.demo import AUTHORITY_NAME, PASSWORD, demo_counts, demo_logins
from app.extensions import db
from app.models import (
    Account, Assignment, Attendance, AttendanceCode, Authority, GuardianLink, Learner, LearnerGroup, Lesson, Mark,
    Organisation, Period, Person,
)
from tests.conftest import build_demo_app, dispose, drop_database

# Roles no demo login stands for: FAB's own, and the one derived from leading a class
# (it has its own row, «Классный руководитель», for a teacher who leads a class).
NOT_LOGINS = {"Admin", "Public"}


@pytest.fixture(scope="module")
def logins(demo_app):
    result = demo_app.test_cli_runner().invoke(args=["demo-credentials"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _orgs(plugin):
    return [o for o in db.session.scalars(select(Organisation).order_by(Organisation.id)) if plugin in o.plugins]


def test_school_has_grades_1_to_11_and_a_preschool_group(demo_app):
    with demo_app.app_context():
        (school,) = _orgs("school")
        assert school.plugins == ["school", "preschool"]
        groups = db.session.scalars(select(LearnerGroup).where(LearnerGroup.org_id == school.id)).all()
        assert {g.level for g in groups if g.kind == "class"} == set(range(1, 12))
        assert any(g.kind == "preschool_group" for g in groups)
        assert all(g.leader_id for g in groups)
        # Every learner has a guardian; names carry patronymics.
        learners = db.session.scalars(select(Learner).where(Learner.org_id == school.id)).all()
        linked = set(db.session.scalars(select(GuardianLink.learner_id)))
        assert learners and all(l.id in linked and l.middle_name for l in learners)


def test_college_has_groups_on_three_courses(demo_app):
    with demo_app.app_context():
        (college,) = _orgs("college")
        levels = db.session.scalars(select(LearnerGroup.level).where(LearnerGroup.org_id == college.id)).all()
        assert set(levels) == {1, 2, 3}


def test_periods_codes_and_journal_of_every_organisation(demo_app):
    with demo_app.app_context():
        for org in db.session.scalars(select(Organisation)):
            plugins = set(db.session.scalars(select(Period.plugin).where(Period.org_id == org.id)))
            assert plugins == set(org.plugins)
            codes = set(db.session.scalars(select(AttendanceCode.code).where(AttendanceCode.org_id == org.id)))
            assert {"ОТ", "ОП", "УП", "Б", "ОСВ", "НП"} <= codes
            assert db.session.scalar(select(func.count(Attendance.id)).where(Attendance.org_id == org.id)) > 0
        # Lessons are numbered 1..6 a day and carry topics; preschool attendance is per day.
        assert db.session.scalar(select(func.max(Lesson.number))) <= 6
        assert db.session.scalar(select(func.count(Lesson.id)).where(Lesson.topic == "")) == 0
        preschool_rows = db.session.scalars(
            select(Attendance).join(Learner, Learner.id == Attendance.learner_id)
            .join(LearnerGroup, LearnerGroup.id == Learner.group_id)
            .where(LearnerGroup.kind == "preschool_group")).all()
        assert preschool_rows and all(a.lesson_id is None for a in preschool_rows)


def test_no_marks_in_grade_1_nor_in_preschool(demo_app):
    with demo_app.app_context():
        def marks_of(condition):
            return db.session.scalar(
                select(func.count(Mark.id)).join(Assignment, Assignment.id == Mark.assignment_id)
                .join(Lesson, Lesson.id == Assignment.lesson_id)
                .join(LearnerGroup, LearnerGroup.id == Lesson.group_id).where(condition))

        assert marks_of((LearnerGroup.kind == "class") & (LearnerGroup.level == 1)) == 0
        assert marks_of(LearnerGroup.kind == "preschool_group") == 0
        assert marks_of((LearnerGroup.kind == "class") & (LearnerGroup.level == 2)) > 0
        assert marks_of(LearnerGroup.kind == "college_group") > 0
        values = set(db.session.scalars(select(Mark.value)))
        assert values <= {"2", "3", "4", "5"}


def test_credentials_are_json_with_a_login_for_every_role(demo_app, logins):
    assert logins and all(set(row) == {"role", "username", "password", "organisation"} for row in logins)
    assert all(row["password"] == PASSWORD for row in logins)
    roles = {row["role"] for row in logins}
    expected = set(demo_app.extensions["ejournal"].roles) - NOT_LOGINS
    assert expected <= roles, expected - roles
    uo = next(row for row in logins if row["role"] == "Сотрудник УО")
    assert uo["organisation"] == AUTHORITY_NAME
    with demo_app.app_context():
        assert demo_logins() == logins


def test_every_demo_login_logs_in_and_sees_its_role(demo_app, logins):
    for row in logins:
        client = demo_app.test_client()
        response = client.post("/login/", data={"username": row["username"], "password": row["password"]})
        assert response.status_code == 302, row
        page = client.get("/").get_data(as_text=True)
        shown = "Учитель" if row["role"] == "Классный руководитель" else row["role"]
        assert shown in page, row
        assert "Войти" not in page, row


def test_class_teacher_leads_a_class_and_parent_sees_a_child_with_marks(demo_app, logins):
    with demo_app.app_context():
        def account(role):
            username = next(r["username"] for r in logins if r["role"] == role)
            return db.session.scalar(select(Account).where(Account.username == username))

        teacher = account("Классный руководитель")
        group = db.session.scalar(select(LearnerGroup).where(LearnerGroup.leader_id == teacher.person_id))
        assert group is not None and group.kind == "class"
        parent = account("Родитель")
        children = db.session.scalars(select(GuardianLink.learner_id).where(GuardianLink.guardian_id == parent.person_id)).all()
        assert children
        assert db.session.scalar(select(func.count(Mark.id)).where(Mark.learner_id.in_(children))) > 0
        learner = account("Обучающийся")
        assert isinstance(db.session.get(Person, learner.person_id), Learner)


def test_second_run_changes_nothing(demo_app):
    with demo_app.app_context():
        before = demo_counts()
    result = demo_app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "уже есть" in result.output
    with demo_app.app_context():
        assert demo_counts() == before
        assert db.session.scalar(select(func.count(Authority.id)).where(Authority.name == AUTHORITY_NAME)) == 1


def test_scale_two_makes_two_schools_and_two_colleges():
    app, url = build_demo_app("demo-scale", "--scale", "2")
    try:
        with app.app_context():
            assert len(_orgs("school")) == 2
            assert len(_orgs("college")) == 2
            assert len({o.name for o in db.session.scalars(select(Organisation))}) == 4
    finally:
        dispose(app)
        drop_database(url)


def test_the_school_has_a_past_and_homework(demo_app):
    """Ledgers and results need final marks of the quarter already over; the diary
    needs homework; the grade-1 classes (R2) get neither."""
    import datetime as dt

    from app.demo import today
    from app.models import FinalMark, Homework

    with demo_app.app_context():
        s = db.session
        school = next(o for o in s.scalars(select(Organisation).order_by(Organisation.id)) if "school" in o.plugins)
        over = s.scalars(select(Period.id).where(Period.org_id == school.id, Period.plugin == "school",
                                                 Period.is_final.is_(False), Period.end < today())).all()
        levels = dict(s.execute(
            select(LearnerGroup.level, func.count(FinalMark.id))
            .join(Learner, Learner.group_id == LearnerGroup.id).join(FinalMark, FinalMark.learner_id == Learner.id)
            .where(FinalMark.period_id.in_(over)).group_by(LearnerGroup.level)).all())
        assert over and 1 not in levels and all(levels.get(level, 0) > 0 for level in range(2, 12))
        set_on = s.execute(select(FinalMark.created_at, Period.end).join(Period, Period.id == FinalMark.period_id)
                           .where(FinalMark.period_id.in_(over))).all()
        assert all(created.date() <= end - dt.timedelta(days=2) for created, end in set_on)  # before R4's deadline
        homework = s.execute(select(Homework.entered_at, Lesson.date, LearnerGroup.level)
                             .join(Lesson, Lesson.id == Homework.lesson_id)
                             .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
                             .where(Homework.org_id == school.id)).all()
        assert len(homework) > 500
        assert all(entered.date() == day for entered, day, _level in homework)  # R7: on the lesson's day
        assert all(level > 1 for _entered, _day, level in homework)
