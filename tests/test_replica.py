"""Reports on a replica (REPORTS_DATABASE_URL, app/replica.py): the page and the jobs read
their data there, under the same scope, and write nothing there.

A second database, a copy of the test database, stands in for the replica; after the
copy the primary is changed, so that what a page shows says which one it read. The last
test starts a real PostgreSQL streaming replica (TEST_DATABASE_URL only)."""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import tempfile
import time
import uuid

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import make_url

from app import replica
from app.exceptions import ReportError
from app.extensions import db
from app.models import Account, Learner, Subject
from app.scoping import acting_as, resolve_scope

from .conftest import PG_URL, base_config, dispose, drop_database, free_port, make_database, renew_database
from .world import PASSWORD

CLASS_FILL = "/reports/school.class_fill/"


@pytest.fixture
def replica_url(app):
    """A copy of the test database, named by REPORTS_DATABASE_URL."""
    with app.app_context():
        primary = db.engine.url.render_as_string(hide_password=False)
    dispose(app)  # PostgreSQL copies a database nobody is connected to
    url = make_database(f"replica_{uuid.uuid4().hex[:8]}")
    renew_database(url, primary)
    app.config["REPORTS_DATABASE_URL"] = url
    yield url
    replica.dispose(app)
    drop_database(url)


def _new_learner_on_the_primary(app, world) -> None:
    """5А of org1 gets a fourth learner, on the primary only."""
    with app.app_context(), acting_as(None):
        db.session.add(Learner(org_id=world.org1, last_name="Новикова", first_name="Анна",
                               group_id=world.org1_group))
        db.session.commit()


@contextlib.contextmanager
def _statements(app):
    """``with _statements(app) as seen:`` the SQL each engine ran inside, by "primary" and "replica"."""
    seen = {"primary": [], "replica": []}
    replica.session_factory(app)  # the replica's engine, made now to be listened to (None without one)
    with app.app_context():
        engines = {"primary": db.engine, "replica": replica.engine_of(app)}
    listeners = []
    for name, engine in engines.items():
        if engine is None:
            continue

        def record(_conn, _cursor, statement, *_a, _name=name):
            seen[_name].append(statement)

        event.listen(engine, "before_cursor_execute", record)
        listeners.append((engine, record))
    try:
        yield seen
    finally:
        for engine, record in listeners:
            event.remove(engine, "before_cursor_execute", record)


@contextlib.contextmanager
def _as(app, username):
    """A request of ``username``'s scope, as a job makes one."""
    with app.test_request_context():
        account = db.session.scalar(select(Account).where(Account.username == username))
        with acting_as(resolve_scope(db.session, account, app.extensions["ejournal"])) as scope:
            yield scope


def _run(app, username, report_id, values, on_replica):
    from app.reports import run_report

    spec = app.extensions["ejournal"].reports[report_id]
    with _as(app, username):
        return run_report(db.session, spec, values, replica=on_replica)


def _cells(html: str) -> list[list[str]]:
    import re

    body = html.split('class="table table-condensed table-bordered report-table"', 1)[1]
    rows = re.findall(r"<tr>(.*?)</tr>", body.split("</table>", 1)[0], re.S)
    return [cells for r in rows if (cells := re.findall(r"<td>(.*?)</td>", r, re.S))]


def _outcome(run, *args, **kwargs):
    try:
        return run(*args, **kwargs)
    except ReportError as exc:
        return str(exc)


# Users whose scope runs each report with its defaults: a school and preschool, a college, an authority.
RUNNERS = ("deputy1", "admin1", "admin2", "uo_a")


def test_reports_read_only_the_replica_and_get_what_the_primary_gives(app, world, replica_url):
    from app.reports import allowed_reports, parse_params, run_report
    from app.security import role_names_of

    host = app.extensions["ejournal"]
    ran = []
    for spec in sorted(host.reports.values(), key=lambda s: s.id):
        for username in RUNNERS:
            with _as(app, username) as scope:
                account = db.session.scalar(select(Account).where(Account.username == username))
                if spec not in allowed_reports(db.session, host, role_names_of(db.session, account), scope):
                    continue
                try:
                    values, _header = parse_params(db.session, spec, {}, scope)
                except ReportError:
                    continue
                on_primary = _outcome(run_report, db.session, spec, values)
                with _statements(app) as seen:
                    on_replica = _outcome(run_report, db.session, spec, values, replica=True)
            assert seen["primary"] == [], (spec.id, seen["primary"])
            assert seen["replica"] and all(s.lstrip().upper().startswith(("SELECT", "WITH")) for s in seen["replica"]), \
                (spec.id, seen["replica"])
            assert on_replica == on_primary, spec.id  # the same tables, or the same refusal
            ran.append(spec.id)
            break
    # Of every plugin: the school's, the preschool's, the college's and the core's.
    assert {r.split(".")[0] for r in ran} == {"core", "school", "preschool", "college"}, ran


def test_the_page_shows_the_replicas_data(client, login, world, app, replica_url):
    _new_learner_on_the_primary(app, world)
    login("deputy1")
    with _statements(app) as seen:
        page = client.get(CLASS_FILL + "?run=1").get_data(as_text=True)
    assert [r[:3] for r in _cells(page)] == [["5", "5А", "3"], ["6", "6Б", "1"]]  # the copy: three in 5А
    assert any("learner_group" in s for s in seen["replica"])


def test_without_the_setting_the_page_reads_the_primary(client, login, world, app):
    _new_learner_on_the_primary(app, world)
    login("deputy1")
    page = client.get(CLASS_FILL + "?run=1").get_data(as_text=True)
    assert [r[:3] for r in _cells(page)] == [["5", "5А", "4"], ["6", "6Б", "1"]]
    assert replica.engine_of(app) is None


def test_a_job_makes_its_file_from_the_replica(client, login, world, app, replica_url):
    from openpyxl import load_workbook

    from app.models import Organisation

    with app.app_context():
        org = db.session.get(Organisation, world.org1)
        org.settings = {**(org.settings or {}), "core": {"report_job_rows": 1}}  # the world's reports are small
        db.session.commit()
    _new_learner_on_the_primary(app, world)
    login("deputy1")
    response = client.get(CLASS_FILL + "?run=1&format=xlsx")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]  # made by a job
    download = client.get(response.headers["Location"] + "/download")
    sheet = load_workbook(io.BytesIO(download.data)).active
    rows = [[c.value for c in row if c.value is not None] for row in sheet.iter_rows()]
    header = rows.index(["Параллель", "Класс", "Всего", "Мальчиков", "Девочек"])
    assert rows[header + 1][:3] == [5, "5А", 3]  # the replica's three, not the primary's four


@pytest.mark.parametrize("username, classes", [
    ("teacher1", [[5, "5А", 3]]),
    ("otherteacher1", [[6, "6Б", 1]]),
    ("deputy1", [[5, "5А", 3], [6, "6Б", 1]]),
])
def test_the_replica_cuts_to_the_users_scope_as_the_primary_does(app, world, replica_url, username, classes):
    """Run past the page's rights: each teacher sees his own class only, on both databases."""
    values = {"organisation": world.org1}
    on_replica = _run(app, username, "school.class_fill", values, on_replica=True)
    assert [r[:3] for r in on_replica[0].rows] == classes
    assert on_replica == _run(app, username, "school.class_fill", values, on_replica=False)


def test_another_teachers_class_is_refused_on_the_replica_too(client, login, world, replica_url):
    from tests.test_report_figures import test_journal_print_refused_for_another_class as refused

    refused(client, login, world)  # the same refusal, the report now reading the replica


def test_nothing_is_written_through_the_replica(app, world, replica_url):
    with _as(app, "deputy1"), replica.reading(db.session) as reader:
        reader.add(Subject(org_id=world.org1, name="Астрономия", plugin="school"))
        with pytest.raises(replica.ReplicaWriteError):
            reader.flush()
        reader.rollback()
        with pytest.raises(Exception, match="(?i)read.?only|query_only"):
            reader.execute(text("UPDATE subject SET name = 'Астрономия'"))
    replica.dispose(app)
    with app.app_context(), acting_as(None):
        assert db.session.scalar(select(Subject.name).where(Subject.name == "Астрономия")) is None
    from sqlalchemy import create_engine

    engine = create_engine(replica_url)
    try:
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM subject WHERE name = 'Астрономия'")) == 0
    finally:
        engine.dispose()


def test_an_unreachable_replica_leaves_the_reports_on_the_primary(client, login, world, app, caplog):
    app.config["REPORTS_DATABASE_URL"] = "sqlite:////nonexistent-ejournal-folder/replica.db"
    try:
        _new_learner_on_the_primary(app, world)
        login("deputy1")
        page = client.get(CLASS_FILL + "?run=1").get_data(as_text=True)
        assert [r[:3] for r in _cells(page)] == [["5", "5А", "4"], ["6", "6Б", "1"]]
        assert "replica: cannot connect" in caplog.text
    finally:
        replica.dispose(app)


# --- a real streaming replica -------------------------------------------------------------------------


def _pg_bindir() -> str | None:
    """The PostgreSQL server's programs: PG_BINDIR, else pg_ctl's folder on PATH, else Debian's newest."""
    import glob

    candidates = [os.environ.get("PG_BINDIR"), os.path.dirname(shutil.which("pg_ctl") or "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(d.split("/")[-2]), reverse=True)
    return next((d for d in candidates if d and os.path.exists(os.path.join(d, "pg_basebackup"))), None)


@pytest.fixture
def streaming_pair(app):
    """A primary and its hot standby, each a server of its own in a temporary folder.

    The test server's pg_hba.conf may allow no replication connection (Debian's default
    has none for 127.0.0.1), and a base backup of it would copy every test database:
    so the pair is a cluster of its own (initdb), holding a dump of the test database,
    and its standby made by ``pg_basebackup -R``. Both are stopped and removed after."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (pg_ctl, initdb, pg_basebackup); set PG_BINDIR")
    folder = tempfile.mkdtemp(prefix="ejr-")  # short: the sockets live in it
    runas = []
    if os.geteuid() == 0:  # the server refuses to run as root
        runas = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    started = []

    def run(*args, **kwargs):
        return subprocess.run([*runas, *args], check=True, capture_output=True, timeout=25, **kwargs)

    with app.app_context():
        source = db.engine.url
    primary_port, standby_port = free_port(), free_port()
    primary_dir, standby_dir = os.path.join(folder, "primary"), os.path.join(folder, "standby")
    timings = {}
    try:
        t = time.monotonic()
        run(f"{bindir}/initdb", "-D", primary_dir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
            "--locale=C.UTF-8")
        with open(os.path.join(primary_dir, "pg_hba.conf"), "a") as hba:
            hba.write("host replication all 127.0.0.1/32 trust\n")
        run(f"{bindir}/pg_ctl", "-D", primary_dir, "-l", os.path.join(folder, "primary.log"), "-w", "-t", "20",
            "-o", f"-p {primary_port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        started.append(primary_dir)
        timings["initdb and start"] = time.monotonic() - t
        t = time.monotonic()
        name = source.database
        run(f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", name)
        dump = subprocess.run([f"{bindir}/pg_dump", "-h", source.host or "127.0.0.1", "-p", str(source.port or 5432),
                               "-U", source.username or "postgres", "--no-owner", "--no-privileges", name],
                              check=True, capture_output=True, timeout=25).stdout
        run(f"{bindir}/psql", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(primary_port), "-U",
            "postgres", "-d", name, input=dump)
        timings["dump of the test database"] = time.monotonic() - t
        t = time.monotonic()
        run(f"{bindir}/pg_basebackup", "-h", "127.0.0.1", "-p", str(primary_port), "-U", "postgres", "-D",
            standby_dir, "-R", "-X", "stream", "-c", "fast")
        timings["pg_basebackup"] = time.monotonic() - t
        t = time.monotonic()
        run(f"{bindir}/pg_ctl", "-D", standby_dir, "-l", os.path.join(folder, "standby.log"), "-w", "-t", "20",
            "-o", f"-p {standby_port} -k {folder} -c listen_addresses=127.0.0.1 -c hot_standby=on", "start")
        started.append(standby_dir)
        timings["standby accepts connections"] = time.monotonic() - t
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
        _stop(run, bindir, started, folder)
        reason = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"a streaming replica could not be started: {exc} {reason.decode(errors='replace')[-300:]}")
    url = make_url(PG_URL)
    yield {"primary": url.set(host="127.0.0.1", port=primary_port, database=name).render_as_string(False),
           "standby": url.set(host="127.0.0.1", port=standby_port, database=name).render_as_string(False),
           "timings": timings}
    _stop(run, bindir, started, folder)


def _stop(run, bindir, started, folder) -> None:
    for data in reversed(started):
        with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
            run(f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "20", "stop")
    shutil.rmtree(folder, ignore_errors=True)


def _replayed(primary, standby, seconds: float = 10.0) -> bool:
    """Wait until the standby has replayed all the primary has written (bounded)."""
    with primary.connect() as conn:
        lsn = conn.scalar(text("SELECT pg_current_wal_lsn()"))
    deadline = time.monotonic() + seconds
    with standby.connect() as conn:
        while time.monotonic() < deadline:
            if conn.scalar(text("SELECT pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn)"), {"lsn": lsn}):
                return True
            conn.rollback()
            time.sleep(0.05)
    return False


@pytest.mark.skipif(not PG_URL, reason="a streaming replica needs PostgreSQL: set TEST_DATABASE_URL")
def test_a_report_reads_a_streaming_replica(streaming_pair, world):
    from sqlalchemy import create_engine

    from app import create_app

    started = time.monotonic()
    config = {**base_config(streaming_pair["primary"]), "REPORTS_DATABASE_URL": streaming_pair["standby"]}
    papp = create_app(config)
    standby = create_engine(streaming_pair["standby"])
    try:
        _new_learner_on_the_primary(papp, world)  # written on the primary after the standby was made
        with papp.app_context():
            assert _replayed(db.engine, standby), "the standby did not replay the primary's WAL within 10 s"
        client = papp.test_client()
        response = client.post("/login/", data={"username": "deputy1", "password": PASSWORD})
        assert response.status_code == 302
        with _statements(papp) as seen:
            page = client.get(CLASS_FILL + "?run=1").get_data(as_text=True)
        assert [r[:3] for r in _cells(page)] == [["5", "5А", "4"], ["6", "6Б", "1"]]
        with papp.app_context(), replica.engine_of(papp).connect() as conn:
            assert conn.scalar(text("SELECT pg_is_in_recovery()")) is True  # it was the standby that answered
        assert any("learner_group" in s for s in seen["replica"])
        # Writes on the standby are refused by the server itself, whatever the session.
        with papp.app_context(), pytest.raises(Exception, match="read-only transaction"), \
                replica.engine_of(papp).connect() as conn:
            conn.execute(text("UPDATE subject SET name = name"))
    finally:
        standby.dispose()
        replica.dispose(papp)
        dispose(papp)
    timings = {**streaming_pair["timings"], "the test's own part": time.monotonic() - started}
    print("streaming replica:", ", ".join(f"{k} {v:.2f} s" for k, v in timings.items()))
