"""CSRF on every state-changing route (issue 16, item 4): every POST/PUT/PATCH/DELETE
of the URL map, the REST API's included, is refused without the token when the
request comes with the session cookie; «Выход» is such a POST too.

The suite runs with ``WTF_CSRF_ENABLED`` off (tests/conftest.py); these tests turn
it on for their own app (the fixture restores the configuration after each test)."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.csrf import EXEMPT
from app.extensions import db
from app.models import Account, AuditEntry, Mark
from tests.conftest import csrf_headers, csrf_token

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Routes written without a token, each with its reason: none. The login form's POST is
# checked like every form (FAB's LoginForm_db carries the token: the login page's GET
# puts it in the session before any account is known), see
# test_login_without_the_token_is_refused.
EXCEPTIONS: dict[str, str] = {}
FILL = {"int": "1", "default": "1", "string": "1", "path": "1"}


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _url(rule) -> str:
    values = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__.replace("Converter", "").lower()
        values[name] = {"name": "delete", "kind": "learners"}.get(name, FILL.get(converter, "1"))
    return rule.build(values, append_unknown=False)[1]


def _message(response) -> str:
    if response.is_json:
        return response.get_json()["message"]
    return response.get_data(as_text=True)


def _writes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & WRITES):
            if rule.endpoint not in EXCEPTIONS:
                yield rule, method


def test_exceptions_are_the_apps_own():
    assert EXEMPT == EXCEPTIONS


@pytest.mark.parametrize("username", ["admin1", "sysadmin"])
def test_every_write_without_the_token_is_refused(app, client, login, username):
    login(username)
    app.config["WTF_CSRF_ENABLED"] = True
    before = _count(app, AuditEntry)
    writes = list(_writes(app))
    api = [rule.rule for rule, _m in writes if rule.rule.startswith("/api/")]
    assert len(api) >= 18  # six resources × POST, PUT, DELETE (and every plugin's API)
    assert {"/logout/", "/login/"} <= {rule.rule for rule, _m in writes}
    accepted = []
    for rule, method in writes:
        url = _url(rule)
        kwargs = {"json": {"value": "5"}} if url.startswith("/api/") else {"data": {"name": "x"}}
        response = client.open(url, method=method, **kwargs)
        if response.status_code != 400 or "Обновите страницу и отправьте форму ещё раз." not in _message(response):
            accepted.append((method, url, response.status_code))
    assert accepted == []
    assert _count(app, AuditEntry) == before
    # «Выход» without the token was refused too: the session goes on.
    assert client.get("/").status_code == 200
    assert b'id="logout-form"' in client.get("/").data


def test_api_write_with_the_token_header_is_accepted(app, client, login, world):
    login("teacher1")
    app.config["WTF_CSRF_ENABLED"] = True
    payload = {"assignment": world.org1_assignment, "learner": world.org1_learner3, "value": "4"}
    before = _count(app, Mark)
    refused = client.post("/api/v1/marks/", json=payload)
    assert refused.status_code == 400 and refused.get_json()["message"] == "Обновите страницу и отправьте форму ещё раз."
    assert _count(app, Mark) == before
    response = client.post("/api/v1/marks/", json=payload, headers=csrf_headers(client))
    assert response.status_code == 201, response.get_json()
    assert _count(app, Mark) == before + 1


def test_a_token_of_another_session_is_refused(app, client, login, world):
    app.config["WTF_CSRF_ENABLED"] = True
    other = app.test_client()
    foreign = csrf_token(other, "/login/")
    app.config["WTF_CSRF_ENABLED"] = False
    login("teacher1")
    app.config["WTF_CSRF_ENABLED"] = True
    payload = {"assignment": world.org1_assignment, "learner": world.org1_learner3, "value": "4"}
    response = client.post("/api/v1/marks/", json=payload, headers={"X-CSRFToken": foreign})
    assert response.status_code == 400


def test_login_without_the_token_is_refused(app, client):
    from tests.world import PASSWORD

    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/login/", data={"username": "admin1", "password": PASSWORD})
    assert response.status_code == 400
    assert "Форма устарела" in response.get_data(as_text=True)
    token = csrf_token(client, "/login/")
    response = client.post("/login/", data={"username": "admin1", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and not response.headers["Location"].endswith("/login/")


def test_page_scripts_send_the_meta_token(app, client, login):
    login("admin1")
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token(client)
    script = client.get("/static/ejournal.js").get_data(as_text=True)
    assert 'meta[name="csrf-token"]' in script and "X-CSRFToken" in script
    form = client.get("/").get_data(as_text=True)
    assert f'name="csrf_token" value="{token}"' in form  # the «Выход» form of the menu


def test_get_logout_only_asks(app, client, login):
    login("admin1")
    page = client.get("/logout/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Завершить сеанс работы с журналом?" in text and 'id="logout-confirm"' in text
    assert b'id="logout-form"' in client.get("/").data  # still signed in


def test_logout_is_a_post_with_the_token(app, client, login, world):
    login("admin1")
    app.config["WTF_CSRF_ENABLED"] = True
    with app.app_context():
        epoch = db.session.get(Account, world.user_admin1).session_epoch or 0
    refused = client.post("/logout/")
    assert refused.status_code == 400
    assert client.get("/").status_code == 200
    response = client.post("/logout/", data={"csrf_token": csrf_token(client)})
    assert response.status_code == 302
    with app.app_context():
        assert (db.session.get(Account, world.user_admin1).session_epoch or 0) == epoch + 1
    assert client.get("/logout/").status_code == 302  # signed out: nothing to ask
    assert client.get("/journal/").status_code in (302, 401, 403)


def test_logout_form_is_in_the_menu_and_works_in_a_browser_like_flow(app, client, login):
    login("admin1")
    app.config["WTF_CSRF_ENABLED"] = True
    page = client.get("/").get_data(as_text=True)
    assert 'id="logout-form"' in page and 'action="/logout/"' in page
    assert 'href="/logout/"' not in page
