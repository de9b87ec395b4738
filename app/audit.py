"""The audit log: every change of an audited row, in the transaction of the change.

A model is audited when it sets ``__audited__ = True``; FAB's roles are audited
too, since their permissions are rights. Entries are written with a plain
INSERT on the flush's own connection, so they commit or roll back with the
change itself and never pass through the ORM guards.
"""
from __future__ import annotations

import datetime as dt
import decimal

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from .models import AuditEntry, Organisation
from .models.base import now

# Never copy secrets into the log: only the fact that they changed.
_MASKED = {"password"}
_SKIPPED = {"version", "changed_on", "created_on", "last_login", "login_count", "fail_login_count"}


def _plain(value):
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, (list, tuple, set)):
        return sorted(str(v) for v in value)
    return value


def _is_audited(obj, action: str) -> bool:
    """``__audited__`` is True (every change) or the actions to record, e.g. ("update", "delete")."""
    audited = getattr(obj, "__audited__", False)
    if isinstance(audited, (tuple, set, frozenset, list)):
        return action in audited
    return bool(audited) or getattr(obj, "__tablename__", "") == "ab_role"


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    old, new = {}, {}
    for attr in state.mapper.attrs:
        key = attr.key
        if key in _SKIPPED:
            continue
        is_column = hasattr(attr, "columns")
        if not is_column and not getattr(attr, "uselist", False):
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        if is_column:
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
        else:
            before = list(hist.unchanged) + list(hist.deleted)
            after = list(hist.unchanged) + list(hist.added)
        if key in _MASKED:
            before, after = "***", "*** (изменён)"
        old[key], new[key] = _plain(before), _plain(after)
    return old, new


def _who():
    from .scoping import current_scope

    scope = current_scope()
    if scope is None:
        return None, "system"
    return scope.user_id, scope.username or "anonymous"


def _collect(session: Session, flush_context, instances) -> None:
    """Before the flush, while history is intact: remember what will change."""
    pending = session.info.setdefault("audit_pending", [])
    for obj in session.new:
        if _is_audited(obj, "insert"):
            pending.append(("insert", obj, None))
    for obj in session.dirty:
        if _is_audited(obj, "update") and session.is_modified(obj):
            old, new = _changes(obj)
            if new:
                pending.append(("update", obj, (old, new)))
    for obj in session.deleted:
        if _is_audited(obj, "delete"):
            pending.append(("delete", obj, (_values(obj), None)))


def _values(obj) -> dict:
    """All column values as the session holds them, without loading anything."""
    state = inspect(obj)
    out = {}
    for attr in state.mapper.column_attrs:
        if attr.key in _SKIPPED or attr.key not in state.dict:
            continue
        value = state.dict[attr.key]
        out[attr.key] = "***" if attr.key in _MASKED and value is not None else _plain(value)
    return out


def _write(session: Session, flush_context) -> None:
    pending = session.info.pop("audit_pending", [])
    if not pending:
        return
    user_id, username = _who()
    at = now()
    rows = []
    for action, obj, data in pending:
        if action == "insert":
            old, new = None, _values(obj)
        else:
            old, new = data
        rows.append(dict(
            at=at,
            user_id=user_id,
            username=username,
            org_id=getattr(obj, "org_id", None) or (obj.id if isinstance(obj, Organisation) else None),
            entity=type(obj).__name__,
            entity_id=inspect(obj).identity[0] if inspect(obj).identity else getattr(obj, "id", None),
            action=action,
            old=old,
            new=new,
        ))
    session.connection().execute(AuditEntry.__table__.insert(), rows)


def _forget(session: Session) -> None:
    session.info.pop("audit_pending", None)


# (event, listener) of the session; ``app.listeners`` attaches them after the
# guards, so that a refused write leaves no entry.
SESSION_LISTENERS = (("before_flush", _collect), ("after_flush", _write), ("after_rollback", _forget))


def log_views(session: Session, entity, views) -> int:
    """Record that the current user saw rows of restricted personal data.

    ``entity`` is the model class (or its name); ``views`` is an iterable of
    ``(row_id, org_id, details)``, ``details`` a small dict saying what was
    seen (e.g. ``{"learner_id": 7}``; its keys are shown with the
    field labels of the audit page). One audit entry of the
    action «view» per row, written with a single INSERT on the session's
    connection: it commits with the request's transaction (the caller
    commits), and a page showing 25 cards costs one statement. Returns the
    number of entries written.
    """
    name = entity if isinstance(entity, str) else entity.__name__
    user_id, username = _who()
    at = now()
    rows = [dict(at=at, user_id=user_id, username=username, org_id=org_id, entity=name, entity_id=row_id,
                 action="view", old=None, new=details) for row_id, org_id, details in views]
    if rows:
        session.connection().execute(AuditEntry.__table__.insert(), rows)
    return len(rows)


def log_view(session: Session, obj, details: dict | None = None) -> int:
    """``log_views`` for one mapped row."""
    return log_views(session, type(obj), [(obj.id, getattr(obj, "org_id", None), details)])


def log_created(session: Session, obj) -> int:
    """Record the creation of a row whose model does not audit its inserts (an
    organisation, an authority: created once, by the system administrator)."""
    user_id, username = _who()
    org_id = getattr(obj, "org_id", None) or (obj.id if isinstance(obj, Organisation) else None)
    session.connection().execute(AuditEntry.__table__.insert(), [dict(
        at=now(), user_id=user_id, username=username, org_id=org_id, entity=type(obj).__name__, entity_id=obj.id,
        action="insert", old=None, new=_values(obj))])
    return 1
