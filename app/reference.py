"""An organisation's reference data, kept in memory between requests.

The organisation's own row (its settings and time zone), its academic years,
periods, the year's mode, attendance codes and kinds of work are read by almost
every page — the journal alone read them in six queries — and change a few times
a year. A model opts in with ``__reference__ = True`` (it has an ``org_id``).

Its rows are kept per (model, organisation) in process memory under the tokens
``global`` and ``ref:<org>`` of ``models.ScopeEpoch``: every flush that writes
such a row renews ``ref:<org>`` in the same transaction (``scoping.cache``), and
a request reads the tokens with its user's others in one query, so a change made
by any process is seen on the next request. A cached row enters the request's
session by ``merge(load=False)``, the documented way to put a cached object into
a session without a query: from then on ``session.get`` and many-to-one
relations (``group.year``) find it in the session's identity map.

Only inside a request: a command or a job reads the database as before (its
long-lived context would otherwise keep what it has itself changed since).
"""
from __future__ import annotations

from flask import current_app, g, has_request_context
from sqlalchemy import inspect, select
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from .lru import LRU

EXTENSION = "ejournal_reference"


def key(org_id: int) -> str:
    """The epoch key renewed by every change of the organisation's reference data."""
    return f"ref:{org_id}"


def is_reference(obj) -> bool:
    return bool(getattr(type(obj), "__reference__", False))


def _cache() -> LRU:
    """(model, organisation) → (tokens, detached copies of its rows)."""
    return current_app.extensions.setdefault(EXTENSION, LRU(2048))


def _detached_copy(obj):
    """A copy of ``obj``'s column values, detached with ``obj``'s identity, owned by no session."""
    mapper = inspect(obj).mapper
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    make_transient_to_detached(copy)
    return copy


def _tokens(session, org_id: int) -> tuple:
    """The tokens the cached rows of ``org_id`` must match; read once a request
    (``scoping.cache.key_for`` reads them with the user's own)."""
    from .models.epoch import ScopeEpoch
    from .scoping.cache import GLOBAL

    known = g.setdefault("ejournal_epoch", {})
    wanted = (GLOBAL, key(org_id))
    missing = [k for k in wanted if k not in known]
    if missing:
        found = dict(session.execute(select(ScopeEpoch.key, ScopeEpoch.token).where(ScopeEpoch.key.in_(missing))).all())
        known.update({k: found.get(k) for k in missing})
    return tuple(known[k] for k in wanted)


def _reached(org_id: int) -> bool:
    from .scoping import current_scope

    scope = current_scope()
    return scope is None or scope.is_system or org_id in scope.org_ids


def rows(session, model, org_id: int | None) -> list:
    """Every row of reference ``model`` of organisation ``org_id``, in the session, by id;
    none for an organisation the current user does not reach."""
    if org_id is None or not str(org_id).isdigit():
        return []
    org_id = int(org_id)  # a report's parameter may still be text
    if not has_request_context():
        return _load(session, model, org_id)
    if not _reached(org_id):
        return []
    memo = g.setdefault("ejournal_reference_rows", {})
    memo_key = (id(session), model, org_id)
    found = memo.get(memo_key)
    if found is not None:
        return found
    copies, loaded = _kept(session, model, org_id)
    found = loaded if loaded is not None else [session.merge(c, load=False) for c in copies]
    memo[memo_key] = found
    return found


def _kept(session, model, org_id: int) -> tuple[tuple, list | None]:
    """(the detached copies of the rows, the rows just loaded into ``session`` or None when
    the copies were kept from before)."""
    tokens = _tokens(session, org_id)
    kept = _cache().get((model, org_id))
    if kept is not None and kept[0] == tokens:
        return kept[1], None
    loaded = _load(session, model, org_id)
    copies = tuple(_detached_copy(o) for o in loaded)
    _cache().put((model, org_id), (tokens, copies))
    return copies, loaded


def names(session, model, org_id: int | None, attr: str = "name") -> dict:
    """{id: ``attr``} of reference ``model``'s rows of the organisation, from the kept
    copies: no row enters the session (merging a college's hundreds of subjects into
    it, to read their names, cost more than the page's own reads)."""
    if org_id is None or not str(org_id).isdigit() or not has_request_context():
        return {r.id: getattr(r, attr) for r in rows(session, model, org_id)}
    org_id = int(org_id)
    if not _reached(org_id):
        return {}
    memo = g.setdefault("ejournal_reference_names", {})
    memo_key = (model, org_id, attr)
    found = memo.get(memo_key)
    if found is None:
        copies, _loaded = _kept(session, model, org_id)
        found = memo[memo_key] = {c.id: getattr(c, attr) for c in copies}
    return found


def _load(session, model, org_id: int) -> list:
    from .models import Organisation
    from .scoping import acting_as

    column = model.id if model is Organisation else model.org_id
    with acting_as(None):  # the whole organisation's list: the reach is checked in ``rows``
        # populate_existing: a session kept across requests (a test's) holds the old rows.
        return list(session.scalars(select(model).where(column == org_id).order_by(model.id)
                                    .execution_options(populate_existing=True)))


def get(session, model, org_id: int | None, ident: int | None):
    """The row ``ident`` of reference ``model`` of the organisation, or None."""
    if ident is None:
        return None
    return next((r for r in rows(session, model, org_id) if r.id == ident), None)


def organisation(session, org_id: int | None):
    """The organisation's row (its settings, plugins, time zone), or None."""
    from .models import Organisation

    return get(session, Organisation, org_id, org_id)


def forget(tokens: dict) -> None:
    """After a flush renewed ``tokens`` in this request: its later reads see the new rows."""
    if has_request_context():
        g.pop("ejournal_reference_rows", None)
        g.pop("ejournal_reference_names", None)
        g.setdefault("ejournal_epoch", {}).update(tokens)
