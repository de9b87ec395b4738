"""Who may give whom which role: the rule against escalation.

Accounts are kept by everyone with «write» on «Учётные записи» (the Секретарь,
the Специалист по кадрам, and whoever the Администратор gives that right), but
power stays where it was given: only the organisation's Администратор (and the
system administrator) grants the Администратор role or any role that may change
rights or accounts, and only they change an account that holds such a role
(a reset password is a taken-over account). Checked on every write of an
account, whatever page or service makes it.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from ..exceptions import GrantRefused
from ..registry import WRITE
from ..roles import ADMINISTRATOR, SYSTEM_ADMIN
from ..scoping import Scope

# Rights that make a role powerful: changing what roles may do, and keeping accounts.
POWER_RESOURCES = ("Rights", "Users")


def organisation_roles(host, plugins=None) -> set[str]:
    """Roles an organisation (served by ``plugins``) gives its people: not the
    system's nor the authority's, nor those of other kinds of institution."""
    from ..rights import assignable_roles

    return {spec.name for spec in assignable_roles(host, plugins)}


def _plugins_of(session, org_id) -> list[str]:
    from .. import reference

    org = reference.organisation(session, org_id)
    return list(org.plugins or []) if org is not None else []


def powerful_roles(session, host, org_id: int) -> set[str]:
    """Администратор and every role that, in this organisation, may change rights or accounts."""
    from ..rights import matrix

    levels = matrix(session, host, org_id)
    return {ADMINISTRATOR} | {role for (role, resource), level in levels.items()
                              if resource in POWER_RESOURCES and level == WRITE}


def grantable_roles(session, host, actor_roles: set[str], org_id: int | None) -> set[str]:
    """The roles a user with ``actor_roles`` may give in ``org_id``."""
    if SYSTEM_ADMIN in actor_roles:
        return set(host.roles) | {SYSTEM_ADMIN}
    if org_id is None:
        return set()
    ordinary = organisation_roles(host, _plugins_of(session, org_id))
    if ADMINISTRATOR in actor_roles:
        return ordinary
    return ordinary - powerful_roles(session, host, org_id)


def _stored_roles(account) -> set[str]:
    """The account's roles as stored, whatever this request has changed in them."""
    history = inspect(account).attrs.roles.history
    if history.has_changes():
        return {r.name for r in list(history.unchanged) + list(history.deleted)}
    return {r.name for r in account.roles}


def _actor_roles(session, scope: Scope) -> set[str]:
    from ..models import Account

    actor = session.get(Account, scope.user_id) if scope.user_id else None
    return _stored_roles(actor) if actor is not None else set()


def check_account_write(session, scope: Scope, account, is_new: bool) -> None:
    """Refuse roles the user may not give, and changes to an account above him."""
    if scope.user_id is None:
        return  # the CLI and the demo: whoever runs them holds the server
    host = current_app.extensions["ejournal"]
    with session.no_autoflush:
        actor_roles = _actor_roles(session, scope)
        if SYSTEM_ADMIN in actor_roles:
            return
        org_id = account.org_id or scope.default_org_id
        history = inspect(account).attrs.roles.history
        added = {r.name for r in (account.roles if is_new else history.added)}
        refused = sorted(added - grantable_roles(session, host, actor_roles, org_id))
        if refused:
            if refused[0] not in organisation_roles(host):
                raise GrantRefused(_l("Роль «%(role)s» может назначить только администратор системы.",
                                      role=refused[0]))
            raise GrantRefused(_l("Роль «%(role)s» может назначить только администратор организации.",
                                  role=refused[0]))
        own = not is_new and account.id == scope.user_id
        if is_new or own or ADMINISTRATOR in actor_roles:
            return
        if _stored_roles(account) & powerful_roles(session, host, org_id):
            raise GrantRefused(_l("Учётную запись с правом менять права или учётные записи изменяет только "
                                  "администратор организации."))
