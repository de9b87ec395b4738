"""Per-organisation role rights: what the Администратор changes on «Права ролей»."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from .models import OrgRolePermission
from .security import LEVELS


def assignable_roles(host, plugins=None) -> list:
    """Roles an organisation's Администратор manages: all but the system's and the
    authority's; with ``plugins``, those of an organisation served by them."""
    specs = host.roles.values() if plugins is None else host.roles_for(plugins)
    return [spec for spec in specs if spec.scope not in {"system", "authority"}]


def matrix(session, host, org_id: int) -> dict[tuple[str, str], str]:
    """(role, resource) → level in force in the organisation."""
    sm = current_app.appbuilder.sm
    overrides = {
        (role_name, res): lvl
        for role_name, res, lvl in session.execute(
            select(sm.role_model.name, OrgRolePermission.resource, OrgRolePermission.level)
            .join(sm.role_model, sm.role_model.id == OrgRolePermission.role_id)
            .where(OrgRolePermission.org_id == org_id)
        )
    }
    return {
        (spec.name, res): overrides.get((spec.name, res), spec.permissions.get(res, "none"))
        for spec in assignable_roles(host)
        for res in host.resources
    }


def save(session, host, org_id: int, wanted: dict[tuple[str, str], str]) -> int:
    """Store the levels that differ from the defaults; return how many changed.

    Every change is an OrgRolePermission insert, update or delete, so the audit
    log records it with the old and new level.
    """
    sm = current_app.appbuilder.sm
    specs = {spec.name: spec for spec in assignable_roles(host)}
    roles = {r.name: r for r in session.scalars(select(sm.role_model).where(sm.role_model.name.in_(specs)))}
    rows = {
        (row.role_id, row.resource): row
        for row in session.scalars(select(OrgRolePermission).where(OrgRolePermission.org_id == org_id))
    }
    changed = 0
    for (role_name, resource), level in wanted.items():
        if role_name not in specs or resource not in host.resources or level not in LEVELS:
            raise ValueError(f"{role_name}/{resource}/{level}")
        role = roles.get(role_name)
        if role is None:
            continue
        default = specs[role_name].permissions.get(resource, "none")
        row = rows.get((role.id, resource))
        if level == default:
            if row is not None:
                session.delete(row)
                changed += 1
        elif row is None:
            session.add(OrgRolePermission(org_id=org_id, role_id=role.id, resource=resource, level=level))
            changed += 1
        elif row.level != level:
            row.level = level
            changed += 1
    return changed


def sync_roles() -> None:
    """Create the roles the plugins declare, and FAB's own permissions.

    Run at deploy (``init``), never on every start (Superset's lesson: syncing
    in every worker raced).
    """
    sm = current_app.appbuilder.sm
    for name in [sm.auth_role_admin, sm.auth_role_public, *current_app.extensions["ejournal"].roles]:
        if sm.find_role(name) is None:
            sm.add_role(name)
    # After the roles: FAB gives each new permission to the Admin role only when it exists.
    current_app.appbuilder.add_permissions(update_perms=True)
    sm.session.commit()
