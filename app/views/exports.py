"""«Выгрузить XLSX / CSV» on the lists of learners, guardians, staff, groups and the
teaching load: the whole list of the user's organisation, with the columns of the
import (``app.imports.export``), so that the file loads back unchanged.

One small view per list, each guarded by FAB's ``has_access`` with read on the list's
own resource (the guardians' file, which holds the learners, asks read on both). A
list is the whole organisation's: only a user whose roles reach the whole
organisation exports it (a teacher, who reads his own classes only, a parent and a
learner are refused), and only his own organisation.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, current_app, flash, redirect, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_login import current_user

from ..extensions import db
from ..imports.export import KINDS, export
from ..registry import READ, SCOPE_ORGANISATION
from ..reports.formats import content_disposition
from ..scoping import current_scope

FORMATS = ("xlsx", "csv")
LIST_TEMPLATE = "exports/list.html"


def _org_of_user() -> int | None:
    """The organisation whose lists the user exports: his own, when his roles reach all of it."""
    scope = current_scope()
    org_id = getattr(current_user, "org_id", None)
    if scope is None or scope.kind != SCOPE_ORGANISATION or org_id is None or scope.default_org_id != org_id:
        return None
    return org_id


def may_export(kind: str) -> bool:
    if kind not in KINDS or not current_user.is_authenticated or _org_of_user() is None:
        return False
    sm = current_app.appbuilder.sm
    return all(sm.has_access("can_read", resource) for resource in KINDS[kind][0])


def export_links(kind: str) -> list[tuple[str, str]]:
    """(label, address) of the list's downloads, or none for a user who may not export it."""
    if not may_export(kind):
        return []
    return [(_("Выгрузить %(fmt)s", fmt=fmt.upper()), url_for(f"{VIEWS[kind].__name__}.download", fmt=fmt))
            for fmt in FORMATS]


def list_args(kind: str) -> dict:
    """A list view's ``extra_args``: its kind of export and the links' builder (``exports/list.html``)."""
    return {"export_kind": kind, "export_links": export_links}


class _ExportView(BaseView):
    route_base = "/exports"
    kind = ""
    method_permission_name = {"download": READ}
    default_view = "download"

    def _send(self, fmt: str):
        if fmt not in FORMATS:
            abort(404)
        org_id = _org_of_user()
        if org_id is None:
            if getattr(current_user, "org_id", None) is None:
                flash(_("Выгрузка списков доступна учётной записи организации."), "danger")
                return redirect(self.appbuilder.get_url_for_index)
            abort(403)  # a teacher, a parent, a learner: not the whole organisation's list
        if not may_export(self.kind):
            abort(403)
        data, mime, name = export(db.session, org_id, self.kind, fmt)
        response = send_file(BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)
        response.headers["Content-Disposition"] = content_disposition(name)
        return response


class LearnersExportView(_ExportView):
    class_permission_name = "Learners"
    kind = "learners"

    @expose("/learners.<fmt>")
    @has_access
    def download(self, fmt):
        return self._send(fmt)


class GuardiansExportView(_ExportView):
    class_permission_name = "Guardians"
    kind = "guardians"

    @expose("/guardians.<fmt>")
    @has_access
    def download(self, fmt):
        return self._send(fmt)


class StaffExportView(_ExportView):
    class_permission_name = "Staff"
    kind = "staff"

    @expose("/staff.<fmt>")
    @has_access
    def download(self, fmt):
        return self._send(fmt)


class GroupsExportView(_ExportView):
    class_permission_name = "Groups"
    kind = "groups"

    @expose("/groups.<fmt>")
    @has_access
    def download(self, fmt):
        return self._send(fmt)


class LoadExportView(_ExportView):
    class_permission_name = "TeachingAssignments"
    kind = "load"

    @expose("/load.<fmt>")
    @has_access
    def download(self, fmt):
        return self._send(fmt)


VIEWS = {view.kind: view for view in (LearnersExportView, GuardiansExportView, StaffExportView, GroupsExportView,
                                      LoadExportView)}


def register_exports(appbuilder) -> None:
    """The downloads have no menu entry: they are offered on the lists themselves."""
    for view in VIEWS.values():
        appbuilder.add_view_no_menu(view)

