"""The college's reports of results and hours (plugins/college/college_reports.py) on
«Техникум № 2»: the сводная ведомость успеваемости группы, the учёт часов работы
преподавателей and the результаты аттестации, checked against figures computed by hand,
under the user's scope and with a number of queries that does not grow with the college."""
from __future__ import annotations

import datetime as dt

import pytest
from flask import current_app

from app.extensions import db
from app.models import (
    FinalMark,
    Learner,
    LearnerGroup,
    Lesson,
    Organisation,
    Period,
    Staff,
    Subject,
    TeachingAssignment,
)
from app.scoping import acting_as
from plugins.college import exams
from plugins.college.curriculum import CurriculumRow
from plugins.college.models import GroupSpecialty, Specialty
from tests.test_query_counts import assert_fixed_queries
from tests.world import TODAY, _user

DAY = dt.timedelta(days=1)
SEMESTER_1 = (TODAY - 150 * DAY, TODAY - 60 * DAY)
SESSION = (TODAY - 59 * DAY, TODAY - 40 * DAY)
SEMESTER_2 = (TODAY - 39 * DAY, TODAY + 100 * DAY)  # holds the whole of the current month
EXAM_DAY = TODAY - 50 * DAY
SPECIALTY = "09.02.07 Информационные системы и программирование"

LEDGER = "/reports/college.group_ledger/"
HOURS = "/reports/college.teacher_hours/"
RESULTS = "/reports/college.attestation_results/"
GROUP_RESULTS = "/reports/college.attestation_results_group/"


def _host():
    return current_app.extensions["ejournal"]


def _final(world, learner, subject, period, value):
    return FinalMark(org_id=world.org2, learner_id=learner, subject_id=subject, period_id=period, value=value)


@pytest.fixture
def college(app, world):
    """The Техникум's year with two semesters, a session between them and the year; 5А is a
    second-course group (semesters 3 and 4) trained in a specialty whose plan sets, in
    semester 3, Математика (экзамен), Физика (зачёт), История (диф. зачёт) and, in semester 4,
    Информатика; 6Б is a first-course group without a specialty (its disciplines are its load).

    Semester 1 of 5А: Иванов 5 / зч / 4 — успевающий, качественный; Петрова 2 / зч / 3 — a
    «2» on the exam: a debt; Сидоров missed the exam without a valid reason (a debt, no final
    mark), нз in Физика, 5 in История. 6Б: Чужой, 3 in Математика."""
    with app.app_context(), acting_as(None):
        s = db.session
        org, year = world.org2, world.org2_year
        ids = {}
        for key, kind, title, (start, end), order, final in (
                ("semester1", "semester", "1 семестр", SEMESTER_1, 10, False),
                ("session", "session", "Зимняя сессия", SESSION, 11, True),
                ("semester2", "semester", "2 семестр", SEMESTER_2, 12, False),
                ("year", "college_year", "Учебный год", (SEMESTER_1[0], SEMESTER_2[1]), 14, True)):
            period = Period(org_id=org, year_id=year, plugin="college", type_code=kind, name=title, start=start,
                            end=end, order=order, is_final=final)
            s.add(period)
            s.flush()
            ids[key] = period.id
        s.get(LearnerGroup, world.org2_group).level = 2
        s.get(LearnerGroup, world.org2_other_group).level = 1
        physics = Subject(org_id=org, name="Физика", plugin="college")
        history = Subject(org_id=org, name="История", plugin="college")
        informatics = Subject(org_id=org, name="Информатика", plugin="college")
        specialty = Specialty(org_id=org, code="09.02.07", name="Информационные системы и программирование",
                              qualification="Программист")
        s.add_all([physics, history, informatics, specialty])
        s.flush()
        s.add(GroupSpecialty(org_id=org, group_id=world.org2_group, specialty_id=specialty.id))
        for semester, subject, form in ((3, world.org2_subject, "exam"), (3, physics.id, "credit"),
                                        (3, history.id, "graded_credit"), (4, informatics.id, "exam")):
            s.add(CurriculumRow(org_id=org, specialty_id=specialty.id, semester=semester, subject_id=subject,
                                kind="discipline", classroom_hours=64, attestation=form))
        sem = ids["semester1"]
        s.add_all([
            _final(world, world.org2_child, physics.id, sem, "зч"), _final(world, world.org2_child, history.id, sem, "4"),
            _final(world, world.org2_sibling, physics.id, sem, "зч"),
            _final(world, world.org2_sibling, history.id, sem, "3"),
            _final(world, world.org2_learner3, physics.id, sem, "нз"),
            _final(world, world.org2_learner3, history.id, sem, "5"),
            _final(world, world.org2_stranger, world.org2_subject, sem, "3"),
        ])
        s.commit()
        sheet = exams.create_sheet(s, _host(), exams.SYSTEM_ACCESS, group_id=world.org2_group,
                                   subject_id=world.org2_subject, session_id=ids["session"], kind="exam",
                                   examiner_id=world.org2_teacher, date=EXAM_DAY)
        exams.fill_sheet(s, _host(), exams.SYSTEM_ACCESS, sheet.id, {
            world.org2_child: "5", world.org2_sibling: "2", world.org2_learner3: exams.ABSENT_INVALID})
        exams.close_sheet(s, _host(), exams.SYSTEM_ACCESS, sheet.id)
        s.commit()
        ids.update(sheet=sheet.id, physics=physics.id, history=history.id, informatics=informatics.id,
                   specialty=specialty.id)
        sm = current_app.appbuilder.sm
        organisation = s.get(Organisation, org)
        _user(sm, "head2", ["Заведующий учебной частью"], organisation)
        _user(sm, "manager2", ["Менеджер учебной части"], organisation)
        _user(sm, "director2", ["Директор"], organisation)
        # Each teacher leads a group: the curator of 5А and the curator of 6Б.
        _user(sm, "teacher2", ["Учитель"], organisation, person=s.get(Staff, world.org2_teacher))
        _user(sm, "otherteacher2", ["Учитель"], organisation, person=s.get(Staff, world.org2_other_teacher))
    return ids


def _json(client, url):
    response = client.get(url + ("&" if "?" in url else "?") + "run=1&format=json")
    assert response.status_code == 200, url
    assert response.content_type.startswith("application/json"), response.get_data(as_text=True)[:300]
    return response.get_json()


def _ledger_url(world, college, period="semester1", group="org2_group"):
    return f"{LEDGER}?group={getattr(world, group)}&period={college[period]}"


# --- the сводная ведомость ------------------------------------------------------------------

LEDGER_COLUMNS = ["№", "ФИО студента", "История", "Математика", "Физика", "Задолженностей"]


def test_the_ledger_of_a_semester_marks_the_debts_and_counts_them(app, client, login, world, college):
    login("head2")
    (table,) = _json(client, _ledger_url(world, college))
    assert table["columns"] == LEDGER_COLUMNS  # Информатика is planned for semester 4 only
    assert table["rows"] == [
        [1, "Иванов Иван", 4, 5, "зч", 0],
        [2, "Петрова Мария", 3, "2 (долг)", "зч", 1],
        [3, "Сидоров Пётр", 5, "долг: неявка (неуважительная причина)", "нз (долг)", 2],
        # Математика: Сидоров has no mark — 2 of 3 attested; Петрова's «2» makes her no успевающая.
        ["", "Аттестовано", "3 из 3", "2 из 3", "3 из 3", None],
        ["", "Успеваемость, %", 100.0, 33.3, 66.7, None],
        ["", "Качество, %", 66.7, 33.3, 66.7, None],
    ]
    assert "5А, 2 курс — 1 семестр 2026/2027" in table["title"]
    # The group: Иванов alone passes every discipline; Сидоров is not attested.
    assert ("Студентов: 3, аттестовано: 2 из 3, с задолженностями: 2; успеваемость: 33,3 %, "
            "качество: 33,3 %") in table["title"]


def test_a_passing_retake_clears_the_debt_in_the_ledger(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        retake = exams.add_retake(db.session, _host(), exams.SYSTEM_ACCESS, sheet_id=college["sheet"],
                                  learner_id=world.org2_sibling, date=TODAY - 5 * DAY, examiner_id=world.org2_teacher)
        exams.fill_retake(db.session, _host(), exams.SYSTEM_ACCESS, retake.id, "4")
        db.session.commit()
    login("manager2")
    (table,) = _json(client, _ledger_url(world, college))
    assert table["rows"][1] == [2, "Петрова Мария", 3, 4, "зч", 0]
    assert table["rows"][4] == ["", "Успеваемость, %", 100.0, 66.7, 66.7, None]


def test_the_ledger_of_the_year_takes_the_years_mark_else_the_semesters(app, client, login, world, college):
    with app.app_context(), acting_as(None):
        db.session.add(_final(world, world.org2_child, world.org2_subject, college["year"], "4"))
        db.session.commit()
    login("head2")
    (table,) = _json(client, _ledger_url(world, college, period="year"))
    # The year closes semesters 3 and 4: Информатика, not examined yet, leaves nobody attested.
    assert table["columns"] == ["№", "ФИО студента", "Информатика", "История", "Математика", "Физика",
                                "Задолженностей"]
    assert table["rows"][0] == [1, "Иванов Иван", "", 4, 4, "зч", 0]
    assert table["rows"][2] == [3, "Сидоров Пётр", "", 5, "долг: неявка (неуважительная причина)", "нз (долг)", 2]
    assert table["rows"][3] == ["", "Аттестовано", "0 из 3", "3 из 3", "2 из 3", "3 из 3", None]
    assert "аттестовано: 0 из 3" in table["title"] and "успеваемость: 0 %" in table["title"]


def test_a_session_stands_for_its_semester_and_a_quarter_is_refused(app, client, login, world, college):
    from plugins.college.report_ledger import group_ledger

    with app.test_request_context(), acting_as(None):
        (by_session,) = group_ledger(db.session, {"group": world.org2_group, "period": college["session"]})
        (by_semester,) = group_ledger(db.session, {"group": world.org2_group, "period": college["semester1"]})
    assert by_session.rows == by_semester.rows
    # The form offers the semesters and the year only: a session or a quarter in the URL is refused.
    login("head2")
    for period in (college["session"], world.org2_period):
        page = client.get(f"{LEDGER}?run=1&group={world.org2_group}&period={period}").get_data(as_text=True)
        assert "такой период не предлагается" in page and "report-table" not in page


def test_the_ledger_prints_as_pdf_and_xlsx(app, client, login, world, college):
    login("director2")
    url = _ledger_url(world, college) + "&run=1"
    page = client.get(url).get_data(as_text=True)
    assert "2 (долг)" in page and "Сводная ведомость успеваемости группы" in page
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
        response = client.get(url + f"&format={fmt}")
        assert response.status_code == 200 and kind in response.content_type, fmt


def test_the_curator_gets_his_groups_ledger_and_not_another_groups(app, client, login, world, college):
    login("teacher2")  # the curator of 5А
    (table,) = _json(client, _ledger_url(world, college))
    assert [r[1] for r in table["rows"][:3]] == ["Иванов Иван", "Петрова Мария", "Сидоров Пётр"]
    login("otherteacher2")  # the curator of 6Б
    page = client.get(_ledger_url(world, college) + "&run=1&format=json").get_data(as_text=True)
    assert "«Учебная группа»: значение не найдено или вам недоступно." in page and "Иванов" not in page


@pytest.mark.parametrize("username", ["admin1", "admin3", "teacher1"])
def test_a_user_of_another_organisation_gets_none_of_the_reports(app, client, login, world, college, username):
    login(username)
    for url in (_ledger_url(world, college), f"{HOURS}?teacher=", f"{RESULTS}?period={college['semester1']}",
                f"{GROUP_RESULTS}?group={world.org2_group}&period={college['semester1']}"):
        response = client.get(url + "&run=1&format=json")
        assert response.status_code in (403, 404), (username, url)
    listed = client.get("/reports/").get_data(as_text=True)
    assert "Сводная ведомость успеваемости группы" not in listed and "Учёт часов работы преподавателей" not in listed


def test_the_ledger_runs_the_same_queries_for_3_and_for_23_students(app, client, login, world, college):
    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            learners = [Learner(org_id=world.org2, last_name=f"Студент{i:02}", first_name="Тест",
                                group_id=world.org2_group, enrolled_on=dt.date(2025, 9, 1)) for i in range(20)]
            s.add_all(learners)
            s.flush()
            s.add_all([_final(world, l.id, subject, college["semester1"], value) for l in learners
                       for subject, value in ((college["physics"], "зч"), (college["history"], "2"),
                                              (world.org2_subject, "4"))])
            s.commit()

    login("head2")
    url = _ledger_url(world, college) + "&run=1&format=json"
    page = assert_fixed_queries(app, client, url, grow)
    (table,) = page.get_json()
    assert len(table["rows"]) == 23 + 3 and table["rows"][-3][3] == "22 из 23"


# --- the учёт часов ------------------------------------------------------------------------

def _month_days(day: dt.date) -> int:
    return ((day.replace(day=28) + 4 * DAY).replace(day=1) - DAY).day


@pytest.fixture
def lessons(app, world, college):
    """Пары of Математика today besides the world's two (5А by Учителева, 6Б by Другова): 5А's
    third пара given by Другова in place of Учителева, a fourth by Учителева herself; a пара
    tomorrow (not held yet) and one the day before the month (another month) count nowhere."""
    with app.app_context(), acting_as(None):
        s = db.session
        common = {"org_id": world.org2, "group_id": world.org2_group, "subject_id": world.org2_subject,
                  "teacher_id": world.org2_teacher}
        s.add_all([Lesson(**common, date=TODAY, number=3, substitute_id=world.org2_other_teacher),
                   Lesson(**common, date=TODAY, number=4),
                   Lesson(**common, date=TODAY + DAY, number=1),
                   Lesson(**common, date=TODAY.replace(day=1) - DAY, number=1)])
        s.commit()


def test_the_hours_of_a_month_count_a_substitutes_para_for_him(app, client, login, world, college, lessons):
    login("head2")
    by_line, by_teacher = _json(client, f"{HOURS}?teacher=")
    month, to_date = round(5 * _month_days(TODAY) / 7, 1), round(5 * TODAY.day / 7, 1)
    assert by_line["columns"][3:] == ["План на месяц, ч", f"План по {TODAY:%d.%m.%Y}, ч", "Проведено, ч",
                                      "в т. ч. замещения, ч", "Проведено замещающими, ч", "Отклонение, ч"]
    assert by_line["rows"] == [
        # Другова gave 5А one пара in place of Учителева: hers, with no plan of her own for 5А.
        ["Другова Вера", "Математика", "5А", 0.0, 0.0, 2, 2, 0, 2.0],
        ["Другова Вера", "Математика", "6Б", month, to_date, 2, 0, 0, round(2 - 5 * TODAY.day / 7, 1)],
        ["Учителева Анна Петровна", "Математика", "5А", month, to_date, 4, 0, 2, round(4 - 5 * TODAY.day / 7, 1)],
        ["Итого", "", "", round(2 * 5 * _month_days(TODAY) / 7, 1), round(2 * 5 * TODAY.day / 7, 1), 8, 2, 2,
         round(8 - 2 * 5 * TODAY.day / 7, 1)],
    ]
    assert [r[0] for r in by_teacher["rows"]] == ["Другова Вера", "Учителева Анна Петровна", "Итого"]
    assert by_teacher["rows"][0][3:6] == [4, 2, 0]
    assert "пара — 2 академических часа" in by_line["title"]


def test_the_hours_of_one_teacher(app, client, login, world, college, lessons):
    login("manager2")
    by_line, _by_teacher = _json(client, f"{HOURS}?teacher=учителева")
    assert [r[:3] for r in by_line["rows"]] == [["Учителева Анна Петровна", "Математика", "5А"], ["Итого", "", ""]]
    assert by_line["rows"][-1][5] == 4


def test_the_hours_are_not_the_curators(app, client, login, world, college):
    login("teacher2")
    assert client.get(f"{HOURS}?run=1&format=json").status_code in (403, 404)


def test_the_hours_run_the_same_queries_for_2_and_for_12_teachers(app, client, login, world, college, lessons):
    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            staff = [Staff(org_id=world.org2, last_name=f"Преподаватель{i}", first_name="Тест") for i in range(10)]
            s.add_all(staff)
            s.flush()
            for i, teacher in enumerate(staff):
                s.add(TeachingAssignment(org_id=world.org2, year_id=world.org2_year, teacher_id=teacher.id,
                                         subject_id=college["history"], group_id=world.org2_other_group,
                                         hours_per_week=2))
                s.add(Lesson(org_id=world.org2, group_id=world.org2_other_group, subject_id=college["history"],
                             teacher_id=teacher.id, date=TODAY, number=5 + i,
                             substitute_id=world.org2_teacher if i % 2 else None))
            s.commit()

    login("head2")
    page = assert_fixed_queries(app, client, f"{HOURS}?teacher=&run=1&format=json", grow)
    by_line, _by_teacher = page.get_json()
    assert by_line["rows"][-1][5] == 8 + 10 * 2


# --- the результаты аттестации ---------------------------------------------------------------

def test_the_results_of_the_college_by_group_course_and_specialty(app, client, login, world, college):
    login("head2")
    groups, courses, specialties = _json(client, f"{RESULTS}?period={college['semester1']}")
    assert groups["columns"] == ["Курс", "Специальность", "Группа", "Студентов", "Аттестовано", "Успевающих",
                                 "Качественных («4», «5», «зачёт»)", "Успеваемость, %", "Качество, %"]
    assert groups["rows"] == [
        [1, "специальность не указана", "6Б", 1, 1, 1, 0, 100.0, 0.0],
        [2, SPECIALTY, "5А", 3, 2, 1, 1, 33.3, 33.3],
        ["", "", "Итого по колледжу", 4, 3, 2, 1, 50.0, 25.0],
    ]
    assert courses["rows"] == [[1, 1, 1, 1, 0, 100.0, 0.0], [2, 3, 2, 1, 1, 33.3, 33.3],
                               ["Итого по колледжу", 4, 3, 2, 1, 50.0, 25.0]]
    assert specialties["rows"] == [[SPECIALTY, 3, 2, 1, 1, 33.3, 33.3],
                                   ["специальность не указана", 1, 1, 1, 0, 100.0, 0.0],
                                   ["Итого по колледжу", 4, 3, 2, 1, 50.0, 25.0]]


def test_the_results_of_a_group_by_discipline(app, client, login, world, college):
    login("director2")
    (table,) = _json(client, f"{GROUP_RESULTS}?group={world.org2_group}&period={college['semester1']}")
    assert table["rows"] == [
        ["История", 3, 3, 3, 2, 100.0, 66.7],
        ["Математика", 3, 2, 1, 1, 33.3, 33.3],
        ["Физика", 3, 3, 2, 2, 66.7, 66.7],
        ["Итого по группе", 3, 2, 1, 1, 33.3, 33.3],
    ]


def test_the_results_draw_a_chart_and_print(app, client, login, world, college):
    login("admin2")
    url = f"{RESULTS}?run=1&period={college['semester1']}"
    page = client.get(url).get_data(as_text=True)
    assert 'class="report-chart"' in page and "Успеваемость и качество по группам, %" in page
    for fmt, kind in (("pdf", "application/pdf"), ("xlsx", "spreadsheetml")):
        response = client.get(url + f"&format={fmt}")
        assert response.status_code == 200 and kind in response.content_type, fmt


def test_the_curator_sees_the_results_of_his_group_only(app, client, login, world, college):
    login("otherteacher2")  # the curator of 6Б
    groups, _courses, _specialties = _json(client, f"{RESULTS}?period={college['semester1']}")
    assert [r[2] for r in groups["rows"]] == ["6Б", "Итого по колледжу"]
    page = client.get(f"{GROUP_RESULTS}?run=1&format=json&group={world.org2_group}"
                      f"&period={college['semester1']}").get_data(as_text=True)
    assert "вам недоступно" in page and "История" not in page


def test_the_authoritys_officer_reads_the_results_of_its_college(app, client, login, world, college):
    login("uo_a")
    groups, _courses, _specialties = _json(
        client, f"{RESULTS}?organisation={world.org2}&period={college['semester1']}")
    assert groups["rows"][-1] == ["", "", "Итого по колледжу", 4, 3, 2, 1, 50.0, 25.0]
    assert client.get(f"{HOURS}?run=1&format=json&organisation={world.org2}").status_code in (403, 404)


def test_the_results_run_the_same_queries_for_2_and_for_8_groups(app, client, login, world, college):
    def grow():
        with app.app_context(), acting_as(None):
            s = db.session
            for g in range(6):
                group = LearnerGroup(org_id=world.org2, year_id=world.org2_year, kind="college_group",
                                     name=f"ИС-{g}", level=1 + g % 4)
                s.add(group)
                s.flush()
                if g % 2:
                    s.add(GroupSpecialty(org_id=world.org2, group_id=group.id, specialty_id=college["specialty"]))
                learners = [Learner(org_id=world.org2, last_name=f"Студент{g}-{i}", first_name="Тест",
                                    group_id=group.id) for i in range(4)]
                s.add_all(learners)
                s.flush()
                s.add_all([_final(world, l.id, world.org2_subject, college["semester1"], "5") for l in learners])
            s.commit()

    login("head2")
    page = assert_fixed_queries(app, client, f"{RESULTS}?run=1&format=json&period={college['semester1']}", grow)
    groups, _courses, _specialties = page.get_json()
    assert groups["rows"][-1][3] == 4 + 6 * 4
