"""Люди → «Загрузка из файлов» (issue 15): a template to download, an
upload, the preview of everything the file would do, and the confirmation.

Nothing is kept in the session cookie: the uploaded file waits under the instance
folder (``app.imports.storage``) and the confirmation reads it again, checks it
again, and writes it all or nothing.
"""
from __future__ import annotations

from io import BytesIO

from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..exceptions import EjournalError
from ..extensions import db
from ..imports import KINDS, RESOURCE, storage
from ..imports.reading import ImportFileError
from ..registry import WRITE

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ACTIONS = {"create": _l("будет создан"), "update": _l("будет обновлён"), "same": _l("без изменений")}


class ImportsView(BaseView):
    route_base = "/imports"
    class_permission_name = RESOURCE
    method_permission_name = {"index": WRITE, "template": WRITE, "upload": WRITE, "confirm": WRITE, "cancel": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Загрузка из файлов")

    def _kind(self, kind: str):
        module = KINDS.get(kind)
        if module is None:
            abort(404)
        return module

    def _org_id(self) -> int | None:
        return getattr(current_user, "org_id", None)

    @expose("/")
    @has_access
    def index(self):
        return self.render_template("imports/index.html", kinds=KINDS, org_id=self._org_id())

    @expose("/template/<kind>.<fmt>")
    @has_access
    def template(self, kind, fmt):
        module = self._kind(kind)
        if fmt == "xlsx":
            return send_file(BytesIO(module.template_xlsx()), mimetype=XLSX, as_attachment=True,
                             download_name=f"{kind}.xlsx")
        if fmt == "csv":
            return send_file(BytesIO(module.template_csv()), mimetype="text/csv; charset=utf-8", as_attachment=True,
                             download_name=f"{kind}.csv")
        abort(404)

    @expose("/<kind>/upload", methods=["POST"])
    @has_access
    def upload(self, kind):
        module = self._kind(kind)
        org_id = self._org_id()
        if org_id is None:
            flash(_("Загрузка из файлов доступна учётной записи организации."), "danger")
            return redirect(url_for(".index"))
        f = request.files.get("file")
        if f is None or not f.filename:
            flash(_("Выберите файл XLSX или CSV."), "danger")
            return redirect(url_for(".index"))
        data = f.read()
        try:
            plan = module.parse(db.session, org_id, f.filename, data)
        except ImportFileError as exc:
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        finally:
            db.session.rollback()  # a preview writes nothing
        upload = storage.save(kind, f.filename, data, current_user.id, org_id) if plan.ok else None
        counts = plan.counts()
        return self.render_template("imports/preview.html", module=module, kind=kind, plan=plan, counts=counts,
                                    preview_summary=preview_summary(module, counts) if plan.ok else "",
                                    actions=ACTIONS, token=upload.token if upload else "", filename=f.filename)

    @expose("/confirm", methods=["POST"])
    @has_access
    def confirm(self):
        upload = storage.load(request.form.get("token", ""), current_user.id)
        if upload is None or upload.org_id != self._org_id():
            flash(_("Файл для загрузки не найден: загрузите его снова."), "danger")
            return redirect(url_for(".index"))
        module = self._kind(upload.kind)
        session = db.session
        try:
            plan = module.parse(session, upload.org_id, upload.filename, upload.read())
            if not plan.ok:
                session.rollback()
                flash(_("Файл содержит ошибки (%(count)s): ничего не загружено. Исправьте их и загрузите файл снова.",
                        count=len(plan.errors)), "danger")
                return redirect(url_for(".index"))
            counts = module.apply(session, upload.org_id, plan, current_user.id)
            slips = getattr(plan, "slips", None)
            pdf = _slips_pdf(slips) if slips is not None and slips.slips else None
            session.commit()  # the new passwords only with their slips built (as «Выдача логинов»)
            from ..services.db_stats import refresh

            refresh()  # the planner's statistics of the new rows (app/services/db_stats.py)
        except (EjournalError, ImportFileError) as exc:
            session.rollback()
            flash(_("Ничего не загружено: %(reason)s", reason=str(exc)), "danger")
            return redirect(url_for(".index"))
        except Exception:
            session.rollback()
            raise
        finally:
            storage.delete(upload)
        flash(done_summary(module, counts), "success")
        if pdf is not None:
            from .issue_logins import _pdf_response

            return _pdf_response(pdf, f"logins-{clock.today():%Y%m%d}.pdf")
        return redirect(url_for(".index"))

    @expose("/cancel", methods=["POST"])
    @has_access
    def cancel(self):
        upload = storage.load(request.form.get("token", ""), current_user.id)
        if upload is not None:
            storage.delete(upload)
        flash(_("Загрузка отменена: файл удалён."), "info")
        return redirect(url_for(".index"))


def preview_summary(module, counts) -> str:
    """«Ошибок нет. Будет: …»: the kind's own sentence."""
    own = getattr(module, "preview_summary", None)
    return own(counts) if own else _("Ошибок нет. Будет: %(summary)s", summary=module.summary(counts))


def done_summary(module, counts) -> str:
    own = getattr(module, "done_summary", None)
    return own(counts) if own else _("Загружено: %(summary)s", summary=module.summary(counts))


def _slips_pdf(result) -> bytes:
    """The slips of the accounts an import issued, as «Выдача логинов» prints them."""
    from .issue_logins import slips_pdf

    org = current_user.organisation
    return slips_pdf(result, _("Логины и пароли для входа в электронный журнал"), org.name if org else "")


def register_imports(appbuilder) -> None:
    from .catalog import CATEGORIES

    label, icon = CATEGORIES["People"]
    appbuilder.add_view(ImportsView, RESOURCE, label=ImportsView.menu_label(), category="People",
                        category_label=label, category_icon=icon)
