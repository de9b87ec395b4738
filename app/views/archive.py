"""Журнал → «Архив журналов и ведомостей» (R16): the years handed over to the archive,
their files with keep-until dates, an integrity check, the Завуч's «Сдать в архив»,
and the download of a file by the administration of its organisation.

Nothing here changes or deletes an archived batch or file: there is no such route.
"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .. import clock
from ..exceptions import EjournalError
from ..extensions import db
from ..models import ARCHIVE_KINDS, AcademicYear, ArchiveBatch, ArchiveFile, Organisation
from ..registry import READ, WRITE
from ..services import archive as svc


class ArchiveView(BaseView):
    route_base = "/archive"
    class_permission_name = "Archive"
    method_permission_name = {"index": READ, "download": READ, "freeze": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Архив журналов и ведомостей")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        batches = session.scalars(select(ArchiveBatch).options(joinedload(ArchiveBatch.year))
                                  .order_by(ArchiveBatch.signed_on.desc(), ArchiveBatch.id.desc())).all()
        files = session.scalars(select(ArchiveFile).options(joinedload(ArchiveFile.group))
                                .order_by(ArchiveFile.batch_id, ArchiveFile.id)).all()
        by_batch: dict[int, list[ArchiveFile]] = {}
        for f in files:
            by_batch.setdefault(f.batch_id, []).append(f)
        checked = bool(request.args.get("verify"))
        damage: dict[int, dict] = {}
        if checked:
            for batch in batches:
                damage[batch.id] = {(d.file.id if d.file is not None else None): d
                                    for d in svc.verify(session, batch, by_batch.get(batch.id, []))}
            if any(damage.values()):
                flash(_("Целостность нарушена: файлы, отмеченные красным, изменены или отсутствуют."), "danger")
            else:
                flash(_("Целостность проверена: все файлы архива совпадают с подписанными."), "success")
        can_write = current_app.appbuilder.sm.level("Archive") >= 2
        years = []
        if can_write:
            done = {b.year_id for b in batches}
            rows = session.execute(select(AcademicYear, Organisation.short_name)
                                   .join(Organisation, Organisation.id == AcademicYear.org_id)
                                   .order_by(AcademicYear.start.desc(), Organisation.short_name)).all()
            several = len({y.org_id for y, _name in rows}) > 1
            years = [(y, f"{y.name} ({name})" if several else y.name) for y, name in rows if y.id not in done]
        return self.render_template("archive.html", batches=batches, files=by_batch, damage=damage, checked=checked,
                                    can_write=can_write, years=years, kinds=ARCHIVE_KINDS, today=clock.today(),
                                    signer=svc.signer_name(current_user) if can_write else "")

    @expose("/freeze", methods=["POST"])
    @has_access
    def freeze(self):
        session = db.session
        year = session.scalar(select(AcademicYear).where(AcademicYear.id == request.form.get("year", type=int)))
        if year is None:
            abort(404)
        org = session.scalar(select(Organisation).where(Organisation.id == year.org_id))
        if org is None or svc.level_of(session, current_user, org.id) < 2:
            abort(403)
        found = svc.existing_batch(session, org, year)
        if found is not None:
            flash(svc.already_archived_message(found), "danger")
            return redirect(url_for(".index"))
        job = self._as_job(session, org, year)
        if job is not None:
            if job.status == "failed":
                flash(job.message or _("Не удалось сдать журналы в архив."), "danger")
            elif job.status == "done":
                flash(_("Журналы и ведомости учебного года %(year)s сданы в архив.", year=year.name), "success")
            else:
                flash(_("Журналы и ведомости учебного года %(year)s сдаются в архив в фоне: файлы появятся "
                        "здесь, когда работа закончится.", year=year.name), "info")
            return redirect(url_for(".index"))
        try:
            svc.freeze_year(session, current_app.extensions["ejournal"], org, year, current_user, clock.today())
            session.commit()
        except EjournalError as exc:
            session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        flash(_("Журналы и ведомости учебного года %(year)s сданы в архив.", year=year.name), "success")
        return redirect(url_for(".index"))

    @staticmethod
    def _as_job(session, org, year):
        """Freezing renders many PDFs: a job, when the jobs know the kind «archive»."""
        try:
            from ..jobs import enqueue
            from ..jobs.archive import KIND, params_for
            from ..jobs.runner import handlers
        except ImportError:
            return None
        if KIND not in handlers():
            return None
        return enqueue(session, kind=KIND, title=_("Сдача в архив: учебный год %(year)s", year=year.name),
                       account_id=current_user.id, org_id=org.id, params=params_for(org, year, clock.today()))

    @expose("/file/<int:file_id>")
    @has_access
    def download(self, file_id):
        session = db.session
        f = session.scalar(select(ArchiveFile).where(ArchiveFile.id == file_id))
        if f is None or svc.level_of(session, current_user, f.org_id) < 1:
            abort(404)
        path = svc.file_path(f)
        if not path.is_file() or svc.sha256_of(path) != f.sha256:
            flash(_("Файл «%(name)s» изменён или отсутствует: он не совпадает с подписанным при сдаче в архив.",
                    name=f.file_name), "danger")
            return redirect(url_for(".index", verify=1))
        return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f.file_name)


def register_archive(appbuilder) -> None:
    from .catalog import CATEGORIES

    label, icon = CATEGORIES["Journal"]
    appbuilder.add_view(ArchiveView, "Archive", label=ArchiveView.menu_label(), category="Journal",
                        category_label=label, category_icon=icon)
