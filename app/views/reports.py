"""«Отчёты»: the reports the user may run, each with its parameter form,
its tables on screen and its downloads (PDF, XLSX, CSV, JSON)."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..extensions import db
from ..registry import READ
from ..reports import ReportError, allowed_reports, parse_params, run_report
from ..reports.charts import chart_images
from ..reports.engine import choices, default_value, form_params
from ..reports.formats import FORMATS, cell_text, content_disposition, download_name, render
from ..scoping import current_scope
from ..security import role_names_of


class ReportsView(BaseView):
    route_base = "/reports"
    class_permission_name = "Reports"
    method_permission_name = {"index": READ, "show": READ}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Отчёты")

    def _allowed(self):
        host = current_app.extensions["ejournal"]
        return allowed_reports(db.session, host, role_names_of(db.session, current_user), current_scope())

    @expose("/")
    @has_access
    def index(self):
        from .catalog import plugin_name

        return self.render_template("reports/index.html", reports=self._allowed(), plugin_label=plugin_name)

    @expose("/<report_id>/")
    @has_access
    def show(self, report_id):
        host = current_app.extensions["ejournal"]
        spec = host.reports.get(report_id)
        scope = current_scope()
        if spec is None or spec not in self._allowed():
            abort(404)
        fmt = request.args.get("format", "")
        if fmt and fmt not in FORMATS:
            abort(404)
        tables, header, values, error = None, [], {}, None
        try:
            values, header = parse_params(db.session, spec, request.args, scope)
            if request.args.get("run") or fmt:
                tables = run_report(db.session, spec, values, replica=True)
        except ReportError as exc:
            error = str(exc)
            flash(error, "danger")
        if fmt and tables is not None:
            from ..jobs.reports import enqueue_report, needs_job

            if needs_job(db.session, host, spec, values, tables, fmt, scope.default_org_id if scope else None):
                # A large PDF is never rendered in a web request (xhtml2pdf holds a
                # process-wide lock): a job makes it, the user waits on its page.
                job = enqueue_report(db.session, current_user.id, values.get("organisation"), spec, request.args, fmt)
                return redirect(url_for("JobsView.show", job_id=job.id))
            data, mime, ext = render(spec, values, header, tables, fmt)
            filename = download_name(spec, header, ext)
            return current_app.response_class(data, mimetype=mime, headers={
                "Content-Disposition": content_disposition(filename)})
        form = self._form(spec, values, scope)
        images = chart_images(tables) if tables else []
        return self.render_template("reports/report.html", spec=spec, form=form, tables=tables, header=header,
                                    cell_text=cell_text, query=request.query_string.decode(), error=error,
                                    images=images)

    def _form(self, spec, values, scope):
        """(param, choices, current value) for the form; choices under the user's scope."""
        form, known = [], {"organisation": values.get("organisation")}
        for param in form_params(spec):
            offered = choices(db.session, param, known)
            current = request.args.get(param.name) or default_value(db.session, param, scope, offered, known)
            if param.kind in ("organisation", "group") and current:  # the periods follow the group
                known[param.kind] = int(current) if str(current).isdigit() else None
            form.append((param, offered, current))
        return form
