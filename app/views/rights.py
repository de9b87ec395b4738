"""«Права ролей»: the Администратор sets what each role may do in his organisation."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from .. import rights
from ..exceptions import ScopeError
from ..extensions import db
from ..models import Organisation
from ..registry import NONE, READ, SCOPE_CHILDREN, SCOPE_GROUPS, SCOPE_SELF, WRITE
from ..scoping import current_scope


class RightsView(BaseView):
    route_base = "/rights"
    class_permission_name = "Rights"
    method_permission_name = {"index": READ, "save": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        from flask_babel import lazy_gettext

        return lazy_gettext("Права ролей")

    def _org_id(self):
        """The user's organisation; the system administrator picks one (``?org=``)."""
        if current_user.org_id is not None:
            return current_user.org_id
        scope = current_scope()
        if scope is None or not scope.is_system:
            abort(404)
        orgs = self._organisations()
        wanted = request.values.get("org", type=int)
        org_id = wanted if wanted in {o.id for o in orgs} else (orgs[0].id if orgs else None)
        if org_id is None:
            abort(404)
        return org_id

    def _organisations(self):
        if current_user.org_id is not None:
            return []
        return db.session.scalars(select(Organisation).order_by(Organisation.short_name, Organisation.id)).all()

    @expose("/")
    @has_access
    def index(self):
        host = current_app.extensions["ejournal"]
        org_id = self._org_id()
        org = db.session.get(Organisation, org_id)
        plugins = list(org.plugins or [])
        roles = rights.assignable_roles(host, plugins)
        wanted = request.args.get("role")
        role = next((r for r in roles if r.name == wanted), roles[0] if roles else None)
        matrix = rights.matrix(db.session, host, org_id)
        changed = {r.name: sum(1 for res in host.resources
                               if matrix[(r.name, res)] != r.permissions.get(res, "none")) for r in roles}
        return self.render_template(
            "rights.html", roles=roles, role=role, sections=_sections(host, plugins), matrix=matrix,
            changed=changed, reach=_reach_note(host, role), levels=LEVELS,
            can_write=current_app.appbuilder.sm.level("Rights") >= 2,
            org_id=org_id, organisations=self._organisations(),
        )

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        host = current_app.extensions["ejournal"]
        org_id = self._org_id()
        wanted = {}
        for key, level in request.form.items():
            if key.startswith("p:"):
                _p, role, resource = key.split(":", 2)
                wanted[(role, resource)] = level
        reset = request.form.get("reset")
        if reset in host.roles:  # «Вернуть по умолчанию»: every section of the role
            spec = host.roles[reset]
            wanted = {(reset, res): spec.permissions.get(res, "none") for res in host.resources}
        try:
            changed = rights.save(db.session, host, org_id, wanted)
            db.session.commit()
        except (ValueError, ScopeError):
            db.session.rollback()
            flash(_("Права не сохранены: неверные данные формы."), "danger")
            return redirect(self._back(org_id))
        flash(_("Права ролей сохранены, изменений: %(n)s.", n=changed), "success")
        return redirect(self._back(org_id))

    def _back(self, org_id):
        role = request.form.get("role") or request.form.get("reset")
        return url_for("RightsView.index", org=None if current_user.org_id else org_id, role=role or None)


LEVELS = [(NONE, _l("нет")), (READ, _l("чтение")), (WRITE, _l("изменение"))]


def _sections(host, plugins) -> list[tuple[str, list]]:
    """The organisation's resources grouped as the menu groups them: [(label, [Resource])]."""
    resources = host.resources_for(plugins)
    groups, seen = [], set()
    for item in current_app.appbuilder.menu.get_list():
        names = [c.name for c in item.childs or []] or [item.name]
        found = [resources[n] for n in names if n in resources and n not in seen]
        if found:
            seen.update(r.name for r in found)
            groups.append((str(item.label), found))
    rest = [res for name, res in resources.items() if name not in seen]
    if rest:
        groups.append((str(_l("Другие разделы")), sorted(rest, key=lambda r: str(r.label))))
    return groups


def _reach_note(host, role) -> str:
    """Where a role's rights apply, said on the page (see ``security.group_reach``)."""
    if role is None:
        return ""
    leaders = {k.leader: k for k in host.group_kinds.values()}
    if role.name in leaders:
        kind = leaders[role.name]
        return str(_l("Права этой роли действуют только в тех группах (%(kinds)s), которыми человек руководит.",
                      kinds=str(kind.name_plural).lower()))
    if role.scope == SCOPE_GROUPS:
        return str(_l("Права этой роли действуют только в классах и группах, где человек ведёт уроки."))
    if role.scope == SCOPE_CHILDREN:
        return str(_l("Родитель видит только своих детей."))
    if role.scope == SCOPE_SELF:
        return str(_l("Обучающийся видит только себя."))
    return str(_l("Права этой роли действуют во всей организации."))
