"""Успеваемость, качество, средний балл and the class lists, checked against
figures computed by hand on small classes, with the edge cases a Завуч meets:
a learner with no final mark, a learner who left mid-period, a subject taught
in subgroups (a learner outside them), a no-marks grade (R2)."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.models import FinalMark, Learner, LearnerGroup, Subgroup, SubgroupMember, Subject, TeachingAssignment
from app.scoping import acting_as
from app.services.figures import summarise


def _scale(app):
    return app.extensions["ejournal"].scale_for("class")


def test_summarise_by_hand(app):
    marks = {1: ["5", "5", "5"], 2: ["5", "4"], 3: ["4", "3", "5"], 4: ["2", "5"], 5: [None, "5"], 6: []}
    f = summarise(marks, _scale(app))
    assert (f.counted, f.passing, f.quality) == (6, 3, 2)
    assert (f.excellent, f.good, f.one_three, f.failing, f.not_assessed) == (1, 1, 1, 1, 2)
    assert f.progress_pct == 50.0 and f.quality_pct == 33.3
    assert f.mean == round(48 / 11, 2) == 4.36
    assert f.counts == {"5": 7, "4": 2, "3": 1, "2": 1}


def test_nobody_counted_gives_no_percentages(app):
    f = summarise({}, _scale(app))
    assert f.progress_pct is None and f.quality_pct is None and f.mean is None


@pytest.fixture
def klass(app, world):
    """5А of org1: Иванов, Петрова, Сидоров (world) and Новиков, who is in no
    English subgroup; Ушедший left in the middle of the period."""
    with app.app_context(), acting_as(None):
        s, org, period = db.session, world.org1, world.org1_period
        english = Subject(org_id=org, name="Английский язык", plugin="school")
        s.add(english)
        s.flush()
        s.add(TeachingAssignment(org_id=org, year_id=world.org1_year, teacher_id=world.org1_teacher,
                                 subject_id=english.id, group_id=world.org1_group, hours_per_week=3))
        novikov = Learner(org_id=org, last_name="Новиков", first_name="Семён", group_id=world.org1_group,
                          enrolled_on=dt.date(2022, 9, 1))
        gone = Learner(org_id=org, last_name="Ушедший", first_name="Антон", group_id=world.org1_group,
                       enrolled_on=dt.date(2022, 9, 1), left_on=dt.date(2026, 11, 12))
        s.add_all([novikov, gone])
        s.flush()
        sg1 = Subgroup(org_id=org, group_id=world.org1_group, subject_id=english.id, name="1 группа")
        sg2 = Subgroup(org_id=org, group_id=world.org1_group, subject_id=english.id, name="2 группа")
        s.add_all([sg1, sg2])
        s.flush()
        s.add_all([SubgroupMember(org_id=org, subgroup_id=sg1.id, learner_id=world.org1_child),
                   SubgroupMember(org_id=org, subgroup_id=sg1.id, learner_id=world.org1_sibling),
                   SubgroupMember(org_id=org, subgroup_id=sg2.id, learner_id=world.org1_learner3)])
        maths = world.org1_subject  # Иванов already has «5» (world)
        finals = [(world.org1_sibling, maths, "4"), (novikov.id, maths, "3"), (gone.id, maths, "2"),
                  (world.org1_child, english.id, "5"), (world.org1_sibling, english.id, "3"),
                  (world.org1_learner3, english.id, "2")]
        s.add_all([FinalMark(org_id=org, learner_id=l, subject_id=sub, period_id=period, value=v)
                   for l, sub, v in finals])
        s.commit()
        return {"english": english.id, "novikov": novikov.id, "gone": gone.id}


def _run(app, report, **params):
    with app.test_request_context(), acting_as(None):
        return app.extensions["ejournal"].reports[report].run(db.session, params)


def test_class_results_by_subject(app, world, klass):
    (table,) = _run(app, "school.class_results", organisation=world.org1, group=world.org1_group,
                    period=world.org1_period)
    rows = {r[0]: r[1:] for r in table.rows}
    # counted, «5», «4», «3», «2», не аттестовано, успеваемость, качество, средний балл
    assert rows["Математика"] == [4, 1, 1, 1, 0, 1, 75.0, 50.0, 4.0]  # Ушедший's «2» is not counted
    assert rows["Английский язык"] == [3, 1, 0, 1, 1, 0, 66.7, 33.3, 3.33]  # Новиков is in no subgroup
    assert rows["Итого по классу"] == [4, 2, 1, 2, 1, 0, 75.0, 25.0, 3.67]


def test_class_teacher_report_lists(app, world, klass):
    summary, lists = _run(app, "school.class_teacher_period", organisation=world.org1, group=world.org1_group,
                          period=world.org1_period)
    figures = dict(summary.rows)
    assert (figures["Отличники"], figures["Хорошисты"], figures["С одной «3»"], figures["Неуспевающие"]) == (1, 0, 2, 1)
    assert figures["Успеваемость, %"] == 75.0 and figures["Качество, %"] == 25.0
    assert figures["в т. ч. причина не выяснена («ОТ»)"] == 1  # Сидоров's absence of 20.11
    assert lists.rows == [["Отличник", "Иванов Иван", ""], ["С одной «3»", "Новиков Семён", "Математика"],
                          ["С одной «3»", "Петрова Мария", "Английский язык"],
                          ["Неуспевающий", "Сидоров Пётр", "Английский язык"]]


def test_ledger_keeps_departed_learners_and_numbers(app, world, klass):
    (table,) = _run(app, "school.ledger", organisation=world.org1, group=world.org1_group)
    assert table.title == "2 четверть" and table.columns == ["ФИО", "Английский язык", "Математика"]
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Иванов Иван"] == [5, 5] and rows["Новиков Семён"] == ["—", 3]
    assert rows["Ушедший Антон"] == ["—", 2]  # kept in the ledger for the time they were in the class
    assert rows["Сидоров Пётр"] == [2, None]


def test_no_marks_grade_has_no_figures(app, world):
    with app.app_context(), acting_as(None):
        first = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name="1А", level=1)
        db.session.add(first)
        db.session.commit()
        group_id = first.id
    (table,) = _run(app, "school.class_results", organisation=world.org1, group=group_id, period=world.org1_period)
    assert table.rows[0][2] == "Параллель без отметок: показатели не считаются."


def test_class_results_page_for_the_class_teacher_only(client, login, world, klass):
    url = f"/reports/school.class_results/?run=1&group={world.org1_group}&period={world.org1_period}"
    login("teacher1")  # leads 5А
    assert "75" in client.get(url).get_data(as_text=True)
    login("otherteacher1")  # leads 6Б: 5А is not among the choices
    page = client.get(url).get_data(as_text=True)
    assert "вам недоступно" in page and "Итого по классу" not in page


def test_results_chart_on_the_page_and_in_the_pdf(client, login, world, klass):
    url = f"/reports/school.class_results/?run=1&group={world.org1_group}&period={world.org1_period}"
    login("deputy1")
    page = client.get(url).get_data(as_text=True)
    assert 'class="report-chart" src="data:image/png;base64,' in page
    assert 'alt="Успеваемость и качество по предметам, %"' in page
    pdf = client.get(url + "&format=pdf").data
    assert b"/Subtype /Image" in pdf


def test_attendance_by_month_counts_reasons(app, world):
    (table,) = _run(app, "school.attendance_by_month", organisation=world.org1, group=world.org1_group)
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["Ноябрь 2026"] == [1, 0, 0, 0, 1, 0, 0]  # Сидоров's «ОТ» of 20.11
    assert rows["Итого за год"] == [1, 0, 0, 0, 1, 0, 0] and rows["Октябрь 2026"] == [0] * 7
    assert table.chart is not None


def test_preliminary_report_forecasts_and_risks(app, world):
    forecast, risk, absences = _run(app, "school.preliminary", organisation=world.org1, group=world.org1_group,
                                    period=world.org1_period)
    rows = {r[0]: r[1:] for r in forecast.rows}
    assert forecast.columns == ["ФИО", "Математика", "Пропущено без уважительной причины"]
    assert rows["Иванов Иван"] == [5, 0] and rows["Петрова Мария"] == [4, 0] and rows["Сидоров Пётр"] == [None, 1]
    # one mark each, the organisation asks for three (R5): everyone is at risk of not being assessed
    assert [(r[0], r[4]) for r in risk.rows] == [("Иванов Иван", "мало отметок: 1 из 3"),
                                                 ("Петрова Мария", "мало отметок: 1 из 3"),
                                                 ("Сидоров Пётр", "мало отметок: 0 из 3 (R5)")]
    assert absences.rows == [["Сидоров Пётр", 1]]


def test_journal_print_form(app, world):
    marks, topics = _run(app, "school.journal_print", organisation=world.org1, group=world.org1_group,
                         subject=world.org1_subject, period=world.org1_period)
    assert marks.columns == ["ФИО", "20.11", "Итог"]
    assert marks.rows == [["Иванов Иван", "5", "5"], ["Петрова Мария", "4", ""], ["Сидоров Пётр", "ОТ", ""]]
    assert topics.rows[0][1:3] == [1, "Дроби"] and topics.rows[0][4] == "Учителева А. П."


def test_attendance_ledger_by_learner_and_month(app, world):
    (table,) = _run(app, "school.attendance_ledger", organisation=world.org1, group=world.org1_group)
    rows = {r[0]: r[1:] for r in table.rows}
    november = table.columns.index("нояб.") - 1
    assert rows["Сидоров Пётр"][november] == 1 and rows["Сидоров Пётр"][-4:] == [1, 0, 0, 1]
    assert sum(rows["Иванов Иван"]) == 0


def test_year_results_outcomes(app, world):
    import datetime as dt

    from app.models import Period

    with app.app_context(), acting_as(None):
        year = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="year", name="Год",
                      start=dt.date(2026, 9, 1), end=dt.date(2027, 5, 26), order=5, is_final=True)
        db.session.add(year)
        db.session.flush()
        db.session.add_all([FinalMark(org_id=world.org1, learner_id=l, subject_id=world.org1_subject,
                                      period_id=year.id, value=v)
                            for l, v in ((world.org1_child, "5"), (world.org1_sibling, "2"))])
        db.session.commit()
    (table,) = _run(app, "school.year_results", organisation=world.org1, group=world.org1_group)
    assert table.rows == [["Иванов Иван", 5, 5.0, "отличник"], ["Петрова Мария", 2, 2.0, "академическая задолженность"],
                          ["Сидоров Пётр", None, None, "не аттестован"]]


def test_journal_print_refused_for_another_class(client, login, world):
    url = (f"/reports/school.journal_print/?run=1&group={world.org1_group}&subject={world.org1_subject}"
           f"&period={world.org1_period}")
    login("teacher1")
    assert "Дроби" in client.get(url).get_data(as_text=True)
    login("otherteacher1")
    page = client.get(url).get_data(as_text=True)
    assert "вам недоступно" in page and "Дроби" not in page


def test_movement_reports_add_up(app, world):
    import datetime as dt

    from app.models import Learner, LearnerGroup
    from plugins.school.movement.services import apply_order

    with app.app_context(), acting_as(None):
        s = db.session
        five, six = s.get(LearnerGroup, world.org1_group), s.get(LearnerGroup, world.org1_other_group)
        newcomer = Learner(org_id=world.org1, last_name="Новенький", first_name="Илья")
        s.add(newcomer)
        s.flush()
        apply_order(s, s.get(Learner, world.org1_sibling), "transfer", number="12-у", date=dt.date(2026, 11, 10),
                    to_group=six)
        apply_order(s, newcomer, "enrol", number="14-у", date=dt.date(2026, 11, 12), to_group=six,
                    destination="прибыл из МБОУ СОШ № 3")
        apply_order(s, s.get(Learner, world.org1_learner3), "depart", number="15-у", date=dt.date(2026, 11, 15),
                    destination="МБОУ СОШ № 5 г. Самара")
        s.commit()
        assert five.name == "5А"
    dates = dict(organisation=world.org1, dates_from=dt.date(2026, 11, 1), dates_to=dt.date(2026, 11, 30))
    (dynamics,) = _run(app, "school.movement_dynamics", **dates)
    assert dynamics.rows == [["5А", 3, 0, 2, 1], ["6Б", 1, 2, 0, 3], ["Итого", 4, 2, 2, 4]]
    (ledger,) = _run(app, "school.movement_ledger", **dates)
    assert [r[1:5] for r in ledger.rows] == [["12-у", "Перевод в другой класс", "Петрова Мария", "5А"],
                                             ["14-у", "Зачисление", "Новенький Илья", ""],
                                             ["15-у", "Выбытие", "Сидоров Пётр", "5А"]]
    assert ledger.rows[2][7] == "МБОУ СОШ № 5 г. Самара"


def test_material_covered_against_the_plan(app, world):
    import datetime as dt

    from app.models import Lesson
    from plugins.school.plans.models import LessonPlan, PlanTopic
    from plugins.school.plans.services import flow_topics

    with app.app_context(), acting_as(None):
        s = db.session
        s.add_all([Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                          teacher_id=world.org1_teacher, date=dt.date(2026, 11, d), number=1, topic="")
                   for d in (16, 18, 25)])
        plan = LessonPlan(org_id=world.org1, year_id=world.org1_year, group_id=world.org1_group,
                          subject_id=world.org1_subject)
        s.add(plan)
        s.flush()
        s.add_all([PlanTopic(org_id=world.org1, plan_id=plan.id, position=i, title=t, hours=h)
                   for i, (t, h) in enumerate([("Натуральные числа", 4), ("Дроби", 6)], start=1)])
        s.flush()
        flow_topics(s, plan)
        s.commit()
    (table,) = _run(app, "school.material_covered", organisation=world.org1, date=dt.date(2026, 11, 20))
    # 10 h planned; 12 of the 38 study weekdays of «2 четверть» past → 3 h due; three lessons given,
    # two on the plan's topics, the world's lesson of 20.11 with the teacher's own «Дроби».
    assert table.rows == [["5А", "Математика", 10, 3, 3, 2, 1, 0]]
