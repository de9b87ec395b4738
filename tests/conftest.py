"""Fixtures: a fresh database per test, copied from a template built once by
the real migrations; ``TEST_DATABASE_URL`` switches the suite to PostgreSQL."""
from __future__ import annotations

import contextlib
import gc
import itertools
import os
import shutil
import socket
import sqlite3
import tempfile
import uuid

os.environ.setdefault("EJOURNAL_INSTANCE_DIR", tempfile.mkdtemp(prefix="ejournal-test-instance-"))
os.environ.setdefault("SECRET_KEY", "tests-only-secret")

import pytest  # noqa: E402
from sqlalchemy import create_engine, event, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from app import clock, create_app  # noqa: E402
from tests.world import PASSWORD, TODAY, World, build_world  # noqa: E402

# The whole suite runs on one pinned day (tests/world.py says which).
clock.pin(clock.parse_pin(f"{TODAY.isoformat()}T10:00"))

PG_URL = os.environ.get("TEST_DATABASE_URL")
_counter = itertools.count()


def base_config(uri: str) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": uri,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # A login checks a password hash; scrypt's deliberate slowness (0.14 s a check) would
        # be a third of a test's time. The method used is written into each hash, so nothing
        # but the cost differs.
        "FAB_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def _pg_admin():
    return create_engine(make_url(PG_URL).set(database="postgres"), isolation_level="AUTOCOMMIT")


def make_database(name: str | None = None, template: str | None = None) -> str:
    """A new empty database (or a copy of ``template``); returns its URL."""
    if PG_URL:
        name = name or f"ejournal_test_{uuid.uuid4().hex[:10]}"
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{make_url(template).database}"' if template else "")))
        return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    path = os.path.join(tempfile.gettempdir(), f"ejournal-{os.getpid()}-{name or next(_counter)}.db")
    _drop_sqlite_journals(path)
    if template:
        shutil.copyfile(make_url(template).database, path)
    elif os.path.exists(path):
        os.remove(path)
    return f"sqlite:///{path}"


def renew_database(url: str, template: str) -> None:
    """Lay the database at ``url`` anew as a copy of ``template`` (no connection may be open)."""
    if PG_URL:
        name = make_url(url).database
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"'))
    else:
        # Through SQLite's backup API, not a file copy: the database is in WAL mode, and its
        # -wal and -shm files (and a connection someone left open) are kept consistent.
        with contextlib.closing(sqlite3.connect(make_url(template).database)) as source, \
                contextlib.closing(sqlite3.connect(make_url(url).database)) as target:
            source.backup(target)


def _drop_sqlite_journals(path: str) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        if path and os.path.exists(path + suffix):
            os.remove(path + suffix)


def drop_database(url: str) -> None:
    if PG_URL:
        with _pg_admin().connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    else:
        path = make_url(url).database
        if path and os.path.exists(path):
            os.remove(path)
        _drop_sqlite_journals(path)


def dispose(app) -> None:
    from app.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def template_db():
    """The schema by the real migrations, plus roles and the test world."""
    from app.cli import upgrade_schema
    from app.rights import sync_roles

    url = make_database(f"template_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{uuid.uuid4().hex[:6]}")
    app = create_app(base_config(url))
    with app.app_context():
        upgrade_schema()
        sync_roles()
        world = build_world()
    dispose(app)
    yield url, world.ids
    drop_database(url)


@pytest.fixture(scope="session")
def _shared_app(template_db):
    """One app for the session's tests (building one costs more than most tests);
    its database is laid anew from the template before each test."""
    url = make_database(template=template_db[0])
    app = create_app(base_config(url))
    yield app, url, dict(app.config)
    dispose(app)
    drop_database(url)


@pytest.fixture
def app(_shared_app, template_db):
    app, url, config = _shared_app
    dispose(app)
    renew_database(url, template_db[0])
    pm = app.extensions["ejournal"].pm
    plugins = set(pm.get_plugins())
    yield app
    # What a test changed in the app goes with it.
    dispose(app)
    app.config.clear()
    app.config.update(config)
    app.extensions.pop("ejournal_throttle", None)
    app.extensions.pop("ejournal_activity", None)  # activity counts a test left buffered go with it
    app.extensions.pop("ejournal_scope_cache", None)  # its database is laid anew for the next test
    for plugin in set(pm.get_plugins()) - plugins:
        pm.unregister(plugin)


def build_demo_app(name: str, *args: str):
    """A database built as `make run` builds it (init, then demo with ``args``) and its app."""
    url = make_database(name)
    app = create_app(base_config(url))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["init"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    assert "созданы" in result.output
    return app, url


@pytest.fixture(scope="session")
def demo_app():
    """The demo on the world's day, built once a session: tests only read it."""
    app, url = build_demo_app(f"demo_{uuid.uuid4().hex[:6]}")
    yield app
    dispose(app)
    drop_database(url)


@pytest.fixture
def world(template_db) -> World:
    return World(dict(template_db[1]))


@pytest.fixture
def login(client):
    """``login("teacher1")`` signs the test client in as that user."""

    def _login(username: str, password: str = PASSWORD):
        client.post("/logout/")
        response = client.post("/login/", data={"username": username, "password": password})
        # A refused login renders the form again (200); a signed-in user is sent on.
        assert response.status_code == 302 and not response.headers["Location"].endswith("/login/"), \
            f"{username} could not log in"
        return response

    return _login


def csrf_token(client, path: str = "/") -> str:
    """The CSRF token a page of ``path`` gives the signed-in browser (its ``<meta name="csrf-token">``).
    The suite runs with ``WTF_CSRF_ENABLED`` off; a test that turns it on sends this token as the
    form field ``csrf_token`` or the header ``X-CSRFToken`` (``csrf_headers``)."""
    import re

    page = client.get(path).get_data(as_text=True)
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)
    assert match, "the page carries no CSRF token"
    return match.group(1)


def csrf_headers(client) -> dict:
    return {"X-CSRFToken": csrf_token(client)}


def free_port() -> int:
    """A TCP port on the loopback no one listens on now (for a server a test starts)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def count_queries(app):
    """``with count_queries(app) as n:`` counts the SQL statements run inside (``n["n"]``)."""
    counter = {"n": 0}
    # The session's identity map holds objects weakly: whether a page finds them there
    # depended on when the garbage collector last ran. Collect first, so that it never does.
    gc.collect()

    def _count(*_a, **_k):
        counter["n"] += 1

    from app.extensions import db

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def pytest_report_header(config):
    return f"database: {'PostgreSQL ' + make_url(PG_URL).render_as_string() if PG_URL else 'SQLite'}"


