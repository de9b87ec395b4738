"""Reports read from a streaming replica (``REPORTS_DATABASE_URL``).

A report reads much and writes nothing; on a region's installation it is the
heaviest reader. With ``REPORTS_DATABASE_URL`` set (a PostgreSQL hot standby),
the reports run from the page «Отчёты» and by the background jobs read there,
in a session of their own; without it they read ``db.session`` as before. The
year-end archive and ``flask report run`` keep reading the primary. A replica
lags by its replay delay (well under a second when healthy): a mark saved a moment
ago, or the activity counters the activity report flushes just before it reads,
may be missing from a report made that instant.

A plain ``sessionmaker`` bound to an engine of its own, not Flask-SQLAlchemy's
binds: binds route by model (``__bind_key__``), and every model here lives on the
default bind, while a report needs the whole session on the replica; nor can
``db.session`` be pointed elsewhere, since Flask-SQLAlchemy's ``Session.get_bind``
answers with the default engine whatever bind the session was made with. A bind
would also be one more database for Flask-Migrate and ``create_all`` to consider.

Scoping stays the same because the session gets the application's listeners
(``app.listeners``), in their order, on its own session class: the read filter
adds the criteria of ``current_scope()`` (the request's, or the job's
``acting_as``) to every statement, whichever engine runs it.

Nothing is written there: a flush or an ORM bulk write of the session is refused
before the listeners see it, and the connections themselves are read-only
(PostgreSQL: read-only transactions, as a standby's are anyway; SQLite, the
tests' stand-in: ``PRAGMA query_only``). A replica that cannot be reached is
logged and the report reads the primary, as it would without one.
"""
from __future__ import annotations

import contextlib
import logging
import threading

from sqlalchemy import create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import sessionmaker

log = logging.getLogger(__name__)

_EXTENSION = "ejournal_replica"
_lock = threading.Lock()


class ReplicaWriteError(RuntimeError):
    """A report tried to write through the replica's session: a bug in the report."""


def _refuse_flush(session, _flush_context, _instances) -> None:
    if session.new or session.dirty or session.deleted:
        raise ReplicaWriteError("reports read the replica only; nothing may be written through its session")


def _refuse_bulk_writes(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise ReplicaWriteError("reports read the replica only; nothing may be written through its session")


def _read_only(engine) -> None:
    """Make every connection of ``engine`` read-only when it is opened. Not with the
    ``postgresql_readonly`` execution option: the pool resets that to read-write when a
    connection comes back, and a standby refuses a read-write transaction outright."""
    dialect = engine.dialect

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        if dialect.name == "sqlite":
            cursor = dbapi_connection.cursor()
            try:
                cursor.execute("PRAGMA query_only = ON")
            finally:
                cursor.close()
            return
        try:
            # psycopg: each transaction begins READ ONLY (PgBouncer's transaction pooling keeps it).
            dialect.set_readonly(dbapi_connection, True)
        except NotImplementedError:
            pass  # a driver without the setting: the session's refusals remain


def _make(url: str, config) -> tuple:
    from .listeners import attach_listeners

    engine = create_engine(url, **dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}))
    _read_only(engine)
    factory = sessionmaker(bind=engine, autoflush=False, expire_on_commit=False)
    # The refusals first: a write is stopped before the audit or the scope's cache note it.
    event.listen(factory, "before_flush", _refuse_flush)
    event.listen(factory, "do_orm_execute", _refuse_bulk_writes)
    attach_listeners(factory)
    return url, engine, factory


def session_factory(app):
    """The replica's sessionmaker of ``app``, or None when REPORTS_DATABASE_URL is not set."""
    url = app.config.get("REPORTS_DATABASE_URL") or ""
    kept = app.extensions.get(_EXTENSION)
    if not url:
        return None
    if kept is not None and kept[0] == url:
        return kept[2]
    with _lock:
        kept = app.extensions.get(_EXTENSION)
        if kept is None or kept[0] != url:
            if kept is not None:
                kept[1].dispose()
            kept = app.extensions[_EXTENSION] = _make(url, app.config)
    return kept[2]


def engine_of(app):
    """The replica's engine of ``app`` (None before a report has used it)."""
    kept = app.extensions.get(_EXTENSION)
    return kept[1] if kept is not None else None


def dispose(app) -> None:
    """Close the replica's connections of ``app`` and forget its engine."""
    kept = app.extensions.pop(_EXTENSION, None)
    if kept is not None:
        kept[1].dispose()


@contextlib.contextmanager
def reading(session):
    """The session a report reads with: the replica's, or ``session`` without one.

    The replica's session is closed on the way out: what a report returns are
    tables of plain values, nothing that loads later."""
    from flask import current_app

    factory = session_factory(current_app)
    if factory is None:
        yield session
        return
    reader = factory()
    try:
        try:
            # Connect before the report starts: an unreachable replica falls back to the primary.
            reader.connection()
        except DBAPIError as exc:
            log.warning("replica: cannot connect (%s); the report reads the primary", exc.orig or exc)
            reader.close()
            yield session
            return
        yield reader
    finally:
        reader.close()
