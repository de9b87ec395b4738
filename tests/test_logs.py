"""Logs for operations (app/logs.py): one JSON access line per request with its request
id, user and organisation; the request id echoed (a hostile one replaced); an error
logged once with its traceback and shown to the user as a Russian page with the id."""
from __future__ import annotations

import io
import json
import logging

import pytest

from app import create_app
from app.logs import JsonFormatter, configure_logging, request_id_from

from .conftest import base_config, dispose, drop_database, make_database


def _access_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "ejournal.access"]


def test_a_request_writes_one_json_access_line_with_who_and_how_long(client, login, world, caplog):
    login("teacher1")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="ejournal.access"):
        response = client.get("/journal/?learner=Иванов")
    (line,) = _access_lines(caplog)
    assert {key: line[key] for key in ("method", "path", "route", "status", "user_id", "org_id", "remote_addr")} == {
        "method": "GET", "path": "/journal/", "route": "/journal/", "status": response.status_code,
        "user_id": world.user_teacher1, "org_id": world.org1, "remote_addr": "127.0.0.1"}
    assert line["request_id"] == response.headers["X-Request-ID"] and len(line["request_id"]) == 32
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert "Иванов" not in json.dumps(line, ensure_ascii=False)  # the query string is never logged


def test_the_configured_handler_writes_json_lines(client):
    stream = io.StringIO()
    handler = configure_logging("INFO", "json", stream=stream)
    try:
        response = client.get("/health", headers={"X-Request-ID": "lb-42"})
    finally:
        logging.getLogger().removeHandler(handler)
    lines = [json.loads(text) for text in stream.getvalue().splitlines()]
    access = [line for line in lines if line["logger"] == "ejournal.access"]
    assert [(a["path"], a["status"], a["request_id"], a["level"]) for a in access] == [
        ("/health", response.status_code, "lb-42", "INFO")]


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/health", headers={"X-Request-ID": "req-0123456789abcdef"})
    assert response.headers["X-Request-ID"] == "req-0123456789abcdef"


@pytest.mark.parametrize("hostile", ["a b", "x" * 65, "id\";alert(1)", "<script>", "ид-запроса"])
def test_a_hostile_request_id_is_replaced(client, hostile):
    response = client.get("/health", headers={"X-Request-ID": hostile})
    echoed = response.headers["X-Request-ID"]
    assert echoed != hostile and echoed == request_id_from(echoed) and len(echoed) == 32


@pytest.fixture(scope="module")
def failing(template_db):
    """An app of its own, as production runs it: behind one proxy, the error page
    instead of the test's exception, and a view that fails."""
    url = make_database(template=template_db[0])
    app = create_app({**base_config(url), "TRUSTED_PROXIES": 1, "PROPAGATE_EXCEPTIONS": False})

    @app.route("/_boom")
    def _boom():
        raise RuntimeError("сломалось")

    yield app
    dispose(app)
    drop_database(url)


def test_an_error_is_logged_once_and_shown_in_russian_with_the_request_id(failing, caplog):
    caplog.clear()
    with caplog.at_level(logging.INFO):
        response = failing.test_client().get("/_boom", headers={"X-Request-ID": "support-call-7"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Ошибка на сервере" in page and "Код обращения: support-call-7" in page
    assert "Traceback" not in page and "сломалось" not in page
    with_traceback = [r for r in caplog.records if r.exc_info]
    assert [(r.levelname, r.request_id, r.exc_info[0]) for r in with_traceback] == [
        ("ERROR", "support-call-7", RuntimeError)]
    (line,) = _access_lines(caplog)
    assert (line["status"], line["request_id"]) == (500, "support-call-7")
    assert "сломалось" in json.loads(JsonFormatter().format(with_traceback[0]))["exception"]


def test_the_access_line_has_the_clients_address_behind_the_proxy(failing, caplog):
    with caplog.at_level(logging.INFO, logger="ejournal.access"):
        failing.test_client().get("/health", environ_base={"REMOTE_ADDR": "10.0.0.1"},
                                  headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
    (line,) = _access_lines(caplog)
    assert line["remote_addr"] == "203.0.113.7"
