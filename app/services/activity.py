"""Recording activity: logins and key actions, one counter per user, kind and day.

``record`` costs one UPDATE, or an UPDATE and an INSERT the first time of the
day (no UPSERT: the same statements work on SQLite and PostgreSQL); a race on
the first INSERT of the day is settled inside a SAVEPOINT. It runs on the
session's own connection with plain statements, so it commits or rolls back
with the action it counts and never passes through the ORM guards.

What is recorded, and where:

- ``login``: flask_login's ``user_logged_in`` signal (FAB's login pages);
- ``marks``, ``attendance``, ``homework``: a flush that writes Mark, FinalMark,
  Attendance or Homework rows (journal grid, lesson page, attendance of the day,
  REST API alike);
- ``message``, ``announcement``: the mail and announcement services;
- ``diary``: a diary page or the diary API answered 200.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import clock
from ..models import ACTIVITY_KINDS, ActivityDay, Attendance, FinalMark, Homework, Mark

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


def _record_apart(app, account_id, org_id, kind) -> None:
    from ..extensions import db

    if account_id is None or org_id is None:
        return
    try:
        with db.engine.begin() as conn:
            record_on(conn, account_id, org_id, kind)
    except Exception:  # noqa: BLE001 - counting must never break a login or a page
        app.logger.exception("activity: %s not recorded", kind)


def _on_login(app, user):
    _record_apart(app, getattr(user, "id", None), getattr(user, "org_id", None), "login")


def _forget(session: Session) -> None:
    session.info.pop("activity_pending", None)


# (event, listener) of the session, attached by ``app.listeners`` (after the guards).
SESSION_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _forget))


def init_activity(app) -> None:
    """Attach the recorders: the login signal and the diary pages (the flush
    listener is in ``SESSION_LISTENERS``)."""
    from flask import request
    from flask_login import user_logged_in

    user_logged_in.connect(_on_login, app)

    @app.after_request
    def _diary_viewed(response):
        if request.endpoint in _DIARY_ENDPOINTS and response.status_code == 200 and request.method == "GET":
            ids = _current_ids()
            if ids is not None:
                _record_apart(app, *ids, "diary")
        return response
