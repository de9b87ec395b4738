"""Организация → «Новая организация» (issue 15): the system administrator creates an
organisation (and, if need be, its authority) and names its first Администратор, whose
login and one-time password are shown once, with the slip to print (PDF)."""
from __future__ import annotations

import base64

from flask import abort, current_app, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..exceptions import EjournalError, SettingsError
from ..extensions import db
from ..models import Authority
from ..registry import WRITE
from ..roles import SYSTEM_ADMIN
from ..scoping import acting_as
from ..services import organisations as svc
from ..services.accounts import IssueResult

NEW_AUTHORITY = "new"


def _is_system_admin() -> bool:
    return current_user.is_authenticated and SYSTEM_ADMIN in {r.name for r in current_user.roles}


class OrganisationCreateView(BaseView):
    route_base = "/organisations"
    class_permission_name = "Organisations"
    method_permission_name = {"new": WRITE}
    default_view = "new"

    @staticmethod
    def menu_label():
        return _l("Новая организация")

    @expose("/new", methods=["GET", "POST"])
    @has_access
    def new(self):
        # The right «Organisations: write» is the system's alone; an organisation's rights page
        # must not make it anyone else's either.
        if not _is_system_admin():
            abort(403)
        session = db.session
        host = current_app.extensions["ejournal"]
        form = request.form
        errors: dict[str, str] = {}
        if request.method == "POST":
            try:
                org, slip = self._create(session, host, form)
                from .issue_logins import slips_pdf

                pdf = slips_pdf(IssueResult(slips=[slip]), _("Логин и пароль для входа в электронный журнал"),
                                org.name)
                session.commit()  # with the slip built: a failed PDF leaves no organisation without its password
            except SettingsError as exc:
                session.rollback()
                errors = exc.errors
            except EjournalError as exc:
                session.rollback()
                errors = {"form": str(exc)}
            else:
                # Not cached: every page is no-store (app/http.py), this one with its password too.
                return self.render_template("organisations/created.html", org=org, slip=slip,
                                            pdf=base64.b64encode(pdf).decode("ascii"))
        with acting_as(None):
            authorities = session.scalars(select(Authority).order_by(Authority.name)).all()
        plugins = [(code, host.plugin_labels.get(code, code)) for code in host.plugin_names]
        return self.render_template("organisations/new.html", form=form, errors=errors, authorities=authorities,
                                    plugins=plugins, time_zones=svc.RUSSIAN_TIME_ZONES,
                                    chosen_plugins=set(form.getlist("plugins")),
                                    default_tz=current_app.config.get("EJOURNAL_TIMEZONE") or "Europe/Moscow")

    @staticmethod
    def _create(session, host, form):
        """Every field checked before anything is written; then the authority (if new),
        the organisation and its first Администратор (not committed)."""
        choice = form.get("authority", "")
        authority = None
        errors: dict[str, str] = {}
        if choice == NEW_AUTHORITY:
            name, short = form.get("authority_name", "").strip(), form.get("authority_short", "").strip()
            if not name:
                errors["authority_name"] = _("Укажите название органа управления образованием.")
            elif svc.find_authority(session, name) is not None or (short and svc.find_authority(session, short)):
                errors["authority_name"] = _("Орган управления образованием «%(name)s» уже есть.", name=short or name)
        else:
            with acting_as(None):
                authority = session.get(Authority, int(choice)) if choice.isdigit() else None
            if authority is None:
                errors["authority"] = _("Выберите орган управления образованием или создайте новый.")
        plugins = form.getlist("plugins")
        errors.update(svc.organisation_errors(session, host, form.get("name", ""), form.get("short_name", ""),
                                              plugins, form.get("time_zone", ""), form.get("inn", ""),
                                              form.get("ogrn", "")))
        last, first, middle = (form.get(k, "").strip() for k in ("admin_last", "admin_first", "admin_middle"))
        errors.update(svc.admin_errors(session, last, first, form.get("admin_email", "")))
        if errors:
            raise SettingsError(errors)
        if authority is None:
            authority = svc.create_authority(session, form.get("authority_name", ""), form.get("authority_short", ""))
        org = svc.create_organisation(session, host, authority, form.get("name", ""), form.get("short_name", ""),
                                      plugins, form.get("time_zone", ""), inn=form.get("inn", ""),
                                      ogrn=form.get("ogrn", ""), address=form.get("address", ""),
                                      director=form.get("director", ""))
        slip = svc.create_first_admin(session, org, last, first, middle, form.get("admin_email", ""))
        return org, slip


def register_organisations(appbuilder) -> None:
    """The page, and its entry in the «Организация» menu (shown to the system administrator only:
    the entry's name is no resource, so nobody else's rights reach it)."""
    appbuilder.add_view_no_menu(OrganisationCreateView)
    appbuilder.add_link("NewOrganisation", href="/organisations/new", label=OrganisationCreateView.menu_label(),
                        icon="fa-plus", category="Organisation")

