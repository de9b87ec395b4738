"""SQLite as a real embedded database, and fresh planner statistics on every backend.

Each SQLite connection of the application (``init_engine``, on the engine's
``connect`` event) waits for a busy database instead of failing at once
(``SQLITE_BUSY_TIMEOUT_MS``), writes ahead (``PRAGMA journal_mode=WAL``: readers
never wait for the writer; a file database only) with ``synchronous=NORMAL``
(``SQLITE_SYNCHRONOUS``), and keeps its statistics fresh: ``PRAGMA optimize`` when
the pool closes a connection and every ``SQLITE_OPTIMIZE_HOURS`` hours of a
long-lived one (SQLite's own advice, https://sqlite.org/pragma.html#pragma_optimize).

Without statistics SQLite's planner guesses, and for the journal grid's marks it
guessed the organisation's index (1.8 s instead of 20 ms on the demo). ``refresh``
gathers them (``ANALYZE``, on PostgreSQL too: autovacuum would come to it later);
``flask init``, ``flask demo`` and every applied import call it.
"""
from __future__ import annotations

import logging
import time

from sqlalchemy import event

log = logging.getLogger(__name__)

_JOURNAL_MODES = {"WAL", "DELETE", "TRUNCATE", "PERSIST"}
_SYNCHRONOUS = {"OFF", "NORMAL", "FULL", "EXTRA"}
_OPTIMIZED_AT = "ejournal_optimized_at"


def _file_database(url) -> bool:
    database = url.database or ""
    return bool(database) and database != ":memory:" and not database.startswith("file::memory:") \
        and "mode=memory" not in str(url)


def optimize(dbapi_connection) -> None:
    """``PRAGMA optimize`` on a raw connection, bounded (``analysis_limit``), never failing."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA analysis_limit=1000")
        cursor.execute("PRAGMA optimize")
        cursor.execute("PRAGMA analysis_limit=0")
    except Exception as exc:  # noqa: BLE001 - statistics must never break a request
        log.warning("sqlite: PRAGMA optimize failed (%s)", exc)
    finally:
        cursor.close()


def init_engine(engine, config) -> None:
    """Attach the pragmas to ``engine`` (SQLite only; other dialects are left as they are)."""
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(config.get("SQLITE_BUSY_TIMEOUT_MS", 5000))
    mode = str(config.get("SQLITE_JOURNAL_MODE") or "WAL").upper()
    if mode not in _JOURNAL_MODES:
        raise ValueError(f"SQLITE_JOURNAL_MODE: one of {sorted(_JOURNAL_MODES)}, not {mode!r}")
    synchronous = str(config.get("SQLITE_SYNCHRONOUS") or "NORMAL").upper()
    if synchronous not in _SYNCHRONOUS:
        raise ValueError(f"SQLITE_SYNCHRONOUS: one of {sorted(_SYNCHRONOUS)}, not {synchronous!r}")
    every = float(config.get("SQLITE_OPTIMIZE_HOURS", 3)) * 3600
    on_file = _file_database(engine.url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, record):
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")  # first: switching to WAL may wait for a lock
            if on_file:
                cursor.execute(f"PRAGMA journal_mode={mode}")
                if mode == "WAL":
                    cursor.execute(f"PRAGMA synchronous={synchronous}")
            # SQLite 3.46 and later: analyses what a long-lived connection will need; earlier: nothing.
            cursor.execute("PRAGMA optimize=0x10002")
        finally:
            cursor.close()
        record.info[_OPTIMIZED_AT] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _on_checkin(dbapi_connection, record):
        if dbapi_connection is None or every <= 0:
            return
        if time.monotonic() - record.info.get(_OPTIMIZED_AT, 0) >= every:
            record.info[_OPTIMIZED_AT] = time.monotonic()
            optimize(dbapi_connection)

    @event.listens_for(engine, "close")
    def _on_close(dbapi_connection, record):
        optimize(dbapi_connection)


def refresh(engine=None, tables=None) -> None:
    """Gather the planner's statistics: ``ANALYZE`` of ``tables`` (every table when None),
    on SQLite and PostgreSQL. Called after a bulk write (init, demo, an import): on the
    demo's SQLite file the whole ANALYZE takes some 50 ms."""
    if engine is None:
        from ..extensions import db

        engine = db.engine
    dialect = engine.dialect.name
    if dialect not in ("sqlite", "postgresql"):
        return
    quote = engine.dialect.identifier_preparer.quote
    statements = [f"ANALYZE {quote(t)}" for t in sorted(set(tables))] if tables is not None else ["ANALYZE"]
    if not statements:
        return
    start = time.perf_counter()
    try:
        with engine.begin() as conn:
            if dialect == "sqlite":
                conn.exec_driver_sql("PRAGMA analysis_limit=0")  # every row: what a manual ANALYZE gives
            for statement in statements:
                conn.exec_driver_sql(statement)
    except Exception:  # noqa: BLE001 - the write it follows is done: statistics never undo it
        log.exception("statistics not gathered")
        return
    log.info("statistics gathered (%s) in %.0f ms", ", ".join(sorted(tables)) if tables is not None else "all tables",
             (time.perf_counter() - start) * 1000)

