"""Задания: long work out of the web request (issue «Ledgers a deputy signs», part 3).

``enqueue`` records a ``Job`` and hands its id to the backend (``queue.queue_for``:
RQ on Redis, or threads); ``runner.perform`` does it; ``cleanup`` deletes the
files whose keep-time (``JOB_FILE_HOURS``) has passed. Kinds: ``reports`` (a large
report as a file) and ``mail`` (the e-mail of a notice, with retries).
"""
from __future__ import annotations

import contextlib
import os
import uuid

from flask import current_app
from sqlalchemy import select

from ..models import Job
from ..models.base import now
from ..scoping import acting_as
from .queue import RqQueue, ThreadQueue, TryAgain, queue_for


def enqueue(session, *, kind: str, title: str, account_id: int, org_id: int | None = None,
            params: dict | None = None) -> Job:
    """Record the job, commit, and queue it (a worker reads it from the database,
    so it is committed first). With ``JOBS_SYNC`` it has run when this returns."""
    from .runner import handlers

    handler = handlers()[kind]
    session.flush()  # what the caller changed is checked under the caller's scope
    with acting_as(None):
        cleanup(session, commit=False)
        job = Job(id=str(uuid.uuid4()), kind=kind, title=title[:300], account_id=account_id, org_id=org_id,
                  params=params or {}, status="queued", progress=0, attempts=0, created_at=now())
        session.add(job)
        session.commit()
    job_id = job.id
    queue_for(current_app._get_current_object()).submit(job_id, handler.attempts)
    with acting_as(None):
        session.expire(job)
        return session.get(Job, job_id)


def cleanup(session, commit: bool = True) -> int:
    """Delete the files of jobs kept past ``expires_at``; the rows stay (without a file)."""
    with acting_as(None):
        expired = session.scalars(select(Job).where(Job.expires_at < now(), Job.file_path.is_not(None))).all()
        for job in expired:
            with contextlib.suppress(FileNotFoundError):
                os.remove(job.file_path)
            job.file_path = None
        if expired and commit:
            session.commit()
    return len(expired)


def wait(timeout: float | None = 60) -> bool:
    """Wait for the jobs of this process (the thread backend); True when all finished."""
    return queue_for(current_app._get_current_object()).wait(timeout)


__all__ = ["Job", "RqQueue", "ThreadQueue", "TryAgain", "cleanup", "enqueue", "queue_for", "wait"]
