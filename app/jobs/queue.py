"""Where jobs run: RQ workers on Redis (``REDIS_URL``), else a pool of threads in
the web process (the embedded SQLite default), or at once in the caller's thread
(``JOBS_SYNC``, the tests: no sleeps, no races).

A backend only carries a job's id; the job itself is a ``Job`` row, and
``runner.perform`` makes one attempt at it. ``attempts`` > 1 retries a failed
attempt after ``JOB_RETRY_SECONDS`` (RQ: its ``Retry``; threads: a loop).
"""
from __future__ import annotations

import concurrent.futures
import threading
import time

EXTENSION = "ejournal_jobs"
_CHOOSING = threading.Lock()


class TryAgain(Exception):
    """An attempt failed and another one is due (raised by ``runner.perform``)."""


class ThreadQueue:
    """Jobs in a ``ThreadPoolExecutor`` of the web process, each in its own app context."""

    def __init__(self, app, threads: int = 2, sync: bool = False, delays=(10, 60)):
        self.app = app
        self.sync = sync
        self.delays = tuple(delays)
        self.threads = max(int(threads), 1)
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._futures: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()

    def submit(self, job_id: str, attempts: int = 1) -> None:
        if self.sync:
            self._run(job_id, attempts)
            return
        with self._lock:
            if self._pool is None:
                self._pool = concurrent.futures.ThreadPoolExecutor(self.threads, thread_name_prefix="ejournal-job")
            future = self._pool.submit(self._run, job_id, attempts)
            self._futures.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future) -> None:
        with self._lock:
            self._futures.discard(future)

    def _run(self, job_id: str, attempts: int) -> None:
        from .runner import perform

        for attempt in range(max(attempts, 1)):
            if attempt and not self.sync:  # run at once (tests) retries at once
                time.sleep(self.delays[min(attempt - 1, len(self.delays) - 1)] if self.delays else 0)
            # A context of its own: its own database session and ``g`` (the scope),
            # even when run inline inside a request.
            with self.app.app_context():
                try:
                    perform(job_id)
                    return
                except TryAgain:
                    continue
                except Exception:  # noqa: BLE001 - perform records failures itself; a thread must not die silently
                    self.app.logger.exception("job %s: unexpected failure", job_id)
                    return

    def wait(self, timeout: float | None = 60) -> bool:
        """Block until every submitted job has finished (tests, shutdown); True if they did."""
        with self._lock:
            pending = set(self._futures)
        done, not_done = concurrent.futures.wait(pending, timeout=timeout)
        return not not_done


class RqQueue:
    """Jobs on Redis for ``rq worker`` processes (``rq worker --with-scheduler`` for retries)."""

    def __init__(self, url: str, name: str = "ejournal", delays=(10, 60)):
        from redis import Redis
        from rq import Queue

        self.delays = tuple(delays)
        self.queue = Queue(name, connection=Redis.from_url(url))

    def submit(self, job_id: str, attempts: int = 1) -> None:
        from rq import Retry

        retry = None
        if attempts > 1:
            retry = Retry(max=attempts - 1, interval=list(self.delays[:attempts - 1]) or 0)
        self.queue.enqueue("app.jobs.runner.rq_perform", job_id, job_id=job_id, retry=retry,
                           job_timeout=3600, result_ttl=3600, failure_ttl=24 * 3600)

    def wait(self, timeout: float | None = 60) -> bool:
        return True  # other processes do the work


def queue_for(app):
    """The app's backend: RQ when ``REDIS_URL`` is set, else threads; built again
    only when the settings that choose it change (a test may change them)."""
    cfg = app.config
    sync = cfg.get("JOBS_SYNC")
    if sync is None:
        sync = bool(cfg.get("TESTING"))
    delays = tuple(cfg.get("JOB_RETRY_SECONDS") or (10, 60))
    key = (cfg.get("REDIS_URL") or "", bool(sync), cfg.get("JOB_THREADS") or 2, delays,
           cfg.get("JOB_QUEUE_NAME") or "ejournal")
    with _CHOOSING:  # two first requests at once must not build two pools
        cached = app.extensions.get(EXTENSION)
        if cached is not None and cached[0] == key:
            return cached[1]
        if key[0] and not sync:
            backend = RqQueue(key[0], key[4], delays)
        else:
            backend = ThreadQueue(app, key[2], sync=bool(sync), delays=delays)
        app.extensions[EXTENSION] = (key, backend)
        return backend
