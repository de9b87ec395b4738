"""A user's scope and rights worked out once, and turned into SQL criteria once.

Resolving who may see what (``resolution.resolve_scope``, ``security.role_levels``,
the time zone, the reach of restricted data) takes about ten queries. Its result
is kept in process memory (``ScopeCache``, one per application) under a key made
of what it was computed from:

- the account as loaded for the request: its id, name, role names, organisation,
  authority and person (a role given or taken changes the key by itself);
- the tokens (``models.ScopeEpoch``) of the data behind it, read in one query per
  request (with ``ref:<org>``, the token of the organisation's reference data kept
  by ``app.reference``): ``global`` (organisations, the roles' table), ``rights:<org>`` (the
  organisation's changes of rights), ``person:<id>`` (what the person leads,
  teaches, substitutes, whose guardian he is) and, for users whose reach is their
  groups, children or themselves, ``members:<org>`` (groups, learners, teaching
  assignments, guardianship of the organisation); and ``mail:<account>``, the
  account's inbox (read by ``views.mail.unread_for_request``, not part of the key).

Every flush changing such data writes new random tokens for its keys in the same
transaction (``note_changes``), so whichever process serves the next request sees
the change. A random token, not a counter: a database laid anew from a copy
(restore, the tests' template) never brings back a token a cached entry was
made under with other data.

Only changes made through the application's sessions are seen; a change made
by hand in the database takes effect when the application restarts.

The loader criteria of a scope (``reads``) are built once per scope object and
kept beside it: a cached scope is the same object request after request.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import inspect, select

from .. import reference
from ..lru import LRU
from ..models import (GuardianLink, Learner, LearnerGroup, Lesson, MailRecipient, Organisation, OrgRolePermission,
                      TeachingAssignment)
from ..models.epoch import ScopeEpoch
from ..registry import SCOPE_AUTHORITY, SCOPE_ORGANISATION, SCOPE_SYSTEM

EXTENSION = "ejournal_scope_cache"
GLOBAL = "global"
MAIL = "mail:"
# Scopes reaching whole organisations do not depend on the organisation's groups and learners.
_WIDE = (SCOPE_SYSTEM, SCOPE_ORGANISATION, SCOPE_AUTHORITY)


# --- what a change touches ----------------------------------------------------
# model → (attributes whose change matters, attribute naming a person whose own key changes,
#          "members" when the organisation's memberships change, "rights" for its rights)
_WATCHED = (
    (OrgRolePermission, ("org_id", "role_id", "resource", "level"), None, "rights"),
    (LearnerGroup, ("leader_id", "kind", "org_id"), "leader_id", "members"),
    (TeachingAssignment, ("teacher_id", "group_id", "org_id"), "teacher_id", "members"),
    (Learner, ("group_id", "org_id"), None, "members"),
    (GuardianLink, ("guardian_id", "learner_id", "org_id"), "guardian_id", "members"),
    (Lesson, ("substitute_id",), "substitute_id", "members"),
)
_GLOBAL_ATTRS = ("timezone", "plugins", "authority_id")
_WATCHED_TABLES = frozenset({"organisation", "org_role_permission", "learner_group", "teaching_assignment", "person",
                             "guardian_link", "lesson", "ab_role"})


def _values(obj, attr: str) -> set:
    """The attribute's values before and after the flush (nothing is loaded)."""
    state = inspect(obj)
    history = state.attrs[attr].history
    values = [*history.added, *history.deleted, *history.unchanged, state.dict.get(attr)]
    return {v for v in values if v is not None}


def _changed(obj, attrs) -> bool:
    state = inspect(obj)
    return any(state.attrs[a].history.has_changes() for a in attrs)


def keys_of(obj, is_dirty: bool) -> set[str]:
    """The epoch keys a new, changed (``is_dirty``) or deleted ``obj`` touches."""
    if isinstance(obj, Organisation):
        own = {reference.key(obj.id)} if obj.id is not None else {GLOBAL}
        return own | ({GLOBAL} if not is_dirty or _changed(obj, _GLOBAL_ATTRS) else set())
    if reference.is_reference(obj):
        orgs = _values(obj, "org_id")
        return {reference.key(org) for org in orgs} if orgs else {GLOBAL}
    if getattr(obj, "__tablename__", None) == "ab_role":
        return {GLOBAL}
    if isinstance(obj, MailRecipient):  # a message received, read or deleted: the inbox's counter
        if is_dirty and not _changed(obj, ("read_at", "account_id")):
            return set()
        return {f"{MAIL}{a}" for a in _values(obj, "account_id")}
    for model, attrs, person_attr, part in _WATCHED:
        if not isinstance(obj, model):
            continue
        if is_dirty and not _changed(obj, attrs):
            return set()
        if model is Lesson and not _values(obj, "substitute_id"):
            return set()  # a lesson matters only to a substitute's scope
        orgs = _values(obj, "org_id")
        if not orgs:
            return {GLOBAL}  # its organisation unknown here: every user's tokens change
        keys = {f"{part}:{org}" for org in orgs}
        if person_attr is not None:
            keys |= {f"person:{p}" for p in _values(obj, person_attr)}
        return keys
    return set()


def note_changes(session, _flush_context) -> None:
    """``after_flush``: new tokens for the keys of what the flush wrote (same transaction)."""
    keys: set[str] = set()
    for obj in session.new:
        keys |= keys_of(obj, False)
    for obj in session.deleted:
        keys |= keys_of(obj, False)
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=False):
            keys |= keys_of(obj, True)
    if keys:
        bump(session.connection(), keys)


def note_bulk_writes(state) -> None:
    """``do_orm_execute``: an ORM bulk INSERT / UPDATE / DELETE of such data renews every token."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in _WATCHED_TABLES or \
            getattr(state.bind_mapper, "class_", None) is not None and reference.is_reference(state.bind_mapper.class_):
        bump(state.session.connection(), {GLOBAL})


def bump(connection, keys: set[str]) -> None:
    """Write a new random token for each of ``keys`` (inserted when missing)."""
    token = secrets.randbits(62)
    rows = [{"key": key, "token": token} for key in sorted(keys)]
    reference.forget({key: token for key in keys})
    table = ScopeEpoch.__table__
    dialect = connection.dialect.name
    if dialect in ("sqlite", "postgresql"):
        if dialect == "sqlite":
            from sqlalchemy.dialects.sqlite import insert
        else:
            from sqlalchemy.dialects.postgresql import insert
        stmt = insert(table).values(rows)
        connection.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"token": stmt.excluded.token}))
        return
    for row in rows:  # other databases: update, insert what was missing
        if not connection.execute(table.update().where(table.c.key == row["key"]).values(token=token)).rowcount:
            connection.execute(table.insert().values(row))


# --- the cache -------------------------------------------------------------------
@dataclass(frozen=True)
class Resolved:
    """What a request worked out about its user (see ``security.scope_for_request``)."""

    scope: object
    rights: tuple | None
    role_levels: dict | None
    reach: dict | None
    timezone: str | None


class ScopeCache:
    """Two bounded dictionaries of one application: resolved users, and the criteria of scopes."""

    def __init__(self, size: int = 4096):
        self._resolved = LRU(size)
        self._criteria = LRU(size)

    def get(self, key) -> Resolved | None:
        return self._resolved.get(key)

    def put(self, key, entry: Resolved) -> None:
        self._resolved.put(key, entry)

    def criteria(self, scope, build):
        """``build(scope)`` once per scope object (a cached scope is reused request after request)."""
        entry = self._criteria.get(id(scope))
        if entry is not None and entry[0] is scope:
            return entry[1]
        value = build(scope)
        self._criteria.put(id(scope), (scope, value))
        return value


def scope_cache(app=None) -> ScopeCache:
    app = app or current_app
    cache = app.extensions.get(EXTENSION)
    if cache is None:
        cache = app.extensions.setdefault(EXTENSION, ScopeCache())
    return cache


def key_for(session, account, kind: str):
    """The cache key of ``account`` whose scope is of ``kind``: the account's own
    fields and the current tokens of the data its scope is made of (one query)."""
    role_names = tuple(sorted(r.name for r in account.roles))
    org_id, person_id = account.org_id, account.person_id
    keys = [GLOBAL]
    if org_id is not None:
        keys += [f"rights:{org_id}", reference.key(org_id)]
        if kind not in _WIDE:
            keys.append(f"members:{org_id}")
    if person_id is not None:
        keys.append(f"person:{person_id}")
    keys.append(f"{MAIL}{account.id}")
    tokens = dict(session.execute(select(ScopeEpoch.key, ScopeEpoch.token).where(ScopeEpoch.key.in_(keys))).all())
    g.ejournal_epoch = {k: tokens.get(k) for k in keys}  # the reference data's tokens too (app/reference.py)
    return (account.id, account.username, role_names, org_id, getattr(account, "authority_id", None), person_id,
            tuple(tokens.get(k) for k in keys if not k.startswith(("ref:", MAIL))))
