"""Архив журналов и ведомостей (R16): the Завуч hands the year over into PDF files with
SHA-256, signed off by name and date; the files do not change, are kept until the
keep periods of seed 001 (журналы 5 лет, сводные ведомости успеваемости 25 лет), are
downloaded by the administration of their organisation only, and a changed file is found."""
from __future__ import annotations

import datetime as dt
import hashlib
import os

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AcademicYear, ArchiveBatch, ArchiveFile, AuditEntry, Organisation
from app.services import archive as svc
from tests.conftest import count_queries
from tests.world import TODAY, YEAR_END


@pytest.fixture
def archive_dir(app, tmp_path):
    folder = tmp_path / "archive"
    app.config["ARCHIVE_DIR"] = str(folder)
    return folder


def _freeze(client, world, org="org1"):
    return client.post("/archive/freeze", data={"year": str(world.ids[f"{org}_year"])})


def _files(app):
    with app.app_context():
        return [(f.id, f.kind, f.group_id, f.path, f.sha256, f.size, f.keep_until)
                for f in db.session.scalars(select(ArchiveFile).order_by(ArchiveFile.id))]


def _rewrite(path, data: bytes = b"%PDF-1.4 forged\n"):
    os.chmod(path, 0o644)
    with open(path, "wb") as f:
        f.write(data)


def test_deputy_freezes_the_year_into_signed_files(app, client, login, world, archive_dir):
    login("deputy1")
    response = _freeze(client, world)
    assert response.status_code == 302
    page = client.get("/archive/").get_data(as_text=True)
    assert "сданы в архив" in page and "Проверить целостность" in page
    assert "Все учебные годы уже сданы в архив" in page
    files = _files(app)
    # Each class of the year: its journal, its attainment and attendance ledgers.
    assert sorted((kind, group) for _i, kind, group, *_rest in files) == sorted(
        (kind, g) for g in (world.org1_group, world.org1_other_group)
        for kind in ("journal", "attainment_ledger", "attendance_ledger"))
    for _id, kind, _group, path, sha, size, keep_until in files:
        full = archive_dir / path
        data = full.read_bytes()
        assert data.startswith(b"%PDF") and len(data) == size
        assert hashlib.sha256(data).hexdigest() == sha
        assert not os.access(full, os.W_OK) or os.geteuid() == 0
        assert full.stat().st_mode & 0o777 == 0o444
        years = {"journal": 5, "attendance_ledger": 5, "attainment_ledger": 25}[kind]
        assert keep_until == YEAR_END.replace(year=YEAR_END.year + years)
    with app.app_context():
        batch = db.session.scalar(select(ArchiveBatch))
        assert (batch.org_id, batch.year_id, batch.signed_on) == (world.org1, world.org1_year, TODAY)
        assert (batch.signed_by, batch.account_id) == ("Тестов Deputy1", world.user_deputy1)
        manifest = (archive_dir / batch.directory / svc.MANIFEST).read_bytes()
        assert hashlib.sha256(manifest).hexdigest() == batch.manifest_sha256
        text = manifest.decode()
        assert all(f"{sha}  {size}  {os.path.basename(path)}" in text for _i, _k, _g, path, sha, size, _d in files)
        assert svc.verify(db.session, batch) == []
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "ArchiveBatch"))
        assert entry.action == "insert" and entry.username == "deputy1"
    # The page lists them with their keep-until dates; a file downloads as it was archived.
    assert (YEAR_END.replace(year=YEAR_END.year + 25)).strftime("%d.%m.%Y") in page
    file_id, *_rest, path, sha, _size, _keep = files[0]
    download = client.get(f"/archive/file/{file_id}")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert hashlib.sha256(download.data).hexdigest() == sha


def test_keep_periods_follow_the_rule_settings(app, client, login, world, archive_dir):
    with app.app_context():
        org = db.session.get(Organisation, world.org1)
        org.settings = {**(org.settings or {}), "core": {"ledger_keep_years": 75, "journal_keep_years": 6}}
        db.session.commit()
    login("deputy1")
    _freeze(client, world)
    kept = {kind: keep for _i, kind, _g, _p, _s, _z, keep in _files(app)}
    assert kept == {"journal": YEAR_END.replace(year=YEAR_END.year + 6),
                    "attendance_ledger": YEAR_END.replace(year=YEAR_END.year + 6),
                    "attainment_ledger": YEAR_END.replace(year=YEAR_END.year + 75)}


def test_teacher_may_neither_freeze_nor_list(app, client, login, world, archive_dir):
    login("teacher1")
    assert client.get("/archive/").status_code == 403
    assert _freeze(client, world).status_code == 403
    for reader in ("director1", "admin1"):
        login(reader)
        assert client.get("/archive/").status_code == 200
        assert "Сдать в архив" not in client.get("/archive/").get_data(as_text=True)
        assert _freeze(client, world).status_code == 403
    assert _files(app) == []
    assert not archive_dir.exists() or not any(archive_dir.rglob("*.pdf"))


def test_another_organisations_admin_gets_404(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    file_id = _files(app)[0][0]
    login("admin3")
    assert client.get(f"/archive/file/{file_id}").status_code == 404
    assert "5А" not in client.get("/archive/").get_data(as_text=True)
    login("admin1")
    assert client.get(f"/archive/file/{file_id}").status_code == 200


def test_a_changed_file_is_found_and_shown(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    files = _files(app)
    changed_id, changed_path = files[1][0], archive_dir / files[1][3]
    _rewrite(changed_path)
    missing_path = archive_dir / files[2][3]
    os.remove(missing_path)
    with app.app_context():
        batch = db.session.scalar(select(ArchiveBatch))
        found = {(d.file.id if d.file else None, d.reason) for d in svc.verify(db.session, batch)}
    assert found == {(changed_id, "changed"), (files[2][0], "missing")}
    page = client.get("/archive/?verify=1").get_data(as_text=True)
    assert "Целостность нарушена" in page
    assert page.count('class="danger text-danger"') == 2 and "изменён" in page and "отсутствует" in page
    # A changed file is not handed out as the archived one.
    response = client.get(f"/archive/file/{changed_id}")
    assert response.status_code == 302
    result = app.test_cli_runner().invoke(args=["archive", "verify", "--org", "Школа № 1", "--year", "2026/2027"])
    assert result.exit_code == 1 and "Целостность архива нарушена" in result.output


def test_a_changed_record_is_found_through_the_manifest(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    file_id, *_rest, path, _sha, _size, _keep = _files(app)[0]
    forged = b"%PDF-1.4 forged\n"
    _rewrite(archive_dir / path, forged)
    with app.app_context():  # the record is forged behind the application's back
        db.session.execute(ArchiveFile.__table__.update().where(ArchiveFile.id == file_id).values(
            sha256=hashlib.sha256(forged).hexdigest(), size=len(forged)))
        db.session.commit()
        batch = db.session.scalar(select(ArchiveBatch))
        assert [(d.file.id, d.reason) for d in svc.verify(db.session, batch)] == [(file_id, "changed")]


def test_archived_rows_do_not_change(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    with app.app_context():
        f = db.session.scalar(select(ArchiveFile))
        f.sha256 = "0" * 64
        with pytest.raises(Exception, match="не изменяются"):
            db.session.flush()
        db.session.rollback()
        batch = db.session.scalar(select(ArchiveBatch))
        db.session.delete(batch)
        with pytest.raises(Exception, match="не изменяются"):
            db.session.flush()
        db.session.rollback()


def test_freezing_twice_is_refused(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    before = sorted(p for p in archive_dir.rglob("*"))
    files = len(_files(app))
    response = _freeze(client, world)
    assert response.status_code == 302
    page = client.get("/archive/").get_data(as_text=True)
    assert "Журналы этого учебного года уже сданы в архив" in page
    assert len(_files(app)) == files and sorted(p for p in archive_dir.rglob("*")) == before
    with app.app_context():
        assert db.session.scalar(select(func.count(ArchiveBatch.id))) == 1
    result = app.test_cli_runner().invoke(args=["archive", "freeze", "--org", "Школа № 1", "--year", "2026/2027",
                                                "--user", "deputy1"])
    assert result.exit_code == 1 and "уже сданы в архив" in result.output
    assert sorted(p for p in archive_dir.rglob("*")) == before


def test_cli_freezes_and_verifies(app, world, archive_dir):
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["archive", "freeze", "--org", "Школа № 1", "--year", "2026/2027",
                                  "--user", "teacher1"])
    assert refused.exit_code == 1 and "не разрешено" in refused.output
    result = runner.invoke(args=["archive", "freeze", "--org", str(world.org1), "--year", "2026/2027",
                                 "--user", "deputy1"])
    assert result.exit_code == 0, result.output
    assert "сдан в архив: файлов 6" in result.output
    result = runner.invoke(args=["archive", "verify", "--org", "Школа № 1", "--year", "2026/2027"])
    assert result.exit_code == 0 and "все совпадают" in result.output
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.entity == "ArchiveBatch"))
        assert entry.username == "deputy1"


def test_the_page_runs_a_fixed_number_of_queries(app, client, login, world, archive_dir):
    login("deputy1")
    _freeze(client, world)
    client.get("/archive/?verify=1")
    with count_queries(app) as small:
        assert client.get("/archive/?verify=1").status_code == 200
    with app.app_context():  # more files and another year's batch, as a large school has
        batch = db.session.scalar(select(ArchiveBatch))
        year = AcademicYear(org_id=world.org1, name="2025/2026", start=dt.date(2025, 9, 1), end=dt.date(2026, 6, 30))
        db.session.add(year)
        db.session.flush()
        db.session.execute(ArchiveBatch.__table__.insert().values(
            org_id=world.org1, year_id=year.id, created_at=dt.datetime(2026, 6, 30), signed_by="Завучева А. А.",
            signed_on=dt.date(2026, 6, 30), directory=batch.directory, manifest_sha256=batch.manifest_sha256))
        fields = ("batch_id", "org_id", "group_id", "kind", "title", "file_name", "path", "size", "sha256",
                  "keep_until")
        rows = [{k: getattr(f, k) for k in fields} for f in db.session.scalars(select(ArchiveFile))]
        db.session.execute(ArchiveFile.__table__.insert(), rows * 5)
        db.session.commit()
    client.get("/archive/?verify=1")  # the new year is read once into the reference cache (app/reference.py)
    with count_queries(app) as large:
        assert client.get("/archive/?verify=1").status_code == 200
    assert large["n"] == small["n"]


def test_freezing_runs_as_a_job_when_the_jobs_know_it(app, client, login, world, archive_dir, monkeypatch):
    """With the kind «archive» among the jobs' handlers the page hands the work to a worker
    (run at once under TESTING) and the batch is the same as frozen in the request."""
    from app.jobs import runner
    from app.jobs.archive import HANDLER, KIND
    from app.models import Job

    known = runner.handlers
    monkeypatch.setattr(runner, "handlers", lambda: {**known(), KIND: HANDLER})
    login("deputy1")
    assert _freeze(client, world).status_code == 302
    assert "сданы в архив" in client.get("/archive/").get_data(as_text=True)
    with app.app_context():
        job = db.session.scalar(select(Job).where(Job.kind == KIND))
        assert job.status == "done", job.message
        batch = db.session.scalar(select(ArchiveBatch))
        assert batch.account_id == world.user_deputy1 and svc.verify(db.session, batch) == []
    assert len(_files(app)) == 6
    assert _freeze(client, world).status_code == 302  # the second time: refused before any job
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id)).where(Job.kind == KIND)) == 1


def test_a_college_hands_over_its_group_ledgers(app, world, archive_dir):
    """A college's study groups: the report of its plugin (the group ledger, by semester), 25 years."""
    from app.models import Period

    with app.app_context():  # the world's college has a quarter only: give it its first semester
        db.session.add(Period(org_id=world.org2, year_id=world.org2_year, plugin="college", type_code="semester",
                              name="1 семестр", start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 31), order=1))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["archive", "freeze", "--org", "Техникум № 2", "--year", "2026/2027",
                                                "--user", "sysadmin"])
    assert result.exit_code == 0, result.output
    files = _files(app)
    assert {(kind, group) for _i, kind, group, *_rest in files} == {
        ("attainment_ledger", world.org2_group), ("attainment_ledger", world.org2_other_group)}
    assert {keep for *_rest, keep in files} == {YEAR_END.replace(year=YEAR_END.year + 25)}
