"""«Права ролей»: the Администратор sets what each role may do in his organisation."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import rights
from ..extensions import db
from ..models import Organisation
from ..scoping import ScopeError, current_scope


class RightsView(BaseView):
    route_base = "/rights"
    class_permission_name = "Rights"
    method_permission_name = {"index": "read", "save": "write"}
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
        return self.render_template(
            "rights.html",
            roles=rights.assignable_roles(host),
            resources=list(host.resources.values()),
            matrix=rights.matrix(db.session, host, org_id),
            levels=[("none", _("нет")), ("read", _("чтение")), ("write", _("изменение"))],
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
        return url_for("RightsView.index", org=None if current_user.org_id else org_id)
