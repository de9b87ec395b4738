"""Security manager: effective rights = the role's default from the plugins,
overridden per organisation, and the user's scope resolved once per request.

Permission names follow a small vocabulary (Superset's): every view of ours
names a resource (``class_permission_name``) and maps its methods to
``can_read`` or ``can_write``. Roles are declared as data by the plugins
(``register_roles``); the Администратор's changes are rows of
``OrgRolePermission``. FAB's own database permissions remain only for FAB's
administration screens, reachable by the system administrator.

FAB is extended at its public seams only: ``has_access`` and
``get_user_menu_access`` (every view, menu and decorator of FAB asks them),
``authdbview`` (login and logout, ``views.passwords``), ``userdbmodelview``
(the accounts page) and ``register_views``.
"""
from __future__ import annotations

from dataclasses import replace

from flask import current_app, g, has_request_context
from flask_appbuilder.security.sqla.manager import SecurityManager
from flask_appbuilder.security.views import RoleModelView
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .models import Account, LearnerGroup, Organisation, OrgRolePermission
from .registry import NONE, READ, SCOPE_SYSTEM, WRITE
from .roles import SYSTEM_ADMIN
from .scoping import resolve_scope
from .views.accounts import AccountView
from .views.base import SafeActionsMixin, interface
from .views.passwords import EjournalAuthDBView

LEVELS = {NONE: 0, READ: 1, WRITE: 2}
# Pages every signed-in user has for himself: own profile and own password.
_SELF_SERVICE = frozenset({"ResetMyPasswordView", "UserInfoEditView"})


def host():
    return current_app.extensions["ejournal"]


def role_names_of(session, account) -> set[str]:
    """The account's roles plus the derived leader role (Классный руководитель,
    Куратор, Воспитатель) of every kind of group the person leads."""
    mine = has_request_context() and current_user.is_authenticated and account.id == current_user.id
    known = g.get("ejournal_role_levels") if mine else None
    if known is not None:  # the request's user: his roles, derived ones included, are worked out already
        return set(known)
    names = {r.name for r in account.roles}
    if account.person_id:
        kinds = session.scalars(
            select(LearnerGroup.kind).where(LearnerGroup.leader_id == account.person_id).distinct()
        )
        kinds_map = host().group_kinds
        names |= {kinds_map[k].leader for k in kinds if k in kinds_map}
    return names


def role_levels(session, account, org_id) -> dict[str, dict[str, int]]:
    """role → resource → level for each role of ``account`` (the derived leader role
    included) in ``org_id``: the plugins' defaults with the organisation's changes."""
    roles = host().roles
    names = role_names_of(session, account)
    overrides: dict[tuple[str, str], str] = {}
    if org_id is not None:
        rows = session.execute(
            select(OrgRolePermission.resource, OrgRolePermission.level, OrgRolePermission.role_id)
            .where(OrgRolePermission.org_id == org_id)
        ).all()
        role_ids = {r.id: r.name for r in _roles_by_name(session, names)}
        overrides = {(role_ids[rid], res): lvl for res, lvl, rid in rows if rid in role_ids}
        organisation = session.get(Organisation, org_id)
        resources = host().resources_for(organisation.plugins if organisation is not None else ())
    else:
        resources = host().resources
    out: dict[str, dict[str, int]] = {}
    for name in names:
        spec = roles.get(name)
        defaults = spec.permissions if spec else {}
        # A resource the organisation does not have (a kindergarten's timetable) is no right of anyone's there.
        out[name] = {resource: LEVELS[overrides.get((name, resource), defaults.get(resource, "none"))]
                     if resource in resources else 0 for resource in host().resources}
    return out


def reach_of(session, account, resource: str, level: str) -> tuple[int, ...]:
    """The groups where ``account``'s group-bound roles give ``level`` on ``resource``
    (see :func:`group_reach`); computed once per request."""
    return _reach(session, account).get((resource, LEVELS[level]), ())


def _reach(session, account) -> dict[tuple[str, int], tuple[int, ...]]:
    cache = g.setdefault("ejournal_reach", {})
    if account.id not in cache:
        per_role = g.get("ejournal_role_levels") if current_user and getattr(current_user, "id", None) == account.id \
            else None
        if per_role is None:
            per_role = role_levels(session, account, account.org_id or None)
        cache[account.id] = group_reach(session, account, per_role)
    return cache[account.id]


def effective_levels(session, account, org_id) -> dict[str, int]:
    """resource → level for ``account`` in ``org_id``: the widest over its roles."""
    return widest(role_levels(session, account, org_id))


def widest(per_role: dict[str, dict[str, int]]) -> dict[str, int]:
    """resource → the widest level any of the roles gives."""
    levels: dict[str, int] = {}
    for per_resource in per_role.values():
        for resource, level in per_resource.items():
            levels[resource] = max(levels.get(resource, 0), level)
    return levels


def group_reach(session, account, per_role: dict[str, dict[str, int]]) -> dict[tuple[str, int], tuple[int, ...]]:
    """(resource, level) → the groups where a group-bound role of ``account`` holds
    that level: a leader role (Классный руководитель, Куратор, Воспитатель) in the
    groups the person leads, any other (Учитель) in the groups he teaches. Rights of
    organisation-wide roles reach the whole organisation and are not listed here."""
    from .models import TeachingAssignment
    from .registry import SCOPE_GROUPS

    specs, kinds = host().roles, host().group_kinds
    bound = [name for name in per_role if name in specs and specs[name].scope == SCOPE_GROUPS]
    if not bound or not account.person_id:
        return {}
    led: dict[str, set[int]] = {}
    for group_id, kind in session.execute(select(LearnerGroup.id, LearnerGroup.kind)
                                          .where(LearnerGroup.leader_id == account.person_id)):
        if kind in kinds:
            led.setdefault(kinds[kind].leader, set()).add(group_id)
    leaders = {k.leader for k in kinds.values()}
    taught = set(session.scalars(select(TeachingAssignment.group_id)
                                 .where(TeachingAssignment.teacher_id == account.person_id)))
    reach: dict[tuple[str, int], set[int]] = {}
    for name in bound:
        groups = led.get(name, set()) if name in leaders else taught
        for resource, level in per_role[name].items():
            for needed in range(1, level + 1):
                reach.setdefault((resource, needed), set()).update(groups)
    return {key: tuple(sorted(groups)) for key, groups in reach.items()}


def _roles_by_name(session, names):
    sm = current_app.appbuilder.sm
    return session.scalars(select(sm.role_model).where(sm.role_model.name.in_(names))).all()


class RoleView(SafeActionsMixin, RoleModelView):
    """FAB's global role editor (system administrator only), under FAB's permission name."""

    class_permission_name = "RoleModelView"


class EjournalSecurityManager(SecurityManager):
    user_model = Account
    authdbview = EjournalAuthDBView
    userdbmodelview = AccountView
    rolemodelview = RoleView

    def __init__(self, appbuilder):
        super().__init__(appbuilder)
        # FAB gives its views a plain SQLAInterface; ours shows the guard's refusals
        # like every other page's.
        self.userdbmodelview.datamodel = interface(self.user_model)
        self.rolemodelview.datamodel = interface(self.role_model)

    # A wrong password and an unknown name must take the same time (app/throttle.py):
    # neither writes to the database before the answer. The wrong password's count
    # («Неудачных входов») is written once the answer has gone (``views.passwords``).
    def update_user_auth_stat(self, user, success=True):
        if success:
            return super().update_user_auth_stat(user, success)
        g.ejournal_failed_login = user.id
        self.on_user_login_failed(user)
        return None

    def get_user_by_id(self, pk):
        """The signed-in account with its roles in one query (every request loads it)."""
        return self.session.get(self.user_model, pk, options=[joinedload(self.user_model.roles)])

    def is_item_public(self, permission_name, view_name):
        # Our resources are reached by the organisation's roles only (``has_access``), never
        # by FAB's public role: no need to read that role's permissions on every API call.
        if view_name in host().resources:
            return False
        return super().is_item_public(permission_name, view_name)

    def noop_user_update(self, user) -> None:
        """FAB's balancing write for an unknown name: nothing is written for either."""

    # --- the scope and rights of the request ------------------------------
    def _request_rights(self):
        rights = g.get("ejournal_rights")
        if rights is None:
            user = current_user
            if not user.is_authenticated:
                rights = ("anonymous", {})
            elif SYSTEM_ADMIN in {r.name for r in user.roles}:
                rights = ("system", {})
            else:
                per_role = role_levels(self.session, user, user.org_id or None)
                g.ejournal_role_levels = per_role  # group_reach needs them role by role
                rights = ("user", widest(per_role))
            g.ejournal_rights = rights
        return rights

    def level(self, resource: str) -> int:
        kind, levels = self._request_rights()
        if kind == "system":
            return LEVELS[WRITE]
        return levels.get(resource, 0)

    # --- FAB's public access checks -----------------------------------------
    # FAB's views, menus and decorators all ask ``has_access`` and
    # ``get_user_menu_access``; answering there keeps FAB's private helpers untouched.
    def has_access(self, permission_name: str, view_name: str) -> bool:
        if current_user.is_authenticated and current_user.is_active:
            allowed = self._access_of(permission_name, view_name)
            if allowed is not None:
                return allowed
        # Anonymous visitors: FAB's public role. (FAB's API keys and JWT logins,
        # its other ways in, are not enabled: FAB_ADD_SECURITY_API is off.)
        return super().has_access(permission_name, view_name)

    def _access_of(self, permission_name: str, view_name: str) -> bool | None:
        """The signed-in user's access by the plugins' roles; None: FAB's own
        permissions decide (FAB's screens outside our resources)."""
        if view_name in _SELF_SERVICE or permission_name in {"can_userinfo", "can_userinfoedit"}:
            return True
        kind, _ = self._request_rights()
        if kind == "system":
            # Restricted personal data is not the system administrator's (see scope_for_request).
            return view_name not in set(host().restricted.values())
        # A menu entry also asks its condition (``_entry_shown``), named after its resource or not.
        if permission_name == "menu_access":
            return view_name in self._allowed_menus()
        if view_name in host().resources:
            return self.level(view_name) >= (1 if permission_name == "can_read" else 2)
        return None

    def get_user_menu_access(self, menu_names: list[str] | None = None) -> set[str]:
        if not current_user.is_authenticated:
            return super().get_user_menu_access(menu_names)
        if self._request_rights()[0] == "system":
            # Restricted personal data is not the system administrator's (see scope_for_request).
            return set(menu_names or []) - set(host().restricted.values())
        return self._allowed_menus()

    def _allowed_menus(self) -> set[str]:
        """Menu entries the user may open (``_entry_shown``), and the categories holding them.
        Worked out once a request: the menu asks it for each of its entries."""
        allowed = g.get("ejournal_allowed_menus")
        if allowed is not None:
            return allowed
        allowed = set()
        for item in self.appbuilder.menu.get_list():
            children = [c.name for c in item.childs or [] if self._entry_shown(c)]
            if children:
                allowed.add(item.name)
                allowed.update(children)
            elif self._entry_shown(item):
                allowed.add(item.name)
        g.ejournal_allowed_menus = allowed
        return allowed

    def _entry_shown(self, entry) -> bool:
        """A menu entry is shown when its condition holds (FAB's ``menu_cond``: a plugin's
        entry only in the organisations keeping its kind of group) and the user reads its
        resource: the entry's name, or, for an entry named apart from its resource (two
        entries of one resource in one menu), its view's ``class_permission_name``."""
        if not entry.should_render():
            return False
        resource = entry.name
        if resource not in host().resources and entry.baseview is not None:
            resource = getattr(entry.baseview, "class_permission_name", None) or resource
        return self.level(resource) >= 1

    # --- views ---------------------------------------------------------------
    def register_views(self):
        self.appbuilder.add_view_no_menu(self.userinfoeditview())
        self.auth_view = self.authdbview()
        self.appbuilder.add_view_no_menu(self.resetpasswordview())
        self.appbuilder.add_view_no_menu(self.resetmypasswordview())
        self.appbuilder.add_view_no_menu(self.auth_view)
        if self.is_auth_limited:
            self.limiter.limit(self.auth_rate_limit, methods=["POST"])(self.auth_view.blueprint)
        self.user_view = self.appbuilder.add_view(
            self.userdbmodelview, "Users", label="Учётные записи", icon="fa-user",
            category="Administration", category_label="Администрирование", category_icon="fa-cogs",
        )
        # FAB's global role editor changes every organisation at once: system administrator only.
        self.appbuilder.add_view(
            self.rolemodelview, "List Roles", label="Роли (все организации)", icon="fa-user-gear",
            category="Administration",
        )


def scope_for_request(session, app_host):
    """Resolve and keep the current user's scope; called before every request.

    The restricted resources (hook ``register_restricted_models``) the user may read and
    write come from the same effective levels as his page rights (computed once
    per request and reused by every access check). The system administrator has
    no organisation and no part in its restricted personal data: none for him.
    """
    if g.get("ejournal_scope") is not None:
        return
    from . import clock
    from .scoping.cache import Resolved, key_for, scope_cache
    from .scoping.resolution import scope_kind

    # Worked out once per (account, tokens of what it depends on): app/scoping/cache.py.
    key = None
    if current_user.is_authenticated:
        kind = scope_kind([r.name for r in current_user.roles], app_host)
        if kind != SCOPE_SYSTEM:
            key = key_for(session, current_user, kind)  # one query; before anything is read
            known = scope_cache().get(key)
            if known is not None:
                g.ejournal_scope = known.scope
                if known.rights is not None:
                    g.ejournal_rights = (known.rights[0], dict(known.rights[1]))
                if known.role_levels is not None:
                    g.ejournal_role_levels = {role: dict(levels) for role, levels in known.role_levels.items()}
                if known.reach is not None:
                    g.ejournal_reach = {current_user.id: known.reach}
                clock.use_organisation_timezone(known.timezone)
                return
    scope = resolve_scope(session, current_user, app_host)
    g.ejournal_scope = scope
    timezone = None
    if scope.default_org_id is not None:  # the organisation's day, for the one clock
        from .models import Organisation
        from .scoping import acting_as

        with acting_as(None):
            timezone = session.scalar(select(Organisation.timezone).where(Organisation.id == scope.default_org_id))
        clock.use_organisation_timezone(timezone)
    resources = set(app_host.restricted.values())
    if resources and current_user.is_authenticated:
        kind, levels = current_app.appbuilder.sm._request_rights()
        if kind == "user":
            read = frozenset(r for r in resources if levels.get(r, 0) >= LEVELS[READ])
            write = frozenset(r for r in resources if levels.get(r, 0) >= LEVELS[WRITE])
            g.ejournal_scope = replace(scope, restricted_read=read, restricted_write=write,
                                       **_restricted_reach(session, scope, read, write))
    if key is not None:
        sm = current_app.appbuilder.sm
        with _uncut():
            rights = sm._request_rights()
            # Kept with the rest: the pages of a class teacher or a teacher ask where it reaches.
            reach = _reach(session, current_user._get_current_object()) if rights[0] == "user" else None
        role_levels_ = g.get("ejournal_role_levels")
        scope_cache().put(key, Resolved(
            scope=g.ejournal_scope, rights=(rights[0], dict(rights[1])),
            role_levels={role: dict(levels) for role, levels in role_levels_.items()} if role_levels_ else None,
            reach=reach, timezone=timezone))


def _uncut():
    from .scoping import acting_as

    return acting_as(None)


def warm_on_login(app, user=None, **_extra) -> None:
    """flask_login's ``user_logged_in``: the user's scope and rights are worked out at
    the login, so that his first page finds them ready; the login request keeps its own."""
    saved = {key: g.get(key) for key in list(g) if key.startswith("ejournal_")}
    for key in saved:
        g.pop(key)
    try:
        scope_for_request(_session(), app.extensions["ejournal"])
    finally:
        for key in [key for key in g if key.startswith("ejournal_")]:
            g.pop(key)
        for key, value in saved.items():
            setattr(g, key, value)


def _session():
    from .extensions import db

    return db.session


def _restricted_reach(session, scope, read, write) -> dict:
    """For a user whose rights follow his groups: the learners each restricted resource
    reaches, by the role that gives it (a class teacher's right: his class only)."""
    if scope.learner_ids is None or not read:
        return {}
    from .models import Learner
    from .scoping import acting_as

    with acting_as(None):
        account = session.get(Account, scope.user_id)

        def learners(resource, level):
            groups = reach_of(session, account, resource, level)
            if not groups:
                return ()
            return tuple(sorted(session.scalars(select(Learner.id).where(Learner.group_id.in_(groups)))))

        return {"restricted_reach_read": tuple((r, learners(r, READ)) for r in sorted(read)),
                "restricted_reach_write": tuple((r, learners(r, WRITE)) for r in sorted(write))}
