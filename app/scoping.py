"""Data scoping, enforced once, below every view and API.

Each request resolves the current user's ``Scope`` once and keeps it in ``g``.
Every ORM SELECT (lists, shows, form choices, REST ``_info``, actions,
relationship loads) then gets ``with_loader_criteria`` for the organisations
and relationships the user may reach, and every flush checks what it writes:
the organisation, the learners and groups it touches, and every foreign key
it sets. FAB's ``base_filters`` are not relied on (NOTES.md).

Outside a request (CLI, migrations, the demo builder) there is no scope and
nothing is cut; ``acting_as()`` sets one explicitly for headless runs.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass

from flask import flash, g, has_app_context, has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import event, false, inspect, or_, select
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from .exceptions import ScopeError
from .models import (
    Account,
    Assignment,
    Attendance,
    AuditEntry,
    Authority,
    FinalMark,
    GuardianLink,
    Homework,
    HomeworkAttachment,
    Learner,
    LearnerGroup,
    Lesson,
    Mark,
    Organisation,
    OrgScoped,
    Person,
    Subgroup,
    SubgroupMember,
    TeachingAssignment,
)
from .registry import (
    SCOPE_AUTHORITY,
    SCOPE_CHILDREN,
    SCOPE_GROUPS,
    SCOPE_ORGANISATION,
    SCOPE_SELF,
    SCOPE_SYSTEM,
)

ANONYMOUS = "anonymous"
# From widest to narrowest: a user with several roles gets the widest.
_BREADTH = [SCOPE_SYSTEM, SCOPE_ORGANISATION, SCOPE_AUTHORITY, SCOPE_GROUPS, SCOPE_CHILDREN, SCOPE_SELF]
# What an anonymous login may change on an account: FAB's own bookkeeping.
_LOGIN_FIELDS = {"last_login", "login_count", "fail_login_count", "changed_on"}


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
def acting_as(scope: Scope):
    """Run a block as ``scope`` (headless report runs, tests)."""
    previous = g.get("ejournal_scope")
    g.ejournal_scope = scope
    try:
        yield scope
    finally:
        g.ejournal_scope = previous


def _ids(rows) -> tuple[int, ...]:
    return tuple(sorted({r for r in rows if r is not None}))


def resolve_scope(session: Session, account, host) -> Scope:
    """Build the scope of ``account`` with a fixed, small number of queries.

    Its own queries run uncut, whatever scope the context had before.
    """
    with acting_as(None):
        return _resolve(session, account, host)


def _resolve(session: Session, account, host) -> Scope:
    if account is None or not getattr(account, "is_authenticated", False):
        return Scope(ANONYMOUS)
    role_names = [r.name for r in account.roles]
    scopes = {host.roles[name].scope for name in role_names if name in host.roles}
    if "Admin" in role_names:
        scopes.add(SCOPE_SYSTEM)
    kind = next((s for s in _BREADTH if s in scopes), SCOPE_SELF)
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


def _criteria(scope: Scope) -> list:
    """Loader criteria for ``scope``. Each lambda sits at a fixed place so that
    SQLAlchemy caches it; the tuples it closes over become bound parameters."""
    org_ids = scope.org_ids
    opts = [
        with_loader_criteria(OrgScoped, lambda cls: cls.org_id.in_(org_ids), include_aliases=True),
        with_loader_criteria(Organisation, lambda cls: cls.id.in_(org_ids), include_aliases=True),
        with_loader_criteria(
            Authority,
            lambda cls: cls.id.in_(select(Organisation.authority_id).where(Organisation.id.in_(org_ids))),
            include_aliases=True,
        ),
        with_loader_criteria(AuditEntry, lambda cls: cls.org_id.in_(org_ids), include_aliases=True),
    ]
    if scope.kind == ANONYMOUS:
        return opts  # FAB must still find the account at login
    me = scope.user_id
    if scope.learner_ids is None:
        opts.append(with_loader_criteria(
            Account, lambda cls: or_(cls.org_id.in_(org_ids), cls.id == me), include_aliases=True))
        return opts
    groups, learners, person = scope.group_ids, scope.learner_ids, scope.person_id
    opts += [
        with_loader_criteria(Account, lambda cls: cls.id == me, include_aliases=True),
        with_loader_criteria(LearnerGroup, lambda cls: cls.id.in_(groups), include_aliases=True),
        with_loader_criteria(Subgroup, lambda cls: cls.group_id.in_(groups), include_aliases=True),
        with_loader_criteria(TeachingAssignment, lambda cls: cls.group_id.in_(groups), include_aliases=True),
        with_loader_criteria(Lesson, lambda cls: cls.group_id.in_(groups), include_aliases=True),
        with_loader_criteria(
            Assignment,
            lambda cls: cls.lesson_id.in_(select(Lesson.id).where(Lesson.group_id.in_(groups))),
            include_aliases=True,
        ),
        with_loader_criteria(Mark, lambda cls: cls.learner_id.in_(learners), include_aliases=True),
        # Homework of the own groups: general, or individual for a reachable learner.
        with_loader_criteria(
            Homework,
            lambda cls: cls.lesson_id.in_(select(Lesson.id).where(Lesson.group_id.in_(groups)))
            & or_(cls.learner_id.is_(None), cls.learner_id.in_(learners)),
            include_aliases=True,
        ),
        with_loader_criteria(
            HomeworkAttachment,
            lambda cls: cls.homework_id.in_(
                select(Homework.id).join(Lesson, Lesson.id == Homework.lesson_id).where(
                    Lesson.group_id.in_(groups), or_(Homework.learner_id.is_(None), Homework.learner_id.in_(learners)))),
            include_aliases=True,
        ),
        with_loader_criteria(Attendance, lambda cls: cls.learner_id.in_(learners), include_aliases=True),
        with_loader_criteria(FinalMark, lambda cls: cls.learner_id.in_(learners), include_aliases=True),
        with_loader_criteria(SubgroupMember, lambda cls: cls.learner_id.in_(learners), include_aliases=True),
        with_loader_criteria(GuardianLink, lambda cls: cls.learner_id.in_(learners), include_aliases=True),
        # Colleagues are visible by name; of learners and guardians only the reachable ones.
        with_loader_criteria(
            Person,
            lambda cls: or_(
                cls.kind == "staff",
                cls.id == person,
                cls.id.in_(learners),
                cls.id.in_(select(GuardianLink.guardian_id).where(GuardianLink.learner_id.in_(learners))),
            ),
            include_aliases=True,
        ),
    ]
    # Plugins' per-learner and per-group rows (cards, orders, timetables …) get
    # the same cut as the core's, without each plugin repeating it.
    # Lambdas as above, so that the statement cache keeps one entry per class.
    opts += [with_loader_criteria(cls, lambda c: c.learner_id.in_(learners), include_aliases=True)
             for cls in _BY_LEARNER]
    opts += [with_loader_criteria(cls, lambda c: c.group_id.in_(groups), include_aliases=True)
             for cls in _BY_GROUP]
    return opts


def _restricted() -> dict[type, str]:
    """Restricted models of the application's plugins → their resources."""
    from flask import current_app

    host = current_app.extensions.get("ejournal") if has_app_context() else None
    return host.restricted if host is not None else {}


def _restricted_criteria(scope: Scope) -> list:
    """Restricted personal data (hook ``restricted_models``) is cut for every user
    lacking its resource, the system administrator included: no rows of the
    model, and no audit entries that would show its values."""
    if scope.restricted_read is None:
        return []
    hidden = [model for model, resource in _restricted().items() if resource not in scope.restricted_read]
    if not hidden:
        return _reach_criteria(scope)
    names = tuple(sorted(m.__name__ for m in hidden))
    opts = [with_loader_criteria(model, false(), include_aliases=True) for model in hidden]
    opts.append(with_loader_criteria(AuditEntry, lambda cls: cls.entity.not_in(names), include_aliases=True))
    return opts + _reach_criteria(scope)


def _reach_criteria(scope: Scope) -> list:
    """Restricted rows of the learners the user's right reaches, not of every learner he teaches."""
    reach = dict(scope.restricted_reach_read)
    return [_learner_cut(model, reach[resource]) for model, resource in _restricted().items()
            if resource in reach and "learner_id" in model.__table__.columns]


def _learner_cut(model, learners: tuple[int, ...]):
    # A function of its own: each cut closes over its own learners (a lambda in a loop would share them).
    return with_loader_criteria(model, lambda c: c.learner_id.in_(learners), include_aliases=True)


def _hidden_tables(scope: Scope) -> frozenset[str]:
    if scope.restricted_read is None:
        return frozenset()
    return frozenset(m.__table__.name for m, resource in _restricted().items() if resource not in scope.restricted_read)


def _touches(statement, tables: frozenset[str]) -> bool:
    """Whether ``statement`` reads any of ``tables`` anywhere: as an entity, a bare
    column, inside a function (``count(card.id)``), a join or a subquery."""
    return any(getattr(t, "name", None) in tables
               for t in find_tables(statement, check_columns=True, include_aliases=True, include_joins=True,
                                    include_crud=True))


def _on_execute(state):
    scope = current_scope()
    if scope is None:
        return
    if state.is_select or state.is_update or state.is_delete:
        if state.is_column_load or state.is_relationship_load:
            return  # the criteria travel with the parent query's options
        opts = _restricted_criteria(scope)
        if not scope.is_system:
            opts = _criteria(scope) + opts
        if opts:
            state.statement = state.statement.options(*opts)
        # Loader criteria cut ORM entities only; a bare column or an aggregate of a
        # restricted model would still be read: such a statement returns nothing.
        hidden = _hidden_tables(scope)
        if hidden and _touches(state.statement, hidden):
            if not hasattr(state.statement, "where"):  # a UNION of such reads: refused outright
                _refuse(_l("Эти данные вам недоступны."))
            state.statement = state.statement.where(false())


def _refuse(message) -> None:
    raise ScopeError(str(message))


def _changed_columns(obj) -> dict[str, object]:
    state = inspect(obj)
    changed = {}
    for attr in state.mapper.column_attrs:
        hist = state.attrs[attr.key].history
        if hist.added:
            changed[attr.key] = hist.added[0]
    return changed


def _check_foreign_keys(session: Session, objects) -> None:
    """Every foreign key a write sets must point at a row the user can see."""
    wanted: dict = {}
    for obj in objects:
        mapper = inspect(obj).mapper
        changed = _changed_columns(obj)
        for attr in mapper.column_attrs:
            if attr.key not in changed or changed[attr.key] is None or attr.key == "org_id":
                continue
            for column in attr.columns:
                for fk in column.foreign_keys:
                    target = _TABLE_CLASSES.get(fk.column.table.name)
                    if target is not None:
                        wanted.setdefault(target, {}).setdefault(changed[attr.key], attr.key)
    for target, ids in wanted.items():
        # The mapped attribute, not the table's column: loader criteria cut ORM entities only.
        mapper = inspect(target)
        pk = getattr(target, mapper.get_property_by_column(mapper.primary_key[0]).key)
        found = set(session.scalars(select(pk).where(pk.in_(list(ids)))))
        for missing in set(ids) - found:
            _refuse(_l("Связанная запись (%(field)s = %(id)s) не найдена или недоступна.", field=ids[missing], id=missing))


_TABLE_CLASSES: dict[str, type] = {}
# Organisation rows cut above by name; every other OrgScoped model with a
# ``learner_id`` (else a ``group_id``) column is cut generically.
_EXPLICIT = (Account, Assignment, Attendance, FinalMark, GuardianLink, Homework, HomeworkAttachment, LearnerGroup,
             Lesson, Mark, Person, Subgroup, SubgroupMember, TeachingAssignment)
_BY_LEARNER: list[type] = []
_BY_GROUP: list[type] = []


def _index_tables() -> None:
    """Map table names to their base mapped class, for the foreign-key check."""
    from .models import Model

    for mapper in Model.registry.mappers:
        if mapper.inherits is None:
            _TABLE_CLASSES.setdefault(mapper.local_table.name, mapper.class_)
    # FAB maps ab_user twice (its User and our Account): the check must see ours.
    _TABLE_CLASSES["ab_user"] = Account
    _BY_LEARNER.clear()
    _BY_GROUP.clear()
    for mapper in Model.registry.mappers:
        cls = mapper.class_
        if mapper.inherits is not None or not issubclass(cls, OrgScoped) or issubclass(cls, _EXPLICIT):
            continue
        columns = mapper.columns.keys()
        if "learner_id" in columns:
            _BY_LEARNER.append(cls)
        elif "group_id" in columns:
            _BY_GROUP.append(cls)


def _guard_restricted(scope: Scope, session: Session) -> None:
    """Writing restricted personal data needs «write» on its resource."""
    if scope.restricted_write is None:
        return
    restricted = _restricted()
    if not restricted:
        return
    reach = dict(scope.restricted_reach_write)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        resource = restricted.get(type(obj))
        if resource is None:
            continue
        if resource not in scope.restricted_write or (
                resource in reach and getattr(obj, "learner_id", None) not in reach[resource]):
            _refuse(_l("Нет прав на изменение этих данных: они доступны только ответственному специалисту."))


def _guard(session: Session, flush_context, instances) -> None:
    scope = current_scope()
    if scope is None:
        return
    _guard_restricted(scope, session)
    with session.no_autoflush:
        new, dirty, deleted = list(session.new), [o for o in session.dirty if session.is_modified(o)], list(session.deleted)
        if scope.is_system:  # the system administrator too keeps to what the plugins allow
            _check_records(session, new + dirty)
            return
        for obj in new + dirty + deleted:
            if isinstance(obj, Account):
                _guard_account(session, scope, obj, obj in new)
            elif isinstance(obj, OrgScoped):
                _guard_row(scope, obj, obj in new)
            elif obj.__tablename__.startswith("ab_"):
                _refuse(_l("Изменять общие роли и права может только администратор системы."))
        _check_records(session, new + dirty)  # after the rows' guard, which gives a new row its organisation
        _check_foreign_keys(session, new + dirty)


def _check_records(session: Session, objs) -> None:
    from .services.records import check_record
    from app.exceptions import InvalidRecord

    try:
        for obj in objs:
            check_record(session, obj)
    except InvalidRecord as exc:
        _refuse(str(exc))


def _guard_row(scope: Scope, obj, is_new: bool) -> None:
    if is_new:
        if inspect(obj).key is None and getattr(obj, "id", None) is not None:
            # A client-supplied id for a new row: marshmallow builds such rows for
            # related ids it could not find (NOTES.md). Never create them.
            _refuse(_l("Связанная запись не найдена или недоступна."))
        if obj.org_id is None:
            obj.org_id = scope.default_org_id
    if obj.org_id not in scope.write_org_ids:
        _refuse(_l("Нет прав на изменение данных этой организации."))
    if scope.learner_ids is not None:
        learner = getattr(obj, "learner_id", None)
        if learner is not None and learner not in scope.learner_ids:
            _refuse(_l("Этот обучающийся вам недоступен."))
        group = getattr(obj, "group_id", None)
        if group is not None and isinstance(obj, (Lesson, Subgroup, TeachingAssignment, LearnerGroup)) and group not in scope.group_ids:
            _refuse(_l("Эта группа вам недоступна."))


def _guard_account(session: Session, scope: Scope, obj, is_new: bool) -> None:
    from .services.grants import check_account_write
    from app.exceptions import GrantRefused

    if scope.kind == ANONYMOUS:
        if is_new or not set(_changed_columns(obj)) <= _LOGIN_FIELDS:
            _refuse(_l("Войдите в систему."))
        return
    try:
        check_account_write(session, scope, obj, is_new)
    except GrantRefused as exc:
        _refuse(str(exc))
    if obj.id is not None and obj.id == scope.user_id and not is_new:
        return  # own password, own login bookkeeping
    if is_new and obj.org_id is None:
        obj.org_id = scope.default_org_id
    if obj.org_id not in scope.write_org_ids or obj.authority_id is not None:
        _refuse(_l("Нет прав на изменение учётных записей этой организации."))
    if any(r.name == "Admin" or r.name == "Сотрудник УО" for r in obj.roles):
        _refuse(_l("Эту роль может назначить только администратор системы."))


def _refusals_shown(method):
    """FAB's forms save through ``SQLAInterface``, which rolls back only
    SQLAlchemy's errors and flashes a bare «Ошибка базы данных» on a refused
    edit. A refusal of the guard here rolls the session back (the refused
    change must not be flushed by the next query of the request) and, on a
    page, shows its Russian reason."""

    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except ScopeError as exc:
            self.session.rollback()
            if method.__name__ == "edit" and has_request_context() and not request.path.startswith("/api/"):
                flash(str(exc), "danger")  # FAB's add and delete flash the message themselves
            raise

    wrapper.__wrapped__ = method
    return wrapper


def _patch_fab_interface() -> None:
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    for name in ("add", "edit", "delete", "delete_all"):
        method = getattr(SQLAInterface, name)
        if not hasattr(method, "__wrapped__"):
            setattr(SQLAInterface, name, _refusals_shown(method))


def init_scoping(session_factory) -> None:
    """Attach the hooks to the application's session class (once per process)."""
    _index_tables()
    _patch_fab_interface()
    if not event.contains(session_factory, "do_orm_execute", _on_execute):
        event.listen(session_factory, "do_orm_execute", _on_execute)
        event.listen(session_factory, "before_flush", _guard)
