"""Long work as jobs (issue «Ledgers a deputy signs», part 3): a report over the
organisation's size is queued, never rendered in the request; its page follows the
job to «Готово» and a download kept for JOB_FILE_HOURS; only its owner sees it."""
from __future__ import annotations

import datetime as dt
import os
import re
import socket
import threading
import uuid
from urllib.parse import quote

import pytest

from app import clock
from app.extensions import db
from app.models import Job, Organisation

from .conftest import count_queries

CLASS_FILL = "/reports/school.class_fill/"  # deputy1 sees 2 rows of it


def _limit(app, org_id: int, rows: int) -> None:
    """Lower the organisation's rule «report_job_rows» (the world's reports are small)."""
    with app.app_context():
        org = db.session.get(Organisation, org_id)
        settings = dict(org.settings or {})
        settings["core"] = {**settings.get("core", {}), "report_job_rows": rows}
        org.settings = settings
        db.session.commit()


def _job_id(response) -> str:
    assert response.status_code == 302, response.status_code
    match = re.search(r"/jobs/([0-9a-f-]{36})$", response.headers["Location"])
    assert match, response.headers["Location"]
    return match.group(1)


def _job(app, job_id) -> Job:
    with app.app_context():
        job = db.session.get(Job, job_id)
        db.session.expunge(job)
        return job


def test_a_small_report_still_downloads_directly(app, client, login, world):
    login("deputy1")
    response = client.get(CLASS_FILL + "?run=1&format=pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")


def test_a_large_report_is_queued_and_made_by_a_job(app, client, login, world, monkeypatch):
    _limit(app, world.org1, 1)
    login("deputy1")
    import app.reports.pdf as pdf

    rendered_in = []
    real = pdf.to_pdf

    def spy(*args, **kwargs):
        rendered_in.append(kwargs.get("landscape"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf, "to_pdf", spy)
    response = client.get(CLASS_FILL + "?run=1&format=pdf")
    job_id = _job_id(response)  # a redirect to the job's page, not a PDF
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "done" and status["progress"] == 100 and status["download"]
    assert len(rendered_in) == 1  # by the job (JOBS_SYNC in tests), once
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Готово" in page and "Скачать" in page and f"/jobs/{job_id}/download" in page
    download = client.get(f"/jobs/{job_id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.data.startswith(b"%PDF") and re.search(rb"/BaseFont /\w+\+DejaVuSans", download.data)
    assert quote(f"Наполняемость классов {clock.today().isoformat()}.pdf") in download.headers["Content-Disposition"]
    job = _job(app, job_id)
    assert job.kind == "report" and job.org_id == world.org1 and job.params["format"] == "pdf"
    assert job.downloaded_at is not None and job.expires_at is not None
    listing = client.get("/jobs/").get_data(as_text=True)
    assert "Наполняемость классов (PDF)" in listing and "Задания" in listing


def test_progress_goes_from_queued_to_done_in_a_thread(app, client, login, world, monkeypatch):
    """The thread backend (JOBS_SYNC off) really runs the job in another thread."""
    from app import jobs
    from app.jobs import runner

    app.config["JOBS_SYNC"] = False
    _limit(app, world.org1, 1)
    release, threads = threading.Event(), []
    real = runner.handlers()

    def slow(session, job, progress):
        threads.append(threading.current_thread())
        assert release.wait(30)
        real["report"].run(session, job, progress)

    monkeypatch.setattr(runner, "handlers", lambda: {**real, "report": runner.Handler(slow, real["report"].failure)})
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    first = client.get(f"/jobs/{job_id}.json").get_json()
    assert first["status"] in ("queued", "running") and first["progress"] <= 10 and not first["download"]
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "<progress" in page and ("Отчёт готовится" in page or "В очереди" in page)
    release.set()
    with app.app_context():
        assert jobs.wait(60)
    # A browser's next poll is a new request with a new session; the test's requests share
    # the fixture's session, whose identity map still holds the job as first read.
    from app.extensions import db

    db.session.expire_all()
    done = client.get(f"/jobs/{job_id}.json").get_json()
    assert done["status"] == "done" and done["progress"] == 100
    assert threads and threads[0] is not threading.current_thread()
    assert client.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")


def test_a_failing_job_says_why_in_russian(app, client, login, world, monkeypatch):
    import app.reports.formats as formats

    def broken(*args, **kwargs):
        raise RuntimeError("нет шрифта DejaVuSans.ttf")

    monkeypatch.setattr(formats, "render", broken)
    _limit(app, world.org1, 1)
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "failed" and not status["download"]
    assert status["message"] == "Не удалось сформировать отчёт: нет шрифта DejaVuSans.ttf"
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "Не удалось сформировать отчёт: нет шрифта" in page
    assert client.get(f"/jobs/{job_id}/download").status_code == 404


def test_another_user_never_sees_the_job(app, client, login, world):
    _limit(app, world.org1, 1)
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    for user in ("director1", "admin3"):
        login(user)
        for url in (f"/jobs/{job_id}", f"/jobs/{job_id}.json", f"/jobs/{job_id}/download"):
            assert client.get(url).status_code == 404, (user, url)
        assert job_id not in client.get("/jobs/").get_data(as_text=True)
    login("deputy1")
    assert client.get(f"/jobs/{job_id}/download").status_code == 200


def test_expired_files_are_removed(app, client, login, world):
    _limit(app, world.org1, 1)
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    path = _job(app, job_id).file_path
    assert path and os.path.exists(path)
    later = clock.local_wall() + dt.timedelta(hours=app.config["JOB_FILE_HOURS"], minutes=1)
    with clock.pinned(later):
        assert client.get("/jobs/").status_code == 200  # listing the jobs cleans up
    assert not os.path.exists(path) and _job(app, job_id).file_path is None
    assert client.get(f"/jobs/{job_id}/download").status_code == 404
    assert "срок его хранения истёк" in client.get(f"/jobs/{job_id}").get_data(as_text=True)


def test_the_jobs_list_costs_the_same_queries_for_more_jobs(app, client, login, world):
    _limit(app, world.org1, 1)
    login("deputy1")
    client.get(CLASS_FILL + "?run=1&format=pdf")
    client.get("/jobs/")
    with count_queries(app) as one:
        assert client.get("/jobs/").status_code == 200
    for _ in range(3):
        client.get(CLASS_FILL + "?run=1&format=pdf")
    client.get("/jobs/")
    with count_queries(app) as four:
        page = client.get("/jobs/").get_data(as_text=True)
    assert page.count("Наполняемость классов (PDF)") >= 4
    assert four["n"] == one["n"]


def test_the_cli_shows_progress_and_keeps_its_output(app, world, tmp_path):
    out = tmp_path / "fill.pdf"
    result = app.test_cli_runner().invoke(args=["report", "run", "school.class_fill", "--user", "deputy1",
                                                "--format", "pdf", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "Наполняемость классов" in result.stderr and result.stdout == ""


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_rq_backend_runs_the_job_in_a_worker(app, client, login, world):
    from redis import Redis
    from rq import Queue, SimpleWorker

    name = f"ejournal-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_SYNC=False, JOB_QUEUE_NAME=name)
    _limit(app, world.org1, 1)
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    assert client.get(f"/jobs/{job_id}.json").get_json()["status"] == "queued"
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(name, connection=connection)
    try:
        assert len(queue) == 1
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)
    status = client.get(f"/jobs/{job_id}.json").get_json()
    assert status["status"] == "done" and status["progress"] == 100
    assert client.get(f"/jobs/{job_id}/download").data.startswith(b"%PDF")


def _account_id(username: str) -> int:
    from sqlalchemy import select

    from app.models import Account
    from app.scoping import acting_as

    with acting_as(None):
        return db.session.scalar(select(Account.id).where(Account.username == username))


@pytest.mark.parametrize("failures, status, attempts", [(2, "done", 3), (5, "failed", 3)])
def test_mail_jobs_are_retried_three_times(app, monkeypatch, failures, status, attempts):
    """An e-mail is tried 3 times (the thread backend's loop, here without waiting);
    after the last failure the job says why in Russian."""
    import app.services.notices as notices
    from app import jobs

    app.config.update(JOBS_SYNC=False, JOB_RETRY_SECONDS=(0.01, 0.02))
    calls = []

    def flaky(session, message_id):
        calls.append(threading.current_thread())
        if len(calls) <= failures:
            raise ConnectionRefusedError("сервер не отвечает")
        return 1

    monkeypatch.setattr(notices, "send_email", flaky)
    with app.app_context():
        job = jobs.enqueue(db.session, kind="mail", title="Письмо", account_id=_account_id("teacher1"),
                           params={"message_id": 1})
        job_id = job.id
        assert jobs.wait(30)
    job = _job(app, job_id)
    assert (job.status, job.attempts, len(calls)) == (status, attempts, min(failures + 1, 3))
    assert calls[0] is not threading.current_thread()
    if status == "failed":
        assert job.message == "Не удалось отправить письмо: сервер не отвечает"


def test_mail_jobs_never_show_among_the_reports(app, client, login, monkeypatch):
    import app.services.notices as notices
    from app import jobs

    monkeypatch.setattr(notices, "send_email", lambda session, message_id: 1)
    with app.app_context():
        job_id = jobs.enqueue(db.session, kind="mail", title="Письмо родителям", account_id=_account_id("deputy1"),
                              params={"message_id": 1}).id
    login("deputy1")
    assert "Письмо родителям" not in client.get("/jobs/").get_data(as_text=True)
    assert client.get(f"/jobs/{job_id}").status_code == 404


@pytest.mark.skipif(not _redis_up(), reason="no Redis at 127.0.0.1:6379")
def test_rq_retries_a_mail_job(app, monkeypatch):
    from redis import Redis
    from rq import Queue, SimpleWorker

    import app.services.notices as notices
    from app import jobs

    name = f"ejournal-test-{uuid.uuid4().hex[:8]}"
    app.config.update(REDIS_URL="redis://127.0.0.1:6379/0", JOBS_SYNC=False, JOB_QUEUE_NAME=name,
                      JOB_RETRY_SECONDS=(0, 0))
    calls = []

    def flaky(session, message_id):
        calls.append(1)
        if len(calls) < 2:
            raise ConnectionRefusedError("сервер не отвечает")
        return 1

    monkeypatch.setattr(notices, "send_email", flaky)
    connection = Redis.from_url(app.config["REDIS_URL"])
    queue = Queue(name, connection=connection)
    try:
        with app.app_context():
            job_id = jobs.enqueue(db.session, kind="mail", title="Письмо", account_id=_account_id("teacher1"),
                                  params={"message_id": 1}).id
            SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)
    job = _job(app, job_id)
    assert (job.status, job.attempts, len(calls)) == ("done", 2, 2)


def test_a_dead_mail_server_fails_the_mail_job_after_three_attempts(app, client, login, world):
    from sqlalchemy import select

    from app.scoping import acting_as

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nobody listens there
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    login("teacher1")
    done = client.post("/mail/notice", data={"learner": world.org1_child, "to": "parents", "body": "Пропуск"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Уведомление отправлено во внутреннюю почту" in done and "не отправлена" in done
    with app.app_context(), acting_as(None):
        (job,) = db.session.scalars(select(Job).where(Job.kind == "mail")).all()
        assert (job.status, job.attempts, job.title) == ("failed", 3, "Письмо: " + job.title.split(": ", 1)[1])
        assert job.message.startswith("Не удалось отправить письмо: ")


def test_the_home_page_says_a_file_is_ready_until_it_is_downloaded(app, client, login, world):
    _limit(app, world.org1, 1)
    login("deputy1")
    job_id = _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    home = client.get("/").get_data(as_text=True)
    assert ("Готово: Наполняемость классов (PDF)" in home, f"/jobs/{job_id}/download" in home) == (True, True)
    client.get(f"/jobs/{job_id}/download")
    assert "Готово: Наполняемость классов" not in client.get("/").get_data(as_text=True)


def test_another_users_home_page_shows_no_notice_of_the_job(app, client, login, world):
    _limit(app, world.org1, 1)
    login("deputy1")
    _job_id(client.get(CLASS_FILL + "?run=1&format=pdf"))
    client.post("/logout/")
    login("director1")
    assert "Готово:" not in client.get("/").get_data(as_text=True)


def test_an_archive_job_has_its_page(app, client, login, world):
    from app.jobs import enqueue

    login("deputy1")
    with app.app_context():
        from app.models import Account

        account = db.session.scalar(db.select(Account).where(Account.username == "deputy1"))
        job = enqueue(db.session, kind="archive", title="Архив 2026/2027", account_id=account.id,
                      org_id=world.org1, params={})
        job_id = job.id
    assert client.get(f"/jobs/{job_id}").status_code == 200
