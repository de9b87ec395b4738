"""Operations and headers: ``/health`` for a load balancer, the security headers and
``no-store`` on every page, and the client's real address behind a trusted proxy only."""
from __future__ import annotations

from flask import request

from app import create_app

from .conftest import base_config, dispose, drop_database, make_database


def test_health_says_the_database_is_reachable_and_migrated(client):
    response = client.get("/health")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok", "database": True,
                                                                 "migrations": True})


def test_health_fails_when_the_schema_lags_behind_the_code(app, client):
    from app.extensions import db

    with app.app_context(), db.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM alembic_version WHERE version_num = '0016'")
        connection.exec_driver_sql("INSERT INTO alembic_version (version_num) VALUES ('0015')")
    response = client.get("/health")
    assert (response.status_code, response.get_json()["migrations"]) == (503, False)


def test_health_reports_an_unreachable_redis(app, client):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = client.get("/health")
    assert (response.status_code, response.get_json()["redis"]) == (503, False)


def test_a_page_of_personal_data_is_not_stored_and_not_framed(client, login, world):
    login("teacher1")
    headers = client.get("/journal/").headers
    assert (headers["Cache-Control"], headers["X-Frame-Options"], headers["Referrer-Policy"],
            "frame-ancestors 'none'" in headers["Content-Security-Policy"]) == ("no-store", "DENY", "same-origin", True)
    assert "Strict-Transport-Security" not in headers  # served over plain HTTP here


def test_https_adds_hsts(client, login, world):
    login("teacher1")
    headers = client.get("/", base_url="https://localhost").headers
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_cookies_are_secure_over_https_only(client, world):
    from tests.world import PASSWORD

    over_https = client.post("/login/", data={"username": "teacher1", "password": PASSWORD},
                             base_url="https://localhost").headers.getlist("Set-Cookie")
    client.post("/logout/")
    over_http = client.post("/login/", data={"username": "teacher1", "password": PASSWORD}).headers.getlist(
        "Set-Cookie")
    assert (["; Secure" in c for c in over_https], any("Secure" in c for c in over_http)) == (
        [True] * len(over_https), False)
    assert over_https


def test_api_answers_are_not_stored(client, login, world):
    login("teacher1")
    assert client.get("/api/v1/marks/").headers["Cache-Control"] == "no-store"


def _seen_address(app, environ_base: dict, headers: dict) -> str:
    seen = []

    @app.route("/_address_probe")
    def _probe():
        seen.append(request.remote_addr)
        return "ok"

    app.test_client().get("/_address_probe", environ_base=environ_base, headers=headers)
    return seen[0]


def test_behind_one_trusted_proxy_the_clients_address_is_the_real_one(template_db):
    url = make_database(template=template_db[0])
    app = create_app({**base_config(url), "TRUSTED_PROXIES": 1})
    try:
        # The proxy (10.0.0.1) appends the client it saw; what the client forged before it is ignored.
        address = _seen_address(app, {"REMOTE_ADDR": "10.0.0.1"}, {"X-Forwarded-For": "6.6.6.6, 203.0.113.7"})
        assert address == "203.0.113.7"
    finally:
        dispose(app)
        drop_database(url)


def test_without_a_trusted_proxy_a_forged_header_is_ignored(template_db):
    url = make_database(template=template_db[0])
    app = create_app(base_config(url))
    try:
        assert _seen_address(app, {"REMOTE_ADDR": "198.51.100.4"}, {"X-Forwarded-For": "6.6.6.6"}) == "198.51.100.4"
    finally:
        dispose(app)
        drop_database(url)


def test_a_forms_back_address_never_leads_off_the_site(client, login, world):
    login("teacher1")
    for back in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/consents/add", data={"back": back})
        assert response.headers["Location"].startswith("/consents/"), (back, response.headers["Location"])


def test_own_path_keeps_a_path_of_this_site():
    from app.views.base import own_path

    assert own_path("/consents/?group=3", "/") == "/consents/?group=3"
    assert own_path("javascript:alert(1)", "/") == "/"
