"""Администрирование → «Правила организации»: the rule settings, one page."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Organisation
from ..registry import READ, WRITE
from ..services import settings as svc


class RuleSettingsView(BaseView):
    route_base = "/rule-settings"
    class_permission_name = "RuleSettings"
    method_permission_name = {"index": READ, "save": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Правила организации")

    def _organisations(self) -> list[Organisation]:
        """For a user of no organisation (the system administrator, the authority):
        the organisations he reaches, to pick from."""
        if current_user.org_id is not None:
            return []
        return list(db.session.scalars(select(Organisation).order_by(Organisation.short_name, Organisation.id)))

    def _organisation(self) -> Organisation:
        if current_user.org_id is not None:
            return db.session.get(Organisation, current_user.org_id)
        orgs = self._organisations()
        wanted = request.values.get("org", type=int)
        org = next((o for o in orgs if o.id == wanted), orgs[0] if orgs else None)
        if org is None:
            abort(404)
        return org

    @expose("/")
    @has_access
    def index(self, errors=None, form=None):
        org = self._organisation()
        host = current_app.extensions["ejournal"]
        return self.render_template(
            "rule_settings.html", organisation=org, organisations=self._organisations(),
            rows=svc.rows_for(host, org), errors=errors or {},
            form=form, fmt=svc.format_value, can_write=current_app.appbuilder.sm.level("RuleSettings") >= 2)

    @expose("/", methods=["POST"])
    @has_access
    def save(self):
        org = self._organisation()
        host = current_app.extensions["ejournal"]
        try:
            changed = svc.save(db.session, host, org, request.form)
        except svc.SettingsError as exc:
            db.session.rollback()
            flash(_("Правила не сохранены: исправьте отмеченные значения."), "danger")
            return self.index(errors=exc.errors, form=request.form)
        db.session.commit()
        flash(_("Правила сохранены, изменений: %(n)s. Они действуют сразу.", n=changed), "success")
        return redirect(url_for(".index", org=None if current_user.org_id else org.id))
