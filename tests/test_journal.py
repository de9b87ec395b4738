"""Классный журнал: the grid, typed cells saved with the rules, conflicts, refusals."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Assignment, Attendance, AuditEntry, Learner, LearnerGroup, Lesson, Mark
from tests.world import QUARTERS, TODAY, YEAR_START, current_quarter

from .test_journal_grid_data import grid_data
from .test_query_counts import assert_fixed_queries

pytestmark = pytest.mark.dates
QUARTER_START, QUARTER_END = current_quarter()[2:]  # the world's period


def _lesson(app, world, days_ago=0, group="org1_group", teacher="org1_teacher", number=3, on=None):
    """A lesson of 5А (or ``group``) on ``on``, else ``days_ago`` days before today."""
    with app.app_context():
        lesson = Lesson(org_id=world.org1, group_id=world.ids[group], subject_id=world.org1_subject,
                        teacher_id=world.ids[teacher], date=on or clock.today() - dt.timedelta(days=days_ago),
                        number=number, topic="Сложение дробей")
        db.session.add(lesson)
        db.session.commit()
        return lesson.id


def _at(day: dt.date) -> dt.datetime:
    """``day`` at the world's hour (10:00), to pin the clock to."""
    return dt.datetime.combine(day, dt.time(10, 0))


def _lesson_days_back(days: int) -> tuple[dt.date, dt.date]:
    """A lesson day of the world's quarter and the day ``days`` later to act on: TODAY when
    the quarter reaches that far back, else a later day of the quarter."""
    lesson_day = max(TODAY - dt.timedelta(days=days), QUARTER_START)
    return lesson_day, lesson_day + dt.timedelta(days=days)


def _final_deadline(app, world) -> dt.date:
    """R4: the last day to set the world period's final marks without a warning."""
    from app.models import Organisation

    with app.app_context():
        org = db.session.get(Organisation, world.org1)
        days = app.extensions["ejournal"].setting(org, "school", "final_mark_days_before_end")
    return QUARTER_END - dt.timedelta(days=days)


def _save(client, *changes):
    return client.post("/journal/save", json={"changes": list(changes)})


def _mark(lesson, learner, value, version=None, key="k"):
    return {"key": key, "kind": "mark", "lesson_id": lesson, "learner_id": learner, "assignment_id": None,
            "value": value, "version": version}


def test_teacher_sees_own_class_alphabetically_with_marks(client, login, world):
    login("teacher1")
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    names = ["Иванов Иван", "Петрова Мария", "Сидоров Пётр"]
    positions = [page.index(n) for n in names]
    assert positions == sorted(positions)
    assert "Чужой" not in page  # a learner of another class
    cells = [cell for line in grid_data(page)["cells"] for cell in line]  # the browser builds the inputs
    assert ["5", 1] in cells and ["", 0, "ОТ", 1] in cells  # the world's mark and absence


def test_other_teacher_cannot_open_the_class(client, login, world):
    login("otherteacher1")
    response = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}")
    assert response.status_code == 404


def test_parent_and_learner_never_reach_the_journal(client, login, world):
    for user in ("parent1", "learner1"):
        login(user)
        response = client.get("/journal/")
        assert response.status_code == 403, user
        assert _save(client, _mark(world.org1_lesson, world.org1_child, "2")).status_code == 403, user
    with client.application.app_context():
        assert db.session.get(Mark, world.org1_mark).value == "5"


def test_typed_mark_is_saved_and_audited(app, client, login, world):
    lesson = _lesson(app, world)
    login("teacher1")
    result = _save(client, _mark(lesson, world.org1_sibling, "4")).get_json()["results"][0]
    assert result["status"] == "saved" and result["value"] == "4" and result["version"] == 1
    with app.app_context():
        mark = db.session.scalar(select(Mark).join(Assignment).where(Assignment.lesson_id == lesson))
        assert (mark.learner_id, mark.value) == (world.org1_sibling, "4")
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Mark", AuditEntry.entity_id == mark.id))
        assert entry.username == "teacher1" and entry.action == "insert"
    # change it: the version moves on, the audit keeps old and new
    result = _save(client, _mark(lesson, world.org1_sibling, "5", version=1)).get_json()["results"][0]
    assert result["status"] == "saved" and result["version"] == 2
    with app.app_context():
        update = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "Mark", AuditEntry.action == "update")
                                   .order_by(AuditEntry.id.desc()))
        assert update.old["value"] == "4" and update.new["value"] == "5"


def test_value_outside_the_scale_is_refused_and_nothing_changes(app, client, login, world):
    lesson = _lesson(app, world)
    login("teacher1")
    results = _save(client, _mark(lesson, world.org1_sibling, "7", key="a"),
                    _mark(lesson, world.org1_learner3, "3", key="b")).get_json()["results"]
    by_key = {r["key"]: r for r in results}
    assert by_key["a"]["status"] == "error" and by_key["a"]["message"].startswith("Отметка «7» не из шкалы")
    assert by_key["b"]["status"] == "saved"  # one bad cell does not stop the others
    with app.app_context():
        values = db.session.scalars(select(Mark.value).join(Assignment).where(Assignment.lesson_id == lesson)).all()
    assert values == ["3"]


def test_edit_window_refuses_old_lessons(app, client, login, world):
    lesson_day, thirty_days_later = _lesson_days_back(30)
    lesson = _lesson(app, world, on=lesson_day)
    login("teacher1")
    with clock.pinned(_at(thirty_days_later)):
        result = _save(client, _mark(lesson, world.org1_sibling, "4")).get_json()["results"][0]
    assert result["status"] == "error" and result["message"].startswith("Срок исправления истёк")
    assert "Запросите разблокировку у завуча" in result["message"]


def test_second_save_of_the_same_cell_gets_a_conflict(app, client, login, world):
    lesson = _lesson(app, world)
    login("teacher1")
    first = _save(client, _mark(lesson, world.org1_sibling, "4")).get_json()["results"][0]
    # two teachers both saw version 1; the first one wins
    ok = _save(client, _mark(lesson, world.org1_sibling, "5", version=first["version"])).get_json()["results"][0]
    late = _save(client, _mark(lesson, world.org1_sibling, "3", version=first["version"])).get_json()["results"][0]
    assert ok["status"] == "saved"
    assert late["status"] == "conflict" and late["value"] == "5"
    with app.app_context():
        assert db.session.scalar(select(Mark.value).join(Assignment).where(Assignment.lesson_id == lesson)) == "5"


def test_attendance_code_and_unknown_code(app, client, login, world):
    lesson = _lesson(app, world)
    login("teacher1")
    ok = {"key": "a", "kind": "attendance", "lesson_id": lesson, "learner_id": world.org1_sibling,
          "assignment_id": None, "value": "от", "version": None}
    bad = dict(ok, key="b", learner_id=world.org1_learner3, value="ЖЖ")
    by_key = {r["key"]: r for r in _save(client, ok, bad).get_json()["results"]}
    assert by_key["a"]["status"] == "saved" and by_key["a"]["value"] == "ОТ"
    assert by_key["b"]["status"] == "error" and "Нет такого кода" in by_key["b"]["message"]
    with app.app_context():
        rows = db.session.scalars(select(Attendance).where(Attendance.lesson_id == lesson)).all()
    assert [(r.learner_id, r.date) for r in rows] == [(world.org1_sibling, clock.today())]


def test_teacher_cannot_mark_another_teachers_lesson_or_learner(app, client, login, world):
    foreign_lesson = _lesson(app, world, group="org1_other_group", teacher="org1_other_teacher")
    own_lesson = _lesson(app, world)
    login("teacher1")
    results = _save(client, _mark(foreign_lesson, world.org1_stranger, "2", key="a"),
                    _mark(own_lesson, world.org1_stranger, "2", key="b")).get_json()["results"]
    assert all(r["status"] == "error" for r in results), results
    with app.app_context():
        assert db.session.scalar(select(func.count(Mark.id)).where(Mark.learner_id == world.org1_stranger)) == 1


def test_no_marks_in_grade_one(app, client, login, world):
    with app.app_context():
        db.session.get(LearnerGroup, world.org1_group).level = 1
        db.session.commit()
    lesson = _lesson(app, world)
    login("teacher1")
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}").get_data(as_text=True)
    assert "отметки не ставятся" in page
    mark = _save(client, _mark(lesson, world.org1_sibling, "5")).get_json()["results"][0]
    assert mark["status"] == "error" and mark["message"] == "В этом классе отметки не ставятся: только посещаемость и темы."
    absence = {"key": "a", "kind": "attendance", "lesson_id": lesson, "learner_id": world.org1_sibling,
               "assignment_id": None, "value": "ОТ", "version": None}
    assert _save(client, absence).get_json()["results"][0]["status"] == "saved"


def test_grid_runs_a_fixed_number_of_queries(app, client, login, world):
    def grow():
        with app.app_context():
            s = db.session
            learners = [Learner(org_id=world.org1, last_name=f"Новиков{i}", first_name="Тест",
                                group_id=world.org1_group) for i in range(12)]
            s.add_all(learners)
            s.flush()
            for d in range(15):
                lesson = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                                teacher_id=world.org1_teacher, date=QUARTER_START + dt.timedelta(days=d), number=4)
                s.add(lesson)
                s.flush()
                for t in range(2):
                    a = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
                    s.add(a)
                    s.flush()
                    s.add_all([Mark(org_id=world.org1, assignment_id=a.id, learner_id=l.id, value="4")
                               for l in learners])
            s.commit()

    login("teacher1")
    page = assert_fixed_queries(app, client, f"/journal/?group={world.org1_group}&subject={world.org1_subject}", grow)
    assert "Новиков11" in page.get_data(as_text=True)


def _final(world, learner, value, version=None, key="f"):
    return {"key": key, "kind": "final", "group_id": world.org1_group, "subject_id": world.org1_subject,
            "period_id": world.org1_period, "learner_id": learner, "value": value, "version": version}


def test_final_column_proposes_the_weighted_average(client, login, world):
    login("teacher1")
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}&period={world.org1_period}")
    html = page.get_data(as_text=True)
    assert "Итог" in html
    # Иванов has one «5»: proposed 5, but fewer current marks than the minimum of 3 (R5)
    assert 'placeholder="5" class="few-marks"' in html
    assert "Текущих отметок меньше минимума (1)" in html


def test_final_marks_refuse_na_and_save_with_versions(app, client, login, world):
    from app.models import FinalMark

    # In time (R4): TODAY, or the deadline when TODAY is in the quarter's last days.
    in_time = min(TODAY, _final_deadline(app, world))
    login("teacher1")
    with clock.pinned(_at(in_time)):
        refused = _save(client, _final(world, world.org1_sibling, "н/а")).get_json()["results"][0]
        saved = _save(client, _final(world, world.org1_sibling, "4")).get_json()["results"][0]
        stale = _save(client, _final(world, world.org1_child, "3", version=None)).get_json()["results"][0]
    assert refused["status"] == "error" and refused["message"] == "Итоговая отметка не может быть «н/а»."
    assert saved["status"] == "saved" and saved["version"] == 1 and saved["message"] == ""
    assert stale["status"] == "conflict" and stale["value"] == "5"  # the world's final mark of Иванов
    with app.app_context():
        values = dict(db.session.execute(select(FinalMark.learner_id, FinalMark.value)
                                         .where(FinalMark.period_id == world.org1_period)).all())
    assert values == {world.org1_child: "5", world.org1_sibling: "4"}


def test_late_final_mark_is_saved_with_the_r4_warning(app, client, login, world):
    deadline = _final_deadline(app, world)
    login("teacher1")
    with clock.pinned(_at(QUARTER_END + dt.timedelta(days=1))):  # the world's quarter is over
        result = _save(client, _final(world, world.org1_sibling, "4")).get_json()["results"][0]
    assert result["status"] == "saved"
    assert result["message"] == (f"Итоговые отметки выставляются не позднее {deadline:%d.%m.%Y}; "
                                 "отметка сохранена с опозданием.")


def test_other_teacher_cannot_set_final_marks(client, login, world):
    login("otherteacher1")
    result = _save(client, _final(world, world.org1_sibling, "4")).get_json()["results"][0]
    assert result["status"] == "error"


def test_subgroup_grid_shows_its_learners_and_lessons_only(app, client, login, world):
    from app.models import Subgroup, SubgroupMember

    # The subgroup's lesson is on another day of the quarter than the world's lesson of the whole class.
    another_day = TODAY - dt.timedelta(days=1) if TODAY > QUARTER_START else TODAY + dt.timedelta(days=1)
    with app.app_context():
        s = db.session
        first, second = (Subgroup(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                                  name=n) for n in ("1 подгруппа", "2 подгруппа"))
        s.add_all([first, second])
        s.flush()
        s.add_all([SubgroupMember(org_id=world.org1, subgroup_id=first.id, learner_id=world.org1_child),
                   SubgroupMember(org_id=world.org1, subgroup_id=second.id, learner_id=world.org1_sibling)])
        s.add(Lesson(org_id=world.org1, group_id=world.org1_group, subgroup_id=second.id, subject_id=world.org1_subject,
                     teacher_id=world.org1_teacher, date=another_day, number=4, topic="Только вторая"))
        s.commit()
        second_id = second.id
    login("teacher1")
    page = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}&period={world.org1_period}"
                      f"&subgroup={second_id}").get_data(as_text=True)
    assert "Петрова Мария" in page and "Иванов Иван" not in page
    assert "Только вторая" in page and "Дроби" not in page
    assert client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}&subgroup=999999").status_code == 404


def test_a_class_outside_the_choices_is_refused(client, login, world):
    login("teacher1")
    assert client.get(f"/journal/?group={world.org1_other_group}&subject={world.org1_subject}").status_code == 404


def test_year_column_proposes_from_period_marks(app, client, login, world):
    from app.models import FinalMark, Period

    # Another quarter of the year: the one before the world's, in the first quarter the next one
    # (then the clock moves into it, as if its final marks were being set).
    number = current_quarter()[0]
    order = number - 1 if number > 1 else number + 1
    name, start, end = QUARTERS[order - 1]
    with app.app_context():
        s = db.session
        other = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="quarter",
                       name=name, start=start, end=end, order=order)
        year = Period(org_id=world.org1, year_id=world.org1_year, plugin="school", type_code="year", name="Год",
                      start=YEAR_START, end=QUARTERS[-1][2], order=5, is_final=True)
        s.add_all([other, year])
        s.flush()
        # Иванов: «4» for the other quarter, the world's «5» for this one: 4.5, below the threshold 0.6 → «4»
        s.add(FinalMark(org_id=world.org1, learner_id=world.org1_child, subject_id=world.org1_subject,
                        period_id=other.id, value="4"))
        s.commit()
        year_id = year.id
    login("teacher1")
    with clock.pinned(_at(max(TODAY, start))):
        html = client.get(f"/journal/?group={world.org1_group}&subject={world.org1_subject}"
                          f"&period={world.org1_period}").get_data(as_text=True)
        result = client.post("/journal/save", json={"changes": [{
            "key": "y", "kind": "final", "group_id": world.org1_group, "subject_id": world.org1_subject,
            "period_id": year_id, "learner_id": world.org1_child, "value": "5", "version": None}]}
        ).get_json()["results"][0]
    assert ">Год</th>" in html
    flat = " ".join(html.split())
    assert f'data-period="{year_id}" data-learner="{world.org1_child}" data-final-version="" placeholder="4"' in flat
    assert result["status"] == "saved"


def test_rest_marks_obey_the_same_rules(app, client, login, world):
    lesson = _lesson(app, world)
    with app.app_context():
        a = Assignment(org_id=world.org1, lesson_id=lesson, type_id=world.org1_type, weight=1)
        db.session.add(a)
        db.session.commit()
        assignment = a.id
    login("teacher1")
    bad = client.post("/api/v1/marks/", json={"assignment": assignment, "learner": world.org1_sibling, "value": "7"})
    assert bad.status_code == 422 and str(bad.get_json()["message"]).startswith("Отметка «7» не из шкалы")
    ok = client.post("/api/v1/marks/", json={"assignment": assignment, "learner": world.org1_sibling, "value": "4"})
    assert ok.status_code == 201
    lesson_day, forty_days_later = _lesson_days_back(40)
    old = _lesson(app, world, on=lesson_day, number=4)
    with app.app_context():
        a = Assignment(org_id=world.org1, lesson_id=old, type_id=world.org1_type, weight=1)
        db.session.add(a)
        db.session.commit()
        old_assignment = a.id
    with clock.pinned(_at(forty_days_later)):
        late = client.post("/api/v1/marks/", json={"assignment": old_assignment, "learner": world.org1_sibling,
                                                   "value": "4"})
    assert late.status_code == 422 and str(late.get_json()["message"]).startswith("Срок исправления истёк")
