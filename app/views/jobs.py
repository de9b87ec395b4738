"""«Задания»: the signed-in user's background jobs (large reports), their progress
and their files. A user sees only his own jobs: another's is «not found» (404)."""
from __future__ import annotations

from flask import abort, flash, jsonify, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..jobs import cleanup
from ..models import Job
from ..models.base import now
from ..registry import READ
from ..scoping import acting_as

PAGE_SIZE = 20
STATUS_LABELS = {"queued": _l("В очереди"), "running": _l("Отчёт готовится"), "done": _l("Готово"),
                 "failed": _l("Ошибка")}


# The jobs a user waits for; a notice's letters are sent for him, not by him.
SHOWN_KINDS = ("report", "archive")


def _own(job_id: str) -> Job:
    with acting_as(None):
        job = db.session.scalar(select(Job).where(Job.id == job_id, Job.account_id == current_user.id,
                                                  Job.kind.in_(SHOWN_KINDS)))
    if job is None:
        abort(404)
    return job


def ready_jobs(session, account_id: int, limit: int = 5) -> list[Job]:
    """The user's finished files not yet downloaded (the home page's «Готово» notices): one query."""
    with acting_as(None):
        return session.scalars(select(Job).where(
            Job.account_id == account_id, Job.kind.in_(SHOWN_KINDS), Job.status == "done",
            Job.file_path.is_not(None), Job.downloaded_at.is_(None), Job.expires_at > now())
            .order_by(Job.finished_at.desc()).limit(limit)).all()


def status_of(job: Job) -> dict:
    return {"id": job.id, "status": job.status, "progress": job.progress, "title": job.title,
            "label": str(STATUS_LABELS.get(job.status, job.status)), "message": job.message,
            "download": bool(job.status == "done" and job.file_path)}


class JobsView(BaseView):
    route_base = "/jobs"
    # Every user who may run a report waits for it here.
    class_permission_name = "Reports"
    method_permission_name = {"index": READ, "show": READ, "status": READ, "download": READ}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Задания")

    @expose("/")
    @has_access
    def index(self):
        from flask import request

        session = db.session
        cleanup(session)
        page = max(request.args.get("page", 0, type=int) or 0, 0)
        mine = Job.account_id == current_user.id, Job.kind.in_(SHOWN_KINDS)
        with acting_as(None):
            total = session.scalar(select(func.count()).select_from(Job).where(*mine))
            jobs = session.scalars(select(Job).where(*mine).order_by(Job.created_at.desc(), Job.id)
                                   .limit(PAGE_SIZE).offset(page * PAGE_SIZE)).all()
        ready = [j for j in jobs if j.status == "done" and j.file_path and j.downloaded_at is None]
        return self.render_template("jobs/index.html", jobs=jobs, ready=ready, page=page, total=total,
                                    pages=max(-(-total // PAGE_SIZE), 1), labels=STATUS_LABELS)

    @expose("/<job_id>")
    @has_access
    def show(self, job_id):
        job = _own(job_id)
        if job.status == "done" and job.file_path and job.downloaded_at is None:
            flash(_("Готово: %(title)s", title=job.title), "success")
        return self.render_template("jobs/show.html", job=job, status=status_of(job), labels=STATUS_LABELS)

    @expose("/<job_id>.json")
    @has_access
    def status(self, job_id):
        return jsonify(status_of(_own(job_id)))

    @expose("/<job_id>/download")
    @has_access
    def download(self, job_id):
        job = _own(job_id)
        if job.status != "done" or not job.file_path:
            abort(404)
        try:
            handle = open(job.file_path, "rb")  # noqa: SIM115 - send_file closes it
        except FileNotFoundError:
            abort(404)
        if job.downloaded_at is None:
            with acting_as(None):
                job.downloaded_at = now()
                db.session.commit()
        return send_file(handle, mimetype=job.mime, as_attachment=True, download_name=job.file_name)
