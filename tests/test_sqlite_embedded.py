"""SQLite as a real embedded default (issue 17, item 3): a write-ahead log, a busy
timeout, and the planner's statistics gathered after init, demo and imports — the
journal grid's marks are read by the plan a manual ANALYZE gives."""
from __future__ import annotations

import json
import os
import sqlite3

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from tests.conftest import PG_URL, base_config, dispose, drop_database, make_database

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="SQLite's own settings and statistics")


def _pragma(app, name):
    with app.app_context():
        return db.session.execute(text(f"PRAGMA {name}")).scalar()


def _stat_tables(path) -> set[str]:
    with sqlite3.connect(path) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            return set()
        return {t for (t,) in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1")}


def _path(app) -> str:
    return make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database


def test_a_database_writes_ahead_and_waits_when_busy(template_db):
    url = make_database(template=template_db[0])
    app = create_app({**base_config(url), "SQLITE_BUSY_TIMEOUT_MS": 7000})
    try:
        assert _pragma(app, "journal_mode") == "wal"
        assert _pragma(app, "busy_timeout") == 7000
        assert _pragma(app, "synchronous") == 1  # NORMAL: with WAL, safe from a crash of the application
        assert os.path.exists(_path(app) + "-wal")  # the log beside the file while it is open
    finally:
        dispose(app)
        drop_database(url)
    assert not os.path.exists(make_url(url).database + "-wal")


def test_a_memory_database_keeps_its_journal():
    app = create_app(base_config("sqlite://"))
    try:
        assert _pragma(app, "journal_mode") == "memory"
        assert _pragma(app, "busy_timeout") == 5000
    finally:
        dispose(app)


def _grid_marks_query(demo_app):
    """The statement and parameters of the marks a teacher's journal grid reads."""
    runner = demo_app.test_cli_runner()
    creds = json.loads(runner.invoke(args=["demo-credentials"]).output)
    teacher = next(c for c in creds if c["role"] == "Учитель")
    client = demo_app.test_client()
    client.post("/login/", data={"username": teacher["username"], "password": teacher["password"]})
    seen = []

    def _capture(conn, cursor, statement, parameters, context, executemany):
        if "FROM mark JOIN assignment" in statement:
            seen.append((statement, parameters))

    with demo_app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _capture)
    try:
        assert client.get("/journal/").status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", _capture)
    assert seen, "the grid read no marks"
    return seen[-1]


def test_demo_gathers_statistics_and_the_grid_reads_marks_as_after_a_manual_analyze(demo_app, tmp_path):
    statement, parameters = _grid_marks_query(demo_app)
    copy = tmp_path / "demo.db"
    with sqlite3.connect(_path(demo_app)) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # the log's pages too
    assert {"mark", "person", "lesson"} <= _stat_tables(copy)

    def plan():
        with sqlite3.connect(copy) as conn:
            return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statement, parameters)]

    after_demo = plan()
    with sqlite3.connect(copy) as conn:
        conn.execute("ANALYZE")
    assert plan() == after_demo
    with sqlite3.connect(copy) as conn:
        conn.execute("DELETE FROM sqlite_stat1")
    # Without statistics SQLite guessed the organisation's index for the marks (issue 17).
    assert plan() != after_demo and "ix_mark_org_id" not in " ".join(after_demo)


def test_an_import_gathers_statistics(app, world, tmp_path):
    from tests.test_imports import GOOD, csv_bytes

    dispose(app)
    with sqlite3.connect(_path(app)) as conn:  # no statistics before
        conn.execute("DROP TABLE IF EXISTS sqlite_stat1")
    assert "person" not in _stat_tables(_path(app))
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(GOOD))
    result = app.test_cli_runner().invoke(args=["import", "learners", str(good), "--org", str(world.org1),
                                                "--user", "admin1"])
    assert result.exit_code == 0, result.output
    assert {"person", "guardian_link"} <= _stat_tables(_path(app))
