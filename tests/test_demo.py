"""The demo authority: what `flask --app app demo` builds, its logins, idempotence, --scale."""
from __future__ import annotations

import datetime as dt
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
from tests.world import TODAY

pytestmark = pytest.mark.dates  # the demo is built on TODAY

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
        # A college calls the core's teacher and learner roles by its own words.
        if "колледж" in row["organisation"]:
            shown = {"Учитель": "Преподаватель", "Обучающийся": "Студент"}.get(shown, shown)
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
    """Ledgers and results need final marks of the periods already over, in each class of the
    periods it studies by (quarters; halves in grades 10–11, the demo year's mode); the diary
    needs homework of the lessons given so far; the grade-1 classes (R2) get neither.
    The demo is built on TODAY: on 1 September nothing of the year is over, so no final marks."""
    from app.models import AcademicYear, FinalMark, Homework

    with demo_app.app_context():
        s = db.session
        school = next(o for o in s.scalars(select(Organisation).order_by(Organisation.id)) if "school" in o.plugins)
        year = s.scalar(select(AcademicYear).where(AcademicYear.org_id == school.id, AcademicYear.closed.is_(False)))
        classes = s.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id,
                                                       LearnerGroup.kind == "class")).all()
        periods = s.scalars(select(Period).where(Period.year_id == year.id, Period.plugin == "school",
                                                 Period.is_final.is_(False))).all()

        def over(level):
            studied = "half" if level >= 10 else "quarter"
            return {p.id for p in periods if p.type_code == studied and p.end < TODAY} if level > 1 else set()

        finals = s.execute(select(Learner.group_id, FinalMark.period_id, FinalMark.created_at, Period.end)
                           .join(Learner, Learner.id == FinalMark.learner_id)
                           .join(Period, Period.id == FinalMark.period_id)
                           .where(FinalMark.org_id == school.id, Period.year_id == year.id,
                                  Period.is_final.is_(False))).all()
        periods_with_finals = {g.id: set() for g in classes}
        for group_id, period_id, _created, _end in finals:
            periods_with_finals.setdefault(group_id, set()).add(period_id)
        assert periods_with_finals == {g.id: over(g.level) for g in classes}
        assert all(created.date() <= end - dt.timedelta(days=2) for _g, _p, created, end in finals)  # R4's deadline
        lessons = set(s.scalars(select(Lesson.id).join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
                                .where(LearnerGroup.year_id == year.id, LearnerGroup.kind == "class",
                                       LearnerGroup.level > 1, Lesson.date <= TODAY)))
        homework = s.execute(select(Homework.lesson_id, Homework.entered_at, Lesson.date, LearnerGroup.level)
                             .join(Lesson, Lesson.id == Homework.lesson_id)
                             .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
                             .where(Homework.org_id == school.id)).all()
        assert {lesson for lesson, *_rest in homework} <= lessons  # lessons given so far, not in grade 1
        assert len(homework) > len(lessons) / 2  # most of them
        assert {level for *_rest, level in homework} == set(range(2, 12))
        assert all(entered.date() == day for _lesson, entered, day, _level in homework)  # R7: on the lesson's day


def test_the_college_has_a_timetable_of_pairs_its_lessons_and_a_lesson_plan(demo_app):
    """The college's semester: bells of pairs, a timetable of every group with no преподаватель
    in two groups at once, the lessons generated from it (each linked to its line) up to
    the semester's end, the pairs held so far with topics, marks on the five-point scale and
    attendance, and a КТП whose topics flowed into its pairs."""
    from app.models import AcademicYear
    from app.models.plans import LessonPlan, LessonTopicLink
    from app.models.timetable import Bell, TimetableEntry, TimetableLesson

    with demo_app.app_context():
        s = db.session
        (college,) = _orgs("college")
        year = s.scalar(select(AcademicYear).where(AcademicYear.org_id == college.id, AcademicYear.closed.is_(False)))
        bells = s.execute(select(Bell.number, Bell.start, Bell.end).where(Bell.year_id == year.id)
                          .order_by(Bell.number)).all()
        assert bells[0] == (1, "08:30", "10:00") and len(bells) == 5  # a pair is two academic hours
        groups = s.scalars(select(LearnerGroup.id).where(LearnerGroup.year_id == year.id)).all()
        entries = s.execute(select(TimetableEntry.group_id, TimetableEntry.weekday, TimetableEntry.number,
                                   TimetableEntry.teacher_id).where(TimetableEntry.year_id == year.id)).all()
        assert {e.group_id for e in entries} == set(groups)
        slots = [(e.weekday, e.number, e.teacher_id) for e in entries]
        assert len(slots) == len(set(slots))  # the timetable refuses a teacher in two places at once
        lessons = s.scalar(select(func.count()).select_from(Lesson).where(Lesson.group_id.in_(groups)))
        linked = s.scalar(select(func.count()).select_from(TimetableLesson)
                          .where(TimetableLesson.group_id.in_(groups)))
        assert lessons == linked > 0
        semester = s.scalar(select(Period).where(Period.year_id == year.id, Period.type_code == "semester",
                                                 Period.start <= TODAY).order_by(Period.start.desc()))
        held = s.scalars(select(Lesson).where(Lesson.group_id.in_(groups), Lesson.date <= TODAY)).all()
        assert min(lesson.date for lesson in held) < semester.start + dt.timedelta(days=7)  # from its first week
        assert all(lesson.topic for lesson in held)
        values = set(s.scalars(select(Mark.value).join(Assignment).join(Lesson).where(Lesson.group_id.in_(groups))))
        assert values and values <= {"2", "3", "4", "5"}
        absences = s.scalar(select(func.count()).select_from(Attendance).join(Lesson, Lesson.id == Attendance.lesson_id)
                            .where(Lesson.group_id.in_(groups)))
        assert absences > 0
        plan = s.scalar(select(LessonPlan).where(LessonPlan.year_id == year.id))
        assert plan is not None and sum(t.hours for t in plan.topics) > 0
        assert s.scalar(select(func.count()).select_from(LessonTopicLink)
                        .where(LessonTopicLink.plan_id == plan.id)) > 0


def test_the_college_has_specialties_curricula_a_session_and_portfolios(demo_app, logins):
    """The college's own records, each written through its service: two specialties with every
    group linked, a curriculum of every semester of the three courses (disciplines, МДК in a
    ПМ, a practice; экзамен, зачёт, дифференцированный зачёт) that the teaching load agrees
    with; the sheets of the coming session, one examined by the demo преподаватель; once the
    winter session is over, its sheets closed with the semester's finals («зч» for a зачёт),
    two retakes and one academic debt left; portfolios the report finds stale for some only."""
    from app.models import AcademicYear, FinalMark, TeachingAssignment
    from plugins.college import exams
    from plugins.college.curriculum import CurriculumRow
    from plugins.college.curriculum_service import load_check
    from plugins.college.exam_models import ExamResult, ExamRetake, ExamSheet
    from plugins.college.models import GroupSpecialty, Specialty
    from plugins.college.portfolio_report import stale_portfolios

    with demo_app.app_context():
        s = db.session
        host = demo_app.extensions["ejournal"]
        (college,) = _orgs("college")
        year = s.scalar(select(AcademicYear).where(AcademicYear.org_id == college.id, AcademicYear.closed.is_(False)))
        specialties = s.scalars(select(Specialty).where(Specialty.org_id == college.id)).all()
        assert len(specialties) == 2
        groups = s.scalars(select(LearnerGroup.id).where(LearnerGroup.year_id == year.id)).all()
        assert sorted(s.scalars(select(GroupSpecialty.group_id))) == sorted(groups)
        rows = s.execute(select(CurriculumRow.specialty_id, CurriculumRow.semester, CurriculumRow.kind,
                                CurriculumRow.attestation, CurriculumRow.parent_id)).all()
        for specialty in specialties:
            assert {r.semester for r in rows if r.specialty_id == specialty.id} == set(range(1, 7))
            lines, ungrouped = load_check(s, specialty.id)
            assert lines and not ungrouped and {line.status for line in lines} == {"ok"}
        assert {"discipline", "module", "mdk", "training_practice"} <= {r.kind for r in rows}
        assert all(r.parent_id for r in rows if r.kind in ("mdk", "training_practice"))
        assert {"exam", "credit", "graded_credit"} <= {r.attestation for r in rows}

        sessions = s.scalars(select(Period).where(Period.year_id == year.id, Period.type_code == "session")
                             .order_by(Period.start)).all()
        sheets = s.scalars(select(ExamSheet).where(ExamSheet.org_id == college.id)).all()
        assert sheets and all(sheet.closed == (sheet.date < TODAY) for sheet in sheets)
        teacher = next(r["username"] for r in logins if r["username"].startswith("c1-teacher"))
        examiner = s.scalar(select(Account.person_id).where(Account.username == teacher))
        if TODAY <= sessions[-1].end:
            assert any(not sheet.closed and sheet.examiner_id == examiner for sheet in sheets)
        closed = [sheet for sheet in sheets if sheet.closed]
        for sheet in closed:  # closing wrote the semester's finals of every mark on the sheet
            marks = dict(s.execute(select(ExamResult.learner_id, ExamResult.value).where(
                ExamResult.sheet_id == sheet.id, ExamResult.outcome == "mark")).all())
            finals = dict(s.execute(select(FinalMark.learner_id, FinalMark.value).where(
                FinalMark.subject_id == sheet.subject_id, FinalMark.period_id == sheet.period_id,
                FinalMark.learner_id.in_(marks))).all())
            assert set(finals) == set(marks)
            if sheet.kind == "credit":
                assert set(finals.values()) <= {"зч", "нз"}
        retakes = s.scalars(select(ExamRetake).where(ExamRetake.org_id == college.id)).all()
        debts = exams.debts(s, host)
        if sessions[0].end < TODAY:
            assert any(sheet.kind == "credit" for sheet in closed) and any(sheet.kind == "exam" for sheet in closed)
            assert len(retakes) == 2 and all(retake.closed for retake in retakes)
            assert len(debts) == 1
        else:
            assert not retakes and not debts

        semester = s.scalar(select(Period).where(Period.year_id == year.id, Period.type_code == "semester",
                                                 Period.start <= TODAY).order_by(Period.start.desc()))
        (table,) = stale_portfolios(s, {"organisation": college.id})
        if semester.start < TODAY:  # two corrections need two days of the semester
            teachers = s.scalar(select(func.count(func.distinct(TeachingAssignment.teacher_id)))
                                .where(TeachingAssignment.year_id == year.id))
            assert 0 < len(table.rows) < teachers
