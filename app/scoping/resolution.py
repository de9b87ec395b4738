"""Who the request acts as: the ``Scope`` resolved once per request and kept in ``g``.

Outside a request (CLI, migrations, the demo builder) there is no scope and
nothing is cut; ``acting_as()`` sets one explicitly for headless runs.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import g, has_app_context
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import GuardianLink, Learner, LearnerGroup, Lesson, Organisation, TeachingAssignment
from ..registry import SCOPE_AUTHORITY, SCOPE_CHILDREN, SCOPE_GROUPS, SCOPE_ORGANISATION, SCOPE_SELF, SCOPE_SYSTEM
from ..roles import SYSTEM_ADMIN

ANONYMOUS = "anonymous"
# From widest to narrowest: a user with several roles gets the widest.
_BREADTH = (SCOPE_SYSTEM, SCOPE_ORGANISATION, SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_CHILDREN, SCOPE_SELF)


@dataclass(frozen=True)
class Scope:
    kind: str
    user_id: int | None = None
    username: str = ""
    person_id: int | None = None
    org_ids: tuple[int, ...] = ()
    write_org_ids: tuple[int, ...] = ()
    group_ids: tuple[int, ...] | None = None  # None: every group of the organisations
    learner_ids: tuple[int, ...] | None = None  # None: every learner of the organisations
    # Resources of restricted models (hook ``restricted_models``) the user may read / write;
    # None: all (headless runs). Filled per request by ``security.scope_for_request``.
    restricted_read: frozenset[str] | None = frozenset()
    restricted_write: frozenset[str] | None = frozenset()
    # For a user whose rights follow his groups: (resource, learner ids) that each
    # restricted resource reaches; a class teacher's right reaches his class only.
    restricted_reach_read: tuple[tuple[str, tuple[int, ...]], ...] = ()
    restricted_reach_write: tuple[tuple[str, tuple[int, ...]], ...] = ()

    @property
    def is_system(self) -> bool:
        return self.kind == SCOPE_SYSTEM

    @property
    def default_org_id(self) -> int | None:
        return self.write_org_ids[0] if len(self.write_org_ids) == 1 else None


SYSTEM = Scope(SCOPE_SYSTEM, username="system", restricted_read=None, restricted_write=None)


def current_scope() -> Scope | None:
    if not has_app_context():
        return None
    return g.get("ejournal_scope")


@contextlib.contextmanager
def acting_as(scope: Scope | None):
    """Run a block as ``scope`` (headless report runs, tests); ``None``: uncut."""
    previous = g.get("ejournal_scope")
    g.ejournal_scope = scope
    try:
        yield scope
    finally:
        g.ejournal_scope = previous


def _ids(rows) -> tuple[int, ...]:
    return tuple(sorted({r for r in rows if r is not None}))


def scope_kind(role_names, host) -> str:
    """The kind of scope roles ``role_names`` give: the widest of them."""
    scopes = {host.roles[name].scope for name in role_names if name in host.roles}
    if SYSTEM_ADMIN in role_names:
        scopes.add(SCOPE_SYSTEM)
    return next((s for s in _BREADTH if s in scopes), SCOPE_SELF)


def resolve_scope(session: Session, account, host) -> Scope:
    """Build the scope of ``account`` with a fixed, small number of queries.

    Its own queries run uncut, whatever scope the context had before.
    """
    with acting_as(None):
        return _resolve(session, account, host)


def _resolve(session: Session, account, host) -> Scope:
    if account is None or not getattr(account, "is_authenticated", False):
        return Scope(ANONYMOUS)
    kind = scope_kind([r.name for r in account.roles], host)
    base = dict(user_id=account.id, username=account.username, person_id=account.person_id)
    if kind == SCOPE_SYSTEM:
        return Scope(SCOPE_SYSTEM, **base)
    if kind == SCOPE_AUTHORITY:
        orgs = _ids(session.scalars(select(Organisation.id).where(Organisation.authority_id == account.authority_id)))
        return Scope(kind, org_ids=orgs, write_org_ids=(), **base)
    if account.org_id is None:
        return Scope(ANONYMOUS, **base)
    org = (account.org_id,)
    if kind == SCOPE_ORGANISATION:
        return Scope(kind, org_ids=org, write_org_ids=org, **base)
    person = account.person_id
    if kind == SCOPE_GROUPS:
        groups = set(session.scalars(select(LearnerGroup.id).where(LearnerGroup.leader_id == person)))
        groups |= set(session.scalars(select(TeachingAssignment.group_id).where(TeachingAssignment.teacher_id == person)))
        groups |= set(session.scalars(select(Lesson.group_id).where(Lesson.substitute_id == person).distinct()))
        group_ids = _ids(groups)
        learners = _ids(session.scalars(select(Learner.id).where(Learner.group_id.in_(group_ids))))
    elif kind == SCOPE_CHILDREN:
        learners = _ids(session.scalars(select(GuardianLink.learner_id).where(GuardianLink.guardian_id == person)))
        group_ids = _ids(session.scalars(select(Learner.group_id).where(Learner.id.in_(learners))))
    else:  # self
        learners = (person,) if person else ()
        group_ids = _ids(session.scalars(select(Learner.group_id).where(Learner.id == person)))
    return Scope(kind, org_ids=org, write_org_ids=org, group_ids=group_ids, learner_ids=learners, **base)
