"""The read filter: every ORM SELECT (and bulk UPDATE / DELETE) cut to what the user may reach.

Lists, shows, form choices, REST ``_info``, actions and relationship loads all
get ``with_loader_criteria`` for the organisations, groups and learners of the
request's scope. Models declared ``"group"`` or ``"learner"`` get the generic
cut by their column; the ``"custom"`` ones (``CUSTOM_RULES``) are cut by hand below.
FAB's ``base_filters`` are not relied on (NOTES.md).
"""
from __future__ import annotations

import json

from flask import current_app, g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, String, TypeDecorator, any_, bindparam, false, func, or_, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.orm import aliased, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from ..exceptions import ScopeError
from ..models import (
    Account, Assignment, AuditEntry, Authority, GuardianLink, Homework, HomeworkAttachment, LearnerGroup, Lesson,
    Organisation, OrgScoped, Person,
)
from ..models.transfer import Transfer
from .declarations import LEARNER, ScopeIndex, scope_index
from .resolution import ANONYMOUS, Scope, current_scope

# The lesson (and homework) a correlated cut looks up: aliases of their own, so that a
# statement which itself reads lessons does not swallow the subquery's FROM.
_LESSON = aliased(Lesson, name="cut_lesson")
_HOMEWORK = aliased(Homework, name="cut_homework")

# The models declared "custom": their cut is written out in ``_criteria``.
CUSTOM_RULES = (Organisation, Authority, AuditEntry, Account, Person, LearnerGroup, Assignment, Homework,
          HomeworkAttachment, Transfer)


class IdList(TypeDecorator):
    """A list of ids bound as one JSON text parameter (SQLite's ``json_each`` reads it)."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return json.dumps(list(value))


def _ids(name: str, values) -> BindParameter:
    """One bound parameter holding a list of ids: on PostgreSQL an array (``= ANY``), on
    SQLite a JSON text (``IN (SELECT value FROM json_each(?))``), elsewhere an expanding
    ``IN``. Hundreds of separate parameters cost more to render, bind and plan than the
    statement costs to run: 5 ms a statement on PostgreSQL, 1 ms on SQLite, for a
    teacher of 26 classes and 735 learners."""
    values = list(values)
    dialect = _dialect()
    if dialect == "postgresql":
        # One id (a parent of one child, a learner) as a plain equality: PostgreSQL merges it
        # with the statement's own ``group_id = 51``, where ``= ANY('{51}')`` beside it would
        # count as a second, independent filter and make it expect one row instead of thirty.
        if len(values) == 1:
            return bindparam(name, values[0], type_=Integer)
        return bindparam(name, values, type_=ARRAY(Integer))
    if dialect == "sqlite" and len(values) > 1:
        return bindparam(name, values, type_=IdList())
    return bindparam(name, values, expanding=True)


def among(column, ids: BindParameter):
    """``column`` is one of ``ids`` (a parameter made by ``_ids``)."""
    if isinstance(ids.type, ARRAY):
        return column == any_(ids)
    if isinstance(ids.type, IdList):
        return column.in_(select(func.json_each(ids).table_valued("value").c.value))
    return column.in_(ids) if ids.expanding else column == ids


def _dialect() -> str | None:
    from ..extensions import db

    return db.engine.dialect.name if has_app_context() else None


def _criteria(scope: Scope, index: ScopeIndex) -> list:
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
        # A transfer between organisations: each of the two sees it.
        with_loader_criteria(
            Transfer, lambda cls: or_(cls.from_org_id.in_(org_ids), cls.to_org_id.in_(org_ids)), include_aliases=True),
    ]
    if scope.kind == ANONYMOUS:
        return opts  # FAB must still find the account at login
    me = scope.user_id
    if scope.learner_ids is None:
        opts.append(with_loader_criteria(
            Account, lambda cls: or_(cls.org_id.in_(org_ids), cls.id == me), include_aliases=True))
        return opts
    person = scope.person_id
    # A teacher's lists run to hundreds of learners, repeated in most statements: one
    # parameter each (``_ids``), not one per id.
    groups, learners = _ids("cut_groups", scope.group_ids), _ids("cut_learners", scope.learner_ids)
    opts += [
        with_loader_criteria(Account, lambda cls: cls.id == me, include_aliases=True),
        with_loader_criteria(LearnerGroup, lambda cls: among(cls.id, groups), include_aliases=True),
        # Rows reached through their lesson: a correlated EXISTS, one primary-key look-up
        # a row (``lesson_id IN (SELECT …)`` made SQLite list every lesson of every group
        # the teacher teaches, for each statement: most of the journal's SQL time).
        with_loader_criteria(
            Assignment,
            lambda cls: select(_LESSON.id).where(_LESSON.id == cls.lesson_id, among(_LESSON.group_id, groups))
            .correlate_except(_LESSON).exists(),
            include_aliases=True,
        ),
        # Homework of the own groups: general, or individual for a reachable learner.
        with_loader_criteria(
            Homework,
            lambda cls: select(_LESSON.id).where(_LESSON.id == cls.lesson_id, among(_LESSON.group_id, groups))
            .correlate_except(_LESSON).exists()
            & or_(cls.learner_id.is_(None), among(cls.learner_id, learners)),
            include_aliases=True,
        ),
        with_loader_criteria(
            HomeworkAttachment,
            lambda cls: select(_HOMEWORK.id).join(_LESSON, _LESSON.id == _HOMEWORK.lesson_id).where(
                _HOMEWORK.id == cls.homework_id, among(_LESSON.group_id, groups),
                or_(_HOMEWORK.learner_id.is_(None), among(_HOMEWORK.learner_id, learners)))
            .correlate_except(_LESSON, _HOMEWORK).exists(),
            include_aliases=True,
        ),
        # Of the transfers, those that brought a reachable learner in (his previous marks).
        with_loader_criteria(
            Transfer, lambda cls: cls.to_org_id.in_(org_ids) & among(cls.to_learner_id, learners), include_aliases=True),
        # Colleagues are visible by name; of learners and guardians only the reachable ones.
        with_loader_criteria(
            Person,
            lambda cls: or_(
                cls.kind == "staff",
                cls.id == person,
                among(cls.id, learners),
                cls.id.in_(select(GuardianLink.guardian_id).where(among(GuardianLink.learner_id, learners))),
            ),
            include_aliases=True,
        ),
    ]
    # Rows of one learner or one group, core's and plugins' alike, by their declaration.
    # Lambdas as above, so that the statement cache keeps one entry per class.
    opts += [with_loader_criteria(cls, lambda c: among(c.learner_id, learners), include_aliases=True)
             for cls in index.by_learner]
    opts += [with_loader_criteria(cls, lambda c: among(c.group_id, groups), include_aliases=True)
             for cls in index.by_group]
    return opts


def restricted() -> dict[type, str]:
    """Restricted models of the application's plugins → their resources."""
    host = current_app.extensions.get("ejournal") if has_app_context() else None
    return host.restricted if host is not None else {}


def _restricted_criteria(scope: Scope, index: ScopeIndex) -> list:
    """Restricted personal data (hook ``restricted_models``) is cut for every user
    lacking its resource, the system administrator included: no rows of the
    model, and no audit entries that would show its values."""
    if scope.restricted_read is None:
        return []
    hidden = [model for model, resource in restricted().items() if resource not in scope.restricted_read]
    if not hidden:
        return _reach_criteria(scope, index)
    names = tuple(sorted(m.__name__ for m in hidden))
    opts = [with_loader_criteria(model, false(), include_aliases=True) for model in hidden]
    opts.append(with_loader_criteria(AuditEntry, lambda cls: cls.entity.not_in(names), include_aliases=True))
    return opts + _reach_criteria(scope, index)


def _reach_criteria(scope: Scope, index: ScopeIndex) -> list:
    """Restricted rows of the learners the user's right reaches, not of every learner he teaches."""
    reach = dict(scope.restricted_reach_read)
    return [_learner_cut(model, reach[resource]) for model, resource in restricted().items()
            if resource in reach and index.kind_of(model) == LEARNER]


def _learner_cut(model, learners: tuple[int, ...]):
    # A function of its own: each cut closes over its own learners (a lambda in a loop would share them).
    return with_loader_criteria(model, lambda c: c.learner_id.in_(learners), include_aliases=True)


def _hidden_tables(scope: Scope) -> frozenset[str]:
    if scope.restricted_read is None:
        return frozenset()
    return frozenset(m.__table__.name for m, resource in restricted().items() if resource not in scope.restricted_read)


def _touches(statement, tables: frozenset[str]) -> bool:
    """Whether ``statement`` reads any of ``tables`` anywhere: as an entity, a bare
    column, inside a function (``count(card.id)``), a join or a subquery."""
    return any(getattr(t, "name", None) in tables
               for t in find_tables(statement, check_columns=True, include_aliases=True, include_joins=True,
                                    include_crud=True))


def _build(scope: Scope) -> tuple[tuple, frozenset[str]]:
    index = scope_index()
    opts = _restricted_criteria(scope, index)
    if not scope.is_system:
        opts = _criteria(scope, index) + opts
    return tuple(opts), _hidden_tables(scope)


def _scope_criteria(scope: Scope) -> tuple[tuple, frozenset[str]]:
    """The criteria of ``scope``, built once per scope object, not once per statement:
    kept for the request in ``g`` and beside the cached scope (``cache.ScopeCache``).
    The options are immutable; the values their lambdas close over were bound
    when they were made, so one set serves every statement of that scope."""
    mine = g.get("ejournal_criteria")
    if mine is not None and mine[0] is scope:
        return mine[1]
    from .cache import scope_cache

    built = scope_cache().criteria(scope, _build)
    g.ejournal_criteria = (scope, built)
    return built


def cut_reads(state) -> None:
    """``do_orm_execute``: add the scope's criteria to the statement."""
    if state.is_select or state.is_update or state.is_delete:
        if state.is_column_load or state.is_relationship_load:
            return  # the criteria travel with the parent query's options
        state.statement = cut(state.statement)


def cut(statement):
    """``statement`` with the current scope's criteria (itself when nothing is cut)."""
    scope = current_scope()
    if scope is None:
        return statement
    opts, hidden = _scope_criteria(scope)
    if opts:
        statement = statement.options(*opts)
    # Loader criteria cut ORM entities only; a bare column or an aggregate of a
    # restricted model would still be read: such a statement returns nothing.
    if hidden and _touches(statement, hidden):
        if not hasattr(statement, "where"):  # a UNION of such reads: refused outright
            raise ScopeError(str(_l("Эти данные вам недоступны.")))
        statement = statement.where(false())
    return statement


def plain_rows(session, statement) -> list[tuple]:
    """The rows of a select of columns, cut like every ORM read, as the driver gives
    them: tuples, without the ORM's or SQLAlchemy's processing of each row (a third of
    the journal's time for its 7,200 marks). So the columns must be of types the driver
    gives as they are meant: ids, numbers, text, and booleans read as truth values
    (SQLite gives 0 and 1); not dates, which SQLite gives as text."""
    if session.new or session.dirty or session.deleted:
        session.flush()  # as an ORM read would: the rows include what this request changed
    result = session.connection().execute(cut(statement))
    try:
        return result.cursor.fetchall()  # at once: iterating asks the driver for each row in turn
    finally:
        result.close()
