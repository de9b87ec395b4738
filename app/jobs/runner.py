"""One attempt at a job, in whatever worker runs it (a thread, an RQ process, inline).

A job kind is a ``Handler``: its function ``run(session, job, progress)`` does the
work (and may store a file with ``store_file``); ``attempts`` is how many tries it
gets; ``failure`` is the Russian text of its failure, «%(error)s» the reason.
The bookkeeping of the ``Job`` row runs uncut (``acting_as(None)``): the row is
the worker's own, the user's scope governs only the work itself.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, has_app_context
from flask_babel import gettext as _

from ..exceptions import EjournalError
from ..extensions import db
from ..models import Job
from ..models.base import now
from ..scoping import acting_as
from .queue import TryAgain


@dataclass(frozen=True)
class Handler:
    run: Callable  # (session, job, progress) -> None
    failure: str  # "Не удалось …: %(error)s"
    attempts: int = 1


def handlers() -> dict[str, Handler]:
    from .archive import HANDLER as archive
    from .mail import HANDLER as mail
    from .reports import HANDLER as report

    return {"report": report, "mail": mail, "archive": archive}


def job_dir() -> Path:
    folder = current_app.config.get("JOB_DIR") or os.path.join(current_app.instance_path, "jobs")
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


def store_file(job: Job, data: bytes, file_name: str, mime: str) -> None:
    """Keep a job's result for ``JOB_FILE_HOURS`` hours."""
    ext = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
    path = job_dir() / f"{job.id}.{ext}"
    path.write_bytes(data)
    job.file_path, job.file_name, job.mime = str(path), file_name, mime
    job.expires_at = now() + dt.timedelta(hours=int(current_app.config.get("JOB_FILE_HOURS") or 24))


def _save(session) -> None:
    with acting_as(None):
        session.commit()


def perform(job_id: str) -> None:
    """Make one attempt at the job; ``TryAgain`` when it failed and may be tried again."""
    session = db.session
    with acting_as(None):
        job = session.get(Job, job_id)
    if job is None or job.status in ("done", "failed"):
        return
    handler = handlers()[job.kind]
    job.status, job.attempts, job.progress, job.message = "running", job.attempts + 1, max(job.progress, 10), None
    _save(session)

    def progress(percent: int) -> None:
        job.progress = max(0, min(int(percent), 99))
        _save(session)

    try:
        handler.run(session, job, progress)
    except Exception as exc:  # noqa: BLE001 - any failure is the job's, told to its owner
        session.rollback()
        current_app.logger.warning("job %s (%s) failed: %s", job_id, job.kind, exc, exc_info=True)
        reason = str(exc) if isinstance(exc, EjournalError) else (str(exc) or type(exc).__name__)
        with acting_as(None):
            job = session.get(Job, job_id)
            last = job.attempts >= handler.attempts
            job.status = "failed" if last else "queued"
            job.message = _(handler.failure, error=reason)
            if last:
                job.finished_at = now()
            session.commit()
        if not last:
            raise TryAgain(reason) from exc
        return
    job.status, job.progress, job.finished_at = "done", 100, now()
    _save(session)


_worker_app = None


def rq_perform(job_id: str) -> None:
    """The function RQ workers run: in the app's context (made once per worker process)."""
    global _worker_app
    if has_app_context():
        perform(job_id)
        return
    if _worker_app is None:
        from .. import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        perform(job_id)
