"""Every route that can write a journal record refuses what the journal's rules forbid.

The routes are not listed here: they are read from the URL map (every POST, PUT,
PATCH and DELETE of a view whose model is a journal record, or whose permission
resource is one of the journal's) and checked against the OpenAPI document. A
route added later is attacked like the others without touching this file.

Each attack is a request a teacher (or a Завуч) could forge: a mark outside the
scale, «н/а» as a final mark, a mark after the edit window, a mark in a no-marks
grade, a mark on another teacher's lesson, a learner of another class, an old
lesson moved into the window, a teacher naming himself substitute. Every route
gets the attack as JSON and as a form, with its path filled with the attacked
rows; afterwards the forbidden state must not exist.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import (
    Assignment, Attendance, FinalMark, Homework, Learner, LearnerGroup, Lesson, Mark,
)
from tests.world import PASSWORD

JOURNAL_MODELS = {Mark, FinalMark, Attendance, Lesson, Homework, Assignment}
# Permission resources of the views that write journal records without a model of their own.
JOURNAL_RESOURCES = {"Marks", "FinalMarks", "Attendance", "Lessons", "Unlocks", "Timetable"}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def _view_of(app, endpoint: str):
    name = endpoint.split(".", 1)[0]
    return next((v for v in app.appbuilder.baseviews if type(v).__name__ == name), None)


def journal_write_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every route that may write a journal record."""
    routes = []
    for rule in app.url_map.iter_rules():
        view = _view_of(app, rule.endpoint)
        if view is None:
            continue
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model not in JOURNAL_MODELS and getattr(view, "class_permission_name", None) not in JOURNAL_RESOURCES:
            continue
        for method in sorted(rule.methods & WRITE_METHODS):
            routes.append((rule.endpoint, rule.rule, method))
    return routes


def test_the_openapi_document_and_the_url_map_agree_on_the_journal_writes(app, client, login):
    login("sysadmin")
    spec = client.get("/api/v1/_openapi").get_json()
    documented = {
        (path, method.upper())
        for path, item in spec["paths"].items()
        for method in item
        if method.upper() in WRITE_METHODS and path.split("/")[3] in {"marks", "attendance", "lessons", "finals"}
    }
    mapped = {(rule.replace("<int:pk>", "{pk}").replace("<pk>", "{pk}"), method)
              for _e, rule, method in journal_write_routes(app) if rule.startswith("/api/")}
    assert documented == mapped
    assert documented  # the REST resources are there to be attacked


@dataclass
class Target:
    """The rows an attack aims at; ``lesson`` and ``row`` fill the route's path."""

    lesson: int
    row: dict = field(default_factory=dict)  # model → id, for <pk>
    change: dict = field(default_factory=dict)  # the journal grid's change
    fields: dict = field(default_factory=dict)  # REST and form fields


def _setup(app, world) -> dict:
    """Rows the attacks need, besides the world's."""
    window = 10  # the school's default edit window (R1), in days
    with app.app_context():
        s = db.session
        today = clock.today()
        old = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                     teacher_id=world.org1_teacher, date=today - dt.timedelta(days=window + 5), number=4, topic="Старый")
        others = Lesson(org_id=world.org1, group_id=world.org1_group, subject_id=world.org1_subject,
                        teacher_id=world.org1_other_teacher, date=today, number=5, topic="Чужой урок")
        first = LearnerGroup(org_id=world.org1, year_id=world.org1_year, kind="class", name="1А", level=1,
                             leader_id=world.org1_teacher)
        s.add_all([old, others, first])
        s.flush()
        pupil = Learner(org_id=world.org1, last_name="Первоклассник", first_name="Миша", group_id=first.id)
        first_lesson = Lesson(org_id=world.org1, group_id=first.id, subject_id=world.org1_subject,
                              teacher_id=world.org1_teacher, date=today, number=1, topic="Счёт")
        s.add_all([pupil, first_lesson])
        s.flush()
        assignments = {}
        for key, lesson in (("old", old), ("others", others), ("first", first_lesson)):
            a = Assignment(org_id=world.org1, lesson_id=lesson.id, type_id=world.org1_type, weight=1)
            s.add(a)
            s.flush()
            assignments[key] = a.id
        old_mark = Mark(org_id=world.org1, assignment_id=assignments["old"], learner_id=world.org1_child, value="4")
        others_mark = Mark(org_id=world.org1, assignment_id=assignments["others"], learner_id=world.org1_child,
                           value="3")
        others_absence = Attendance(org_id=world.org1, learner_id=world.org1_sibling, lesson_id=others.id,
                                    date=today, code_id=world.org1_code)
        s.add_all([old_mark, others_mark, others_absence])
        s.commit()
        return {"old": old.id, "others": others.id, "first": first_lesson.id, "pupil": pupil.id, "first_group": first.id,
                "old_date": old.date, "a_old": assignments["old"], "a_others": assignments["others"],
                "a_first": assignments["first"], "old_mark": old_mark.id, "others_mark": others_mark.id,
                "others_absence": others_absence.id}


def _mark_change(lesson, assignment, learner, value):
    return {"kind": "mark", "lesson_id": lesson, "assignment_id": assignment, "learner_id": learner, "value": value,
            "version": None}


def _targets(world, x) -> dict[str, Target]:
    own = world.org1_lesson
    return {
        "a mark outside the scale": Target(own, {Mark: world.org1_mark}, _mark_change(own, world.org1_assignment,
                                           world.org1_sibling, "7"),
                                           {"assignment": world.org1_assignment, "learner": world.org1_sibling,
                                            "value": "7"}),
        "«н/а» as a final mark": Target(own, {FinalMark: world.org1_final}, {
            "kind": "final", "group_id": world.org1_group, "subject_id": world.org1_subject,
            "period_id": world.org1_period, "learner_id": world.org1_sibling, "value": "н/а", "version": None},
            {"learner": world.org1_sibling, "subject": world.org1_subject, "period": world.org1_period,
             "value": "н/а"}),
        "a change after the edit window": Target(x["old"], {Mark: x["old_mark"]}, _mark_change(
            x["old"], x["a_old"], world.org1_sibling, "5"),
            {"assignment": x["a_old"], "learner": world.org1_sibling, "lesson": x["old"], "value": "5", "code": "ОТ"}),
        "a mark in a no-marks grade": Target(x["first"], {}, _mark_change(x["first"], x["a_first"], x["pupil"], "5"),
                                             {"assignment": x["a_first"], "learner": x["pupil"], "value": "5"}),
        "a lesson of another teacher": Target(x["others"], {Mark: x["others_mark"], Attendance: x["others_absence"],
                                                            Lesson: x["others"]},
                                              _mark_change(x["others"], x["a_others"], world.org1_learner3, "2"),
                                              {"assignment": x["a_others"], "learner": world.org1_learner3,
                                               "lesson": x["others"], "value": "2", "code": "ОТ", "topic": "Взлом",
                                               "text": "Чужое задание"}),
        "a learner of another group": Target(own, {}, _mark_change(own, world.org1_assignment, world.org1_stranger, "5"),
                                             {"assignment": world.org1_assignment, "learner": world.org1_stranger,
                                              "lesson": own, "value": "5", "code": "ОТ"}),
        "a lesson moved into the window": Target(x["old"], {Lesson: x["old"]}, {},
                                                 {"date": clock.today().isoformat(), "number": 6,
                                                  "group": world.org1_group, "subject": world.org1_subject,
                                                  "teacher": world.org1_teacher, "topic": "Старый"}),
        "a teacher naming himself substitute": Target(x["others"], {Lesson: x["others"]}, {},
                                                      {"substitute": world.org1_teacher, "reason": "Сам себе",
                                                       "date": clock.today().isoformat(), "number": 5,
                                                       "topic": "Чужой урок", "group": world.org1_group,
                                                       "subject": world.org1_subject,
                                                       "teacher": world.org1_other_teacher}),
    }


def _forbidden(world, x) -> dict[str, callable]:
    """For each attack, the state it must not leave behind (True: it did)."""

    def count(model, *where):
        return db.session.scalar(select(func.count()).select_from(model).where(*where))

    return {
        "a mark outside the scale": lambda: count(Mark, Mark.value == "7") > 0,
        "«н/а» as a final mark": lambda: count(FinalMark, FinalMark.value.in_(["н/а", "на"])) > 0,
        "a change after the edit window": lambda: db.session.execute(
            select(Mark.learner_id, Mark.value).where(Mark.assignment_id == x["a_old"])).all()
            != [(world.org1_child, "4")] or count(Attendance, Attendance.lesson_id == x["old"]) > 0,
        "a mark in a no-marks grade": lambda: count(Mark, Mark.learner_id == x["pupil"]) > 0,
        "a lesson of another teacher": lambda: db.session.execute(
            select(Mark.learner_id, Mark.value).join(Assignment).where(Assignment.lesson_id == x["others"])).all()
            != [(world.org1_child, "3")]
            or count(Attendance, Attendance.lesson_id == x["others"]) != 1
            or db.session.get(Lesson, x["others"]).topic != "Чужой урок"
            or count(Homework, Homework.lesson_id == x["others"]) > 0,
        "a learner of another group": lambda: count(Mark, Mark.learner_id == world.org1_stranger,
                                                    Mark.assignment_id == world.org1_assignment) > 0
            or count(Attendance, Attendance.learner_id == world.org1_stranger, Attendance.lesson_id == world.org1_lesson) > 0,
        "a lesson moved into the window": lambda: db.session.get(Lesson, x["old"]).date != x["old_date"],
        "a teacher naming himself substitute": lambda: db.session.get(Lesson, x["others"]).substitute_id is not None,
    }


def _url(app, endpoint: str, rule: str, method: str, target: Target) -> str | None:
    view = _view_of(app, endpoint)
    model = getattr(getattr(view, "datamodel", None), "obj", None)
    werkzeug_rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule)
    values = {}
    for arg in werkzeug_rule.arguments:
        if arg == "pk":
            if model not in target.row:
                return None  # nothing of this model is attacked
            values[arg] = target.row[model]
        elif arg == "lesson_id":
            values[arg] = target.lesson
        elif arg == "name":
            values[arg] = "muldelete"
        else:
            values[arg] = target.lesson
    with app.test_request_context():
        return app.url_map.bind("localhost").build(endpoint, values, method=method)


def _attack(app, client, routes, target: Target):
    statuses = {}
    for endpoint, rule, method in routes:
        url = _url(app, endpoint, rule, method, target)
        if url is None:
            continue
        body = {**target.fields, "changes": [dict(target.change, key="k")] if target.change else []}
        json_reply = client.open(url, method=method, json=body)
        form_reply = client.open(url, method=method, data={k: v for k, v in target.fields.items()})
        statuses[(endpoint, method)] = (json_reply.status_code, form_reply.status_code)
    return statuses


ATTACKS = ["a mark outside the scale", "«н/а» as a final mark", "a change after the edit window",
           "a mark in a no-marks grade", "a lesson of another teacher", "a learner of another group",
           "a lesson moved into the window", "a teacher naming himself substitute"]
# The Завуч schedules lessons and names substitutes: only the rules that bind everyone apply to him.
DEPUTY_ATTACKS = [a for a in ATTACKS if a not in {"a lesson of another teacher", "a teacher naming himself substitute"}]


@pytest.mark.dates
@pytest.mark.parametrize("user,attack", [("teacher1", a) for a in ATTACKS] + [("deputy1", a) for a in DEPUTY_ATTACKS])
def test_every_journal_write_route_refuses(app, world, user, attack):
    x = _setup(app, world)
    routes = journal_write_routes(app)
    assert ("JournalView.save", "/journal/save", "POST") in routes  # the enumeration finds the grid
    client = app.test_client()
    with app.app_context():
        assert client.post("/login/", data={"username": user, "password": PASSWORD}).status_code == 302
        statuses = _attack(app, client, routes, _targets(world, x)[attack])
    with app.app_context():
        assert not _forbidden(world, x)[attack](), statuses
