"""Recording activity: logins and key actions, one counter per user, kind and day.

Two ways in, the same rows:

- actions that write anyway (``marks``, ``attendance``, ``homework``: a flush that
  writes Mark, FinalMark, Attendance or Homework rows; ``message``, ``announcement``:
  the mail and announcement services) are counted by ``record`` inside their own
  transaction: one UPDATE, or an UPDATE and an INSERT the first time of the day
  (no UPSERT: the same statements work on SQLite and PostgreSQL; a race on the
  first INSERT is settled inside a SAVEPOINT), committed or rolled back with the
  action, never through the ORM guards;
- reads (``diary``: a diary page or the diary API answered 200) and ``login``
  (flask_login's ``user_logged_in``) write nothing in the request: ``count`` adds
  to a buffer — Redis (HINCRBY, shared by the workers) with ``ACTIVITY_STORAGE_URI``
  or ``REDIS_URL``, else the process's memory — which ``flush`` writes in one
  transaction. A flush comes at the end of a request, at most every
  ``ACTIVITY_FLUSH_SECONDS`` (0: after every counted response; unset: 60, or 0
  when TESTING), at the process's exit, by ``flask activity flush``, and before the
  activity report reads the rows (so the report is never short).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time
import uuid

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..models import ACTIVITY_KINDS, ActivityDay, Attendance, FinalMark, Homework, Mark

log = logging.getLogger(__name__)
_TABLE = ActivityDay.__table__
_FLUSH_KINDS = ((Mark, "marks"), (FinalMark, "marks"), (Attendance, "attendance"), (Homework, "homework"))
_DIARY_ENDPOINTS = {"DiaryView.week", "DiaryView.period", "DiaryApi.get_week", "DiaryApi.get_period"}


def record(session, account, kind: str, day: dt.date | None = None, count: int = 1) -> None:
    """Add ``count`` to the account's counter of ``kind`` for ``day`` (today)."""
    if account is None or kind not in ACTIVITY_KINDS:
        return
    account_id, org_id = getattr(account, "id", None), getattr(account, "org_id", None)
    if account_id is None or org_id is None:
        return  # system administrators and authority staff belong to no organisation's activity
    record_ids(session, account_id, org_id, kind, day, count)


def record_ids(session, account_id: int, org_id: int, kind: str, day: dt.date | None = None, count: int = 1) -> None:
    record_on(session.connection(), account_id, org_id, kind, day, count)


def record_on(conn, account_id: int, org_id: int, kind: str, day: dt.date | None = None, count: int = 1) -> None:
    """The same on a bare connection (logins and diary views: their own short transaction,
    leaving the request's session untouched)."""
    day = day or clock.today()
    match = and_(_TABLE.c.account_id == account_id, _TABLE.c.day == day, _TABLE.c.kind == kind)
    if conn.execute(update(_TABLE).where(match).values(count=_TABLE.c.count + count)).rowcount:
        return
    try:
        with conn.begin_nested():
            conn.execute(_TABLE.insert().values(org_id=org_id, account_id=account_id, day=day, kind=kind,
                                                count=count))
    except IntegrityError:  # another request inserted today's row first
        conn.execute(update(_TABLE).where(match).values(count=_TABLE.c.count + count))


def _current_ids() -> tuple[int, int] | None:
    """(account id, organisation id) of the request's user, from the scope resolved
    before the request (no ORM access: this runs inside a flush)."""
    from ..scoping import current_scope

    scope = current_scope()
    if scope is None or scope.user_id is None or scope.default_org_id is None:
        return None
    return scope.user_id, scope.default_org_id


def _collect(session: Session, flush_context, instances) -> None:
    kinds = session.info.setdefault("activity_pending", set())
    for obj in list(session.new) + list(session.dirty):
        for model, kind in _FLUSH_KINDS:
            if isinstance(obj, model):
                kinds.add(kind)


def _write(session: Session, flush_context) -> None:
    kinds = session.info.pop("activity_pending", None)
    if not kinds:
        return
    ids = _current_ids()
    if ids is None:
        return
    for kind in sorted(kinds):
        record_ids(session, *ids, kind)


def _forget(session: Session) -> None:
    session.info.pop("activity_pending", None)


# (event, listener) of the session, attached by ``app.listeners`` (after the guards).
SESSION_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _forget))




# --- counts of reads, buffered ------------------------------------------------------

_EXTENSION = "ejournal_activity"
Key = tuple  # (org id, account id, day ISO, kind)


class MemoryBuffer:
    """Counts kept in this process until flushed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._counts: dict[Key, int] = {}

    def add(self, key: Key, n: int = 1) -> None:
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + n

    def take(self) -> dict[Key, int]:
        with self._lock:
            counts, self._counts = self._counts, {}
        return counts

    def give_back(self, counts: dict[Key, int]) -> None:
        for key, n in counts.items():
            self.add(key, n)

    def pending(self) -> bool:
        return bool(self._counts)

    def claim(self, interval: float) -> bool:
        return True  # the process's own clock decides (Buffer.due)

    def clear(self) -> None:
        self.take()


def _field(key: Key) -> str:
    return "|".join(map(str, key))


def _key(field) -> Key:
    org, account, day, kind = (field.decode() if isinstance(field, bytes) else field).split("|")
    return int(org), int(account), day, kind


class RedisBuffer:
    """Counts in one Redis hash shared by every worker: HINCRBY to count; a flush
    renames the hash away (atomic: later counts start a new one) and writes it.
    Should Redis be unreachable, the process counts in its memory meanwhile."""

    def __init__(self, url: str, prefix: str = "ejournal:activity:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix
        self.errors = (redis.RedisError, OSError)
        self.fallback = MemoryBuffer()

    @property
    def _pending_key(self) -> str:
        return self.prefix + "pending"

    def add(self, key: Key, n: int = 1) -> None:
        try:
            self.client.hincrby(self._pending_key, _field(key), n)
        except self.errors as exc:
            log.warning("activity: Redis unreachable (%s), counting in this process", exc)
            self.fallback.add(key, n)

    def take(self) -> dict[Key, int]:
        counts = self.fallback.take()
        aside = f"{self.prefix}flushing:{uuid.uuid4().hex}"
        try:
            self.client.rename(self._pending_key, aside)
        except self.errors:  # no counts (no such key), or no Redis
            return counts
        try:
            for field, n in self.client.hgetall(aside).items():
                key = _key(field)
                counts[key] = counts.get(key, 0) + int(n)
            self.client.delete(aside)
        except self.errors as exc:
            log.warning("activity: Redis failed during a flush (%s)", exc)
        return counts

    def give_back(self, counts: dict[Key, int]) -> None:
        for key, n in counts.items():
            self.add(key, n)

    def pending(self) -> bool:
        if self.fallback.pending():
            return True
        try:
            return bool(self.client.exists(self._pending_key))
        except self.errors:
            return False

    def claim(self, interval: float) -> bool:
        """One worker of all flushes per interval: whoever sets the mark first."""
        if interval <= 0:
            return True
        try:
            return bool(self.client.set(self.prefix + "flushed", "1", nx=True, px=max(1, int(interval * 1000))))
        except self.errors:
            return True

    def clear(self) -> None:
        """Forget every count under this prefix (tests)."""
        self.fallback.clear()
        for key in self.client.scan_iter(match=self.prefix + "*"):
            self.client.delete(key)


class Buffer:
    """The app's buffer of counted reads and when it was last flushed."""

    def __init__(self, store):
        self.store = store
        self.last_flush = time.monotonic()
        self._flushing = threading.Lock()

    def due(self, interval: float) -> bool:
        return interval <= 0 or time.monotonic() - self.last_flush >= interval


def _interval(app) -> float:
    value = app.config.get("ACTIVITY_FLUSH_SECONDS")
    if value is None or value == "":
        return 0.0 if app.config.get("TESTING") else 60.0
    return float(value)


def buffer_of(app) -> Buffer:
    buffer = app.extensions.get(_EXTENSION)
    if buffer is None:
        cfg = app.config
        uri = cfg.get("ACTIVITY_STORAGE_URI") or cfg.get("REDIS_URL") or ""
        if uri.startswith(("redis://", "rediss://", "unix://")):
            store = RedisBuffer(uri, cfg.get("ACTIVITY_KEY_PREFIX") or "ejournal:activity:")
        else:
            store = MemoryBuffer()
        buffer = app.extensions[_EXTENSION] = Buffer(store)
    return buffer


def count(app, account_id, org_id, kind: str, n: int = 1) -> None:
    """Count a read (or a login) for today, writing nothing now."""
    if account_id is None or org_id is None or kind not in ACTIVITY_KINDS:
        return
    buffer_of(app).store.add((int(org_id), int(account_id), clock.today().isoformat(), kind), n)


def flush(app=None) -> int:
    """Write the buffered counts in one transaction; returns how many rows it touched.
    Counts a failed write could not keep go back to the buffer."""
    from flask import current_app, has_app_context

    from ..extensions import db

    app = app or current_app._get_current_object()
    buffer = buffer_of(app)
    with buffer._flushing:
        buffer.last_flush = time.monotonic()
        counts = buffer.store.take()
        if not counts:
            return 0
        inside = has_app_context() and current_app._get_current_object() is app
        try:
            with (contextlib.nullcontext() if inside else app.app_context()), db.engine.begin() as conn:
                for (org_id, account_id, day, kind), n in sorted(counts.items()):
                    record_on(conn, account_id, org_id, kind, dt.date.fromisoformat(day), n)
        except Exception:  # noqa: BLE001 - kept for the next flush
            log.exception("activity: %s counters not written, kept for the next flush", len(counts))
            buffer.store.give_back(counts)
            return 0
    return len(counts)


def flush_if_due(app, unless=None) -> bool:
    """Flush when the interval has passed and there are counts (and, with Redis, no other
    worker flushed within it), unless ``unless()`` says not now. True when it flushed."""
    buffer = buffer_of(app)
    interval = _interval(app)
    if not buffer.due(interval) or (unless is not None and unless()):
        return False
    if not buffer.store.pending() or not buffer.store.claim(interval):
        buffer.last_flush = time.monotonic()  # nothing to do, or another worker's turn: wait an interval
        return False
    flush(app)
    return True


def _holding_sqlite_write() -> bool:
    """Whether the request's session left a write open on SQLite: its lock would make the
    flush's own connection wait (the next request flushes instead)."""
    from ..extensions import db

    session = db.session()
    if not session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        return False
    return bool(getattr(session.connection().connection.dbapi_connection, "in_transaction", False))


def _flush_at_exit(app_ref) -> None:
    app = app_ref()
    if app is not None and _EXTENSION in app.extensions:
        try:
            flush(app)
        except Exception:  # noqa: BLE001 - the interpreter is leaving
            pass


def _on_login(app, user):
    count(app, getattr(user, "id", None), getattr(user, "org_id", None), "login")


def init_activity(app) -> None:
    """Attach the recorders: the login signal and the diary pages (the flush
    listener is in ``SESSION_LISTENERS``), the flush after a response, at exit, and
    ``flask activity flush``."""
    import atexit
    import weakref

    import click
    from flask import request
    from flask.cli import with_appcontext
    from flask_login import user_logged_in

    user_logged_in.connect(_on_login, app)
    atexit.register(_flush_at_exit, weakref.ref(app))

    @app.after_request
    def _diary_viewed(response):
        if request.endpoint in _DIARY_ENDPOINTS and response.status_code == 200 and request.method == "GET":
            ids = _current_ids()
            if ids is not None:
                count(app, *ids, "diary")
        return response

    @app.teardown_request
    def _flush_when_due(exc):
        # At most once an interval, whichever request comes then, after its response is made.
        if exc is None:
            _flush_after(app)

    @click.group("activity")
    def activity_group():
        """Счётчики активности пользователей."""

    @activity_group.command("flush")
    @with_appcontext
    def activity_flush_command():
        """Записать накопленные счётчики активности в базу данных."""
        from flask_babel import gettext as _

        rows = flush()
        with app.test_request_context():
            click.echo(_("Счётчики активности записаны: строк %(rows)s.", rows=rows))

    app.cli.add_command(activity_group)


def _flush_after(app) -> None:
    try:
        flush_if_due(app, unless=_holding_sqlite_write)
    except Exception:  # noqa: BLE001 - counting must never break a page
        app.logger.exception("activity: flush failed")
