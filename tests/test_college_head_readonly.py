"""The Заведующий учебной частью of a college sees every section and report and edits
nothing (seed 003). The write routes are not listed here: they are read from the URL map
(every POST, PUT, PATCH and DELETE, and Flask-AppBuilder's add, edit and delete pages),
so a page added later is checked like the others."""
from __future__ import annotations

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.models import Model, Organisation
from app.scoping import acting_as

from .world import _user

HEAD = "Заведующий учебной частью"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
FAB_WRITE_PAGES = {"add", "edit", "delete", "action", "action_post", "api_create", "api_update", "api_delete"}
# Routes every signed-in user has for himself: they write nothing of the organisation.
OWN = {"AuthDBView.login", "EjournalAuthDBView.login", "AuthDBView.logout", "EjournalAuthDBView.logout", "PasswordChangeView", "ChangeOwnPassword", "ResetMyPasswordView",
       "UserInfoEditView", "LocaleView", "static", "appbuilder", "SessionView"}
# The main pages the head must open.
PAGES = ["/", "/movement/", "/movement/learner/{org2_child}", "/movement-overdue/", "/year-closing/", "/reports/",
         "/learnerview/list/", "/guardianview/list/", "/guardianlinkview/list/", "/staffview/list/",
         "/learnergroupview/list/", "/teachingassignmentview/list/", "/lessonview/list/", "/markview/list/",
         "/finalmarkview/list/", "/auditview/list/"]


@pytest.fixture
def head(app, world):
    with app.app_context(), acting_as(None):
        _user(current_app.appbuilder.sm, "head2", [HEAD], db.session.get(Organisation, world.org2))


def _view_of(app, endpoint: str):
    name = endpoint.split(".", 1)[0]
    return next((v for v in app.appbuilder.baseviews if type(v).__name__ == name), None)


def write_routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, rule, method) of every route that may change something."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".", 1)[0] in OWN or rule.endpoint in OWN:
            continue
        methods = rule.methods & WRITE_METHODS
        if rule.endpoint.rsplit(".", 1)[-1] in FAB_WRITE_PAGES and "GET" in rule.methods:
            methods = methods | {"GET"}
        for method in sorted(methods):
            routes.append((rule.endpoint, rule.rule, method))
    return routes


def _row_ids(app, world) -> dict:
    """An id of org2 for each argument a route may name, so that refusals are not mere 404s."""
    return {"learner_id": world.org2_child, "lesson_id": world.org2_lesson, "group_id": world.org2_group,
            "year_id": world.org2_year, "period_id": world.org2_period, "subject_id": world.org2_subject,
            "staff_id": world.org2_teacher, "teacher_id": world.org2_teacher, "guardian_id": world.org2_parent,
            "person_id": world.org2_child, "org_id": world.org2, "assignment_id": world.org2_assignment,
            "mark_id": world.org2_mark}


def _pk(app, world, endpoint) -> int:
    model = getattr(getattr(_view_of(app, endpoint), "datamodel", None), "obj", None)
    if model is None or not hasattr(model, "id"):
        return 1
    with app.app_context(), acting_as(None):
        where = [model.org_id == world.org2] if hasattr(model, "org_id") else []
        return db.session.scalar(select(func.min(model.id)).where(*where)) or 1


def _url(app, world, endpoint, rule, method) -> str | None:
    werkzeug_rule = next(r for r in app.url_map.iter_rules(endpoint) if r.rule == rule)
    known = _row_ids(app, world)
    values = {}
    for arg in werkzeug_rule.arguments:
        converter = type(werkzeug_rule._converters[arg]).__name__
        if arg == "pk":
            values[arg] = _pk(app, world, endpoint)
        elif arg in known:
            values[arg] = known[arg]
        elif arg == "name" and endpoint.endswith((".action", ".action_post")):
            actions = list(getattr(_view_of(app, endpoint), "actions", {}) or {})
            if not actions:
                return None  # a view without actions has nothing to run
            values[arg] = actions[0]
        elif converter in ("IntegerConverter", "NumberConverter"):
            values[arg] = 1
        else:
            values[arg] = "1"
    with app.test_request_context():
        return app.url_map.bind("localhost").build(endpoint, values, method=method)


# The record of his own visits and sessions grows with every request he makes.
OWN_TRACES = {"user_activity", "activity_day", "account_session", "login_attempt", "ab_user"}


def _state(app) -> dict[str, int]:
    """A fingerprint of every table but his own traces: a change anywhere changes it."""
    with app.app_context(), acting_as(None):
        return {t.name: hash(repr(db.session.execute(select(t).order_by(*t.primary_key.columns)).all()))
                for t in Model.metadata.sorted_tables if t.name not in OWN_TRACES}


def _walk(app, client, world, routes) -> tuple[dict, dict]:
    """Every route once: (status → count, route → the tables it changed)."""
    state = _state(app)
    statuses, changed = {}, {}
    for endpoint, rule, method in routes:
        url = _url(app, world, endpoint, rule, method)
        if url is None:
            continue
        reply = client.open(url, method=method, data={"confirm": "yes"})
        statuses[reply.status_code] = statuses.get(reply.status_code, 0) + 1
        # Refused outright: no right (403), nothing of his organisation (404), no such method (405).
        if reply.status_code in (401, 403, 404, 405):
            continue
        # Refused by a rule of the page, with a message: then nothing may have changed.
        now = _state(app)
        if now != state:
            changed[(endpoint, method, url)] = sorted(t for t in now if now[t] != state[t])
            state = now
    return statuses, changed


def test_every_write_route_is_refused_to_the_head(app, client, login, world, head):
    routes = write_routes(app)
    assert ("MovementBookView.order", "/movement/learner/<int:learner_id>/order", "POST") in routes
    assert any(endpoint == "LearnerView.add" for endpoint, _, _ in routes)  # FAB's add pages are found
    login("head2")
    statuses, changed = _walk(app, client, world, routes)
    assert changed == {}
    assert statuses.get(403, 0) > len(routes) // 2, statuses  # most are refused by right, before any rule


def test_the_walk_sees_a_write_where_the_right_is(app, client, login, world, head):
    """The same walk as the Администратор of the college changes something: the check can fail."""
    routes = [r for r in write_routes(app) if r[0].endswith(".delete")]
    login("admin2")
    statuses, changed = _walk(app, client, world, routes)
    assert changed, (statuses, routes)


def test_the_head_opens_every_main_page(app, client, login, world, head):
    login("head2")
    for path in PAGES:
        path = path.format(org2_child=world.org2_child)
        assert client.get(path).status_code == 200, path
    home = client.get("/").get_data(as_text=True)
    for link in ("/movement/", "/reports/", "/year-closing/"):
        assert link in home, link


def test_the_head_has_read_rights_on_the_study_sections(app, world, head):
    with app.app_context():
        host = app.extensions["ejournal"]
        rights = host.roles[HEAD].permissions
        for resource in ("Timetable", "LessonPlans", "Curriculum", "CurriculumLoad", "Movement", "MovementOverdue",
                         "YearClosing", "Reports", "Learners", "Guardians", "Staff", "Audit", "Consents"):
            assert rights.get(resource) == "read", resource
        assert "write" not in set(rights.values())


def test_the_head_runs_the_deputys_reports(app, client, login, world, head):
    login("head2")
    page = client.get("/reports/").get_data(as_text=True)
    assert ("Наполняемость текущих оценок" in page,
            client.get("/reports/core.marks_fill/?run=1&format=json").status_code) == (True, 200)
