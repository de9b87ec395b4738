"""No write on a read (issue 17, item 5): a diary view is counted in a buffer — Redis
when configured, the process's memory otherwise — and written in batches: after the
flush interval, by `flask activity flush`, and before the activity report reads."""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.services import activity
from tests.conftest import base_config, dispose
from tests.test_activity import MONTH, _counts
from tests.test_monitoring_reports import _run
from tests.world import PASSWORD

pytestmark = pytest.mark.dates


@pytest.fixture
def buffered(app):
    """The app with an hour's flush interval, its buffer just flushed."""
    app.config["ACTIVITY_FLUSH_SECONDS"] = 3600
    buffer = activity.buffer_of(app)
    buffer.last_flush = time.monotonic()
    yield app
    buffer.store.clear()


def _signed_in(app, username):
    """A browser of its own: each request's end comes with its response (pytest-flask's
    ``client`` keeps a request's context until the next request)."""
    client = app.test_client()
    client.post("/logout/")  # the test's application context is shared: no one else's user in it
    response = client.post("/login/", data={"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _activity_writes(app):
    writes = []

    def _listen(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE")) and "activity_day" in statement:
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _listen)
    return writes, lambda: event.remove(engine, "before_cursor_execute", _listen)


def test_a_diary_view_writes_nothing_until_a_flush(buffered):
    app = buffered
    client = _signed_in(app, "parent1")
    writes, stop = _activity_writes(app)
    try:
        for path in ("/diary/", "/diary/period", "/diary/"):
            assert client.get(path).status_code == 200
    finally:
        stop()
    assert writes == []
    assert _counts(app, "parent1") == {}  # the login too waits for the flush
    result = app.test_cli_runner().invoke(args=["activity", "flush"])
    assert result.exit_code == 0, result.output
    assert "Счётчики активности записаны: строк 2." in result.output
    assert _counts(app, "parent1") == {"login": 1, "diary": 3}


def test_the_first_request_after_the_interval_writes_the_batch(buffered):
    app = buffered
    _signed_in(app, "parent1")
    _signed_in(app, "teacher1")
    client = _signed_in(app, "parent1")
    client.get("/diary/")
    assert _counts(app, "parent1") == {}
    activity.buffer_of(app).last_flush -= 3600
    writes, stop = _activity_writes(app)
    try:
        assert client.get("/diary/period").status_code == 200
    finally:
        stop()
    assert _counts(app, "parent1") == {"login": 2, "diary": 2}
    assert _counts(app, "teacher1") == {"login": 1}
    # One batch: three new counters, an UPDATE finding no row and an INSERT each.
    assert sorted(w.split()[0] for w in writes) == ["INSERT"] * 3 + ["UPDATE"] * 3
    writes, stop = _activity_writes(app)
    try:
        client.get("/diary/")  # within the new interval again
    finally:
        stop()
    assert writes == [] and _counts(app, "parent1")["diary"] == 2


def test_the_activity_report_counts_what_is_still_buffered(buffered):
    client = _signed_in(buffered, "parent1")
    client.get("/diary/")
    client.get("/diary/")
    summary, _teachers, _groups = _run(buffered, "core.user_activity", "deputy1", month=f"{MONTH:%Y-%m}")
    parents = {r[0]: r[1:] for r in summary.rows}["Родители"]
    assert parents[3] == 1 and parents[-1] == 2  # logins, diary views


def _redis_url():
    try:
        import redis

        url = "redis://127.0.0.1:6379/0"
        redis.Redis.from_url(url, socket_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001
        return None


def test_two_workers_share_the_counts_in_redis(app, world):
    url = _redis_url()
    if url is None:
        pytest.skip("Redis is not reachable")
    settings = {"ACTIVITY_STORAGE_URI": url, "ACTIVITY_KEY_PREFIX": f"ejournal-test:{uuid.uuid4().hex}:",
                "ACTIVITY_FLUSH_SECONDS": 3600}
    app.config.update(settings)
    app.extensions.pop("ejournal_activity", None)
    other = create_app({**base_config(app.config["SQLALCHEMY_DATABASE_URI"]), **settings})
    first = activity.buffer_of(app)
    try:
        assert isinstance(first.store, activity.RedisBuffer)
        for worker in (app, other):
            activity.buffer_of(worker).last_flush = time.monotonic()
            client = _signed_in(worker, "parent1")
            assert client.get("/diary/").status_code == 200
        assert _counts(app, "parent1") == {}
        assert activity.flush(other) == 2  # the login's and the diary's counters, both workers' counts
        assert _counts(app, "parent1") == {"login": 2, "diary": 2}
        assert not first.store.pending() and activity.flush(app) == 0
    finally:
        first.store.clear()
        app.extensions.pop("ejournal_activity", None)
        dispose(other)
