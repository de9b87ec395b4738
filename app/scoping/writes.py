"""The write guard: every flush checks what it writes against the request's scope.

The organisation of each row, the learners and groups it names (by the
model's declaration), every foreign key it sets, the accounts and roles it
touches, restricted personal data, and the values the plugins allow. A refusal
is a ``ScopeError`` with its Russian reason; nothing of the flush is written.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ..exceptions import GrantRefused, InvalidRecord, ScopeError
from ..models import Account, Homework, OrgScoped
from ..models.transfer import Transfer
from ..roles import AUTHORITY_OFFICER, SYSTEM_ADMIN
from .declarations import GROUP, LEARNER, ScopeIndex, scope_index
from .reads import restricted
from .resolution import ANONYMOUS, Scope, current_scope

# What an anonymous login may change on an account: FAB's own bookkeeping.
_LOGIN_FIELDS = frozenset({"last_login", "login_count", "fail_login_count", "changed_on"})


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


def _check_foreign_keys(session: Session, index: ScopeIndex, objects) -> None:
    """Every foreign key a write sets must point at a row the user can see."""
    wanted: dict = {}
    for obj in objects:
        mapper = inspect(obj).mapper
        changed = _changed_columns(obj)
        # A column naming another organisation on purpose (a transfer's receiving one).
        other_org = getattr(obj, "__cross_org_keys__", ())
        for attr in mapper.column_attrs:
            if attr.key not in changed or changed[attr.key] is None or attr.key == "org_id" or attr.key in other_org:
                continue
            for column in attr.columns:
                for fk in column.foreign_keys:
                    target = index.table_classes.get(fk.column.table.name)
                    if target is not None:
                        wanted.setdefault(target, {}).setdefault(changed[attr.key], attr.key)
    for target, ids in wanted.items():
        # The mapped attribute, not the table's column: loader criteria cut ORM entities only.
        mapper = inspect(target)
        pk = getattr(target, mapper.get_property_by_column(mapper.primary_key[0]).key)
        found = set(session.scalars(select(pk).where(pk.in_(list(ids)))))
        for missing in set(ids) - found:
            _refuse(_l("Связанная запись (%(field)s = %(id)s) не найдена или недоступна.", field=ids[missing], id=missing))


def _guard_restricted(scope: Scope, session: Session) -> None:
    """Writing restricted personal data needs «write» on its resource."""
    if scope.restricted_write is None:
        return
    models = restricted()
    if not models:
        return
    reach = dict(scope.restricted_reach_write)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        resource = models.get(type(obj))
        if resource is None:
            continue
        if resource not in scope.restricted_write or (
                resource in reach and getattr(obj, "learner_id", None) not in reach[resource]):
            _refuse(_l("Нет прав на изменение этих данных: они доступны только ответственному специалисту."))


def guard_writes(session: Session, flush_context, instances) -> None:
    """``before_flush``: refuse what the request's user may not write."""
    scope = current_scope()
    if scope is None:
        return
    _guard_restricted(scope, session)
    with session.no_autoflush:
        new, dirty, deleted = list(session.new), [o for o in session.dirty if session.is_modified(o)], list(session.deleted)
        if scope.is_system:  # the system administrator too keeps to what the plugins allow
            _check_records(session, new + dirty)
            return
        index = scope_index()
        for obj in new + dirty + deleted:
            if isinstance(obj, Account):
                _guard_account(session, scope, obj, obj in new)
            elif isinstance(obj, OrgScoped):
                _guard_row(scope, obj, obj in new, index.kind_of(type(obj)))
            elif isinstance(obj, Transfer):
                _guard_transfer(scope, obj, obj in new, obj in deleted)
            elif obj.__tablename__.startswith("ab_"):
                _refuse(_l("Изменять общие роли и права может только администратор системы."))
        _check_records(session, new + dirty)  # after the rows' guard, which gives a new row its organisation
        _check_foreign_keys(session, index, new + dirty)


def _check_records(session: Session, objs) -> None:
    from ..services.records import check_record

    try:
        for obj in objs:
            check_record(session, obj)
    except InvalidRecord as exc:
        _refuse(str(exc))


def _guard_row(scope: Scope, obj, is_new: bool, kind: str | None) -> None:
    if is_new:
        if inspect(obj).key is None and getattr(obj, "id", None) is not None:
            # A client-supplied id for a new row: marshmallow builds such rows for
            # related ids it could not find (NOTES.md). Never create them.
            _refuse(_l("Связанная запись не найдена или недоступна."))
        if obj.org_id is None:
            obj.org_id = scope.default_org_id
    if obj.org_id not in scope.write_org_ids:
        _refuse(_l("Нет прав на изменение данных этой организации."))
    if scope.learner_ids is None:
        return
    # A homework (custom scope) may be set to one learner: he too must be reachable.
    if kind == LEARNER or isinstance(obj, Homework):
        if obj.learner_id is not None and obj.learner_id not in scope.learner_ids:
            _refuse(_l("Этот обучающийся вам недоступен."))
    elif kind == GROUP:
        if obj.group_id is not None and obj.group_id not in scope.group_ids:
            _refuse(_l("Эта группа вам недоступна."))


def _guard_transfer(scope: Scope, obj: Transfer, is_new: bool, is_deleted: bool) -> None:
    """A transfer is issued by its sending organisation and then changed by either side
    (accepted, cancelled); who it is about, between whom and what it carries never change."""
    if scope.learner_ids is not None or is_deleted:
        _refuse(_l("Нет прав на изменение данных этой организации."))
    if is_new:
        if obj.from_org_id not in scope.write_org_ids or obj.to_org_id == obj.from_org_id:
            _refuse(_l("Нет прав на изменение данных этой организации."))
        return
    if obj.from_org_id not in scope.write_org_ids and obj.to_org_id not in scope.write_org_ids:
        _refuse(_l("Нет прав на изменение данных этой организации."))
    if set(_changed_columns(obj)) & {"from_org_id", "to_org_id", "learner_id", "snapshot", "from_org_name",
                                      "learner_name"}:
        _refuse(_l("Сведения, переданные с переводом, не изменяются."))


def _guard_account(session: Session, scope: Scope, obj, is_new: bool) -> None:
    from ..services.grants import check_account_write

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
    if any(r.name == SYSTEM_ADMIN or r.name == AUTHORITY_OFFICER for r in obj.roles):
        _refuse(_l("Эту роль может назначить только администратор системы."))
