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
from tests.world import QUARTERS, TODAY, YEAR_START, current_quarter

pytestmark = pytest.mark.dates

_number, QUARTER, QUARTER_START, QUARTER_END = current_quarter()
MONTHS = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь"]
SHORT_MONTHS = ["янв.", "фев.", "март", "апр.", "май", "июнь", "июль", "авг.", "сен.", "окт.", "нояб.", "дек."]


def _weekdays(start: dt.date, end: dt.date) -> int:
    return sum((start + dt.timedelta(days=i)).weekday() < 5 for i in range((end - start).days + 1))


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
    English subgroup; Ушедший left in the middle of the period (the world's quarter)."""
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
                       enrolled_on=dt.date(2022, 9, 1), left_on=QUARTER_START + (QUARTER_END - QUARTER_START) // 2)
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
    # counted, «5», «4», «3», «2», не аттестовано, аттестовано, успеваемость, качество, средний балл
    assert rows["Математика"] == [4, 1, 1, 1, 0, 1, "3 из 4", 75.0, 50.0, 4.0]  # Ушедший's «2» is not counted
    assert rows["Английский язык"] == [3, 1, 0, 1, 1, 0, "3 из 3", 66.7, 33.3, 3.33]  # Новиков is in no subgroup
    assert rows["Итого по классу"] == [4, 2, 1, 2, 1, 0, "4 из 4", 75.0, 25.0, 3.67]


def test_class_teacher_report_lists(app, world, klass):
    summary, lists = _run(app, "school.class_teacher_period", organisation=world.org1, group=world.org1_group,
                          period=world.org1_period)
    figures = dict(summary.rows)
    assert (figures["Отличники"], figures["Хорошисты"], figures["С одной «3»"], figures["Неуспевающие"]) == (1, 0, 2, 1)
    assert figures["Успеваемость, %"] == 75.0 and figures["Качество, %"] == 25.0
    assert figures["Аттестовано"] == "4 из 4"  # the basis of the percentages
    assert figures["в т. ч. причина не выяснена («ОТ»)"] == 1  # Сидоров's absence of TODAY
    assert lists.rows == [["Отличник", "Иванов Иван", ""], ["С одной «3»", "Новиков Семён", "Математика"],
                          ["С одной «3»", "Петрова Мария", "Английский язык"],
                          ["Неуспевающий", "Сидоров Пётр", "Английский язык"]]


def test_ledger_keeps_departed_learners_and_numbers(app, world, klass):
    (table,) = _run(app, "school.ledger", organisation=world.org1, group=world.org1_group)
    assert table.title == QUARTER and table.columns == ["ФИО", "Английский язык", "Математика"]
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
    absent = [1, 0, 0, 0, 1, 0, 0]  # Сидоров's «ОТ» of TODAY
    months = [(2026, m) for m in range(9, 13)] + [(2027, m) for m in range(1, 7)]  # the school year
    assert table.rows == [[f"{MONTHS[m - 1]} {y}", *(absent if (y, m) == (TODAY.year, TODAY.month) else [0] * 7)]
                          for y, m in months] + [["Итого за год", *absent]]
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
                                                 ("Сидоров Пётр", "мало отметок: 0 из 3")]
    assert absences.rows == [["Сидоров Пётр", 1]]


def test_journal_print_form(app, world):
    marks, topics = _run(app, "school.journal_print", organisation=world.org1, group=world.org1_group,
                         subject=world.org1_subject, period=world.org1_period)
    assert marks.columns == ["ФИО", f"{TODAY:%d.%m}", "Итог"]
    assert marks.rows == [["Иванов Иван", "5", "5"], ["Петрова Мария", "4", ""], ["Сидоров Пётр", "ОТ", ""]]
    assert topics.rows[0][1:3] == [1, "Дроби"] and topics.rows[0][4] == "Учителева А. П."


def test_attendance_ledger_by_learner_and_month(app, world):
    (table,) = _run(app, "school.attendance_ledger", organisation=world.org1, group=world.org1_group)
    rows = {r[0]: r[1:] for r in table.rows}
    month = table.columns.index(SHORT_MONTHS[TODAY.month - 1]) - 1
    assert rows["Сидоров Пётр"][month] == 1 and rows["Сидоров Пётр"][-4:] == [1, 0, 0, 1]
    assert sum(rows["Иванов Иван"]) == 0
    assert table.title.split(":")[0] == "Пропущено уроков"  # lessons, not days


def test_year_results_outcomes(app, world):
    from app.models import Period

    with app.app_context(), acting_as(None):
        year = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="year", name="Год",
                      start=YEAR_START, end=QUARTERS[-1][2], order=5, is_final=True)
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
    from app.models import Learner, LearnerGroup
    from app.services.movement import apply_order

    month_start = TODAY.replace(day=1)
    month_end = (month_start + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    with app.app_context(), acting_as(None):
        s = db.session
        five, six = s.get(LearnerGroup, world.org1_group), s.get(LearnerGroup, world.org1_other_group)
        newcomer = Learner(org_id=world.org1, last_name="Новенький", first_name="Илья")
        s.add(newcomer)
        s.flush()
        # Orders of this month, none later than TODAY (on the month's first day all three are of that day).
        first, second, third = (max(month_start, TODAY - dt.timedelta(days=d)) for d in (5, 3, 0))
        apply_order(s, s.get(Learner, world.org1_sibling), "transfer", number="12-у", date=first, to_group=six)
        apply_order(s, newcomer, "enrol", number="14-у", date=second, to_group=six,
                    destination="прибыл из МБОУ СОШ № 3")
        apply_order(s, s.get(Learner, world.org1_learner3), "depart", number="15-у", date=third,
                    destination="МБОУ СОШ № 5 г. Самара")
        s.commit()
        assert five.name == "5А"
    dates = dict(organisation=world.org1, dates_from=month_start, dates_to=month_end)
    (dynamics,) = _run(app, "school.movement_dynamics", **dates)
    assert dynamics.rows == [["5А", 3, 0, 2, 1], ["6Б", 1, 2, 0, 3], ["Итого", 4, 2, 2, 4]]
    (ledger,) = _run(app, "school.movement_ledger", **dates)
    assert [r[1:5] for r in ledger.rows] == [["12-у", "Перевод в другой класс", "Петрова Мария", "5А"],
                                             ["14-у", "Зачисление", "Новенький Илья", ""],
                                             ["15-у", "Выбытие", "Сидоров Пётр", "5А"]]
    assert ledger.rows[2][7] == "МБОУ СОШ № 5 г. Самара"


def _school_days(start: dt.date, step: int, n: int) -> list[dt.date]:
    """``n`` weekdays counted from ``start`` (not itself) forwards (step 1) or backwards (-1), in date order."""
    days, day = [], start
    while len(days) < n:
        day += dt.timedelta(days=step)
        if day.weekday() < 5:
            days.append(day)
    return sorted(days)


def test_material_covered_against_the_plan(app, world):
    from app.models import Lesson
    from app.models.plans import LessonPlan, PlanTopic
    from app.services.plans import flow_topics

    # Three lessons given by the report's date (two of the plan, the world's lesson of TODAY
    # with the teacher's own topic) and one after it. The two are the school days before
    # TODAY in the quarter, and on its first days the two after it (the report's date then too).
    earlier = _school_days(TODAY, -1, 2)
    if earlier[0] < QUARTER_START:
        earlier = _school_days(TODAY, 1, 2)
    on = max(TODAY, earlier[-1])
    (later,) = _school_days(on, 1, 1)
    with app.app_context(), acting_as(None):
        s = db.session
        s.add_all([Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                          teacher_id=world.org1_teacher, date=d, number=1, topic="")
                   for d in (*earlier, later)])
        plan = LessonPlan(org_id=world.org1, year_id=world.org1_year, group_id=world.org1_group,
                          subject_id=world.org1_subject)
        s.add(plan)
        s.flush()
        s.add_all([PlanTopic(org_id=world.org1, plan_id=plan.id, position=i, title=t, hours=h)
                   for i, (t, h) in enumerate([("Натуральные числа", 4), ("Дроби", 6)], start=1)])
        s.flush()
        flow_topics(s, plan)
        s.commit()
    (table,) = _run(app, "school.material_covered", organisation=world.org1, date=on)
    # 10 h planned, spread over the study weekdays of the quarter (the world's only period):
    # the share past by the date is due. Three lessons given, two on the plan's topics.
    due = round(10 * _weekdays(QUARTER_START, min(on, QUARTER_END)) / _weekdays(QUARTER_START, QUARTER_END))
    assert table.rows == [["5А", "Математика", 10, due, 3, 2, 1, max(due - 3, 0)]]
