"""Резервная копия и восстановление (issue 16, item 6): `flask backup --out FILE` holds the
database, the homework files, the archive and the secret key with a manifest of row counts
and checksums; `flask restore FILE` lays them into an empty installation, which then serves
the same diary; a damaged copy or an installation that holds data is refused, nothing changed.
On PostgreSQL (TEST_DATABASE_URL) the same round trip goes through pg_dump and psql."""
from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import tarfile
import uuid

import pytest
from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.pool import NullPool

from app import backup as svc
from app import create_app
from app.extensions import db
from app.models import Homework, HomeworkAttachment
from tests.conftest import PG_URL, base_config, dispose, drop_database, make_database
from tests.world import PASSWORD, TODAY

WEEK = (TODAY + dt.timedelta(days=1 if TODAY.weekday() == 0 else -1)).isoformat()
DUE = TODAY + dt.timedelta(days=3)
ARCHIVED = b"%PDF-1.4 archived journal\n"


def _folders(app, monkeypatch, root):
    """The installation's files in ``root``: instance folder (secret key), uploads, archive."""
    root.mkdir(parents=True, exist_ok=True)
    monkeypatch.setattr(app, "instance_path", str(root))
    app.config["UPLOAD_DIR"] = str(root / "uploads")
    app.config["ARCHIVE_DIR"] = str(root / "archive")


@pytest.fixture
def source(app, client, login, world, monkeypatch, tmp_path):
    """The world with a homework file of the teacher's, an archived file and a secret key."""
    _folders(app, monkeypatch, tmp_path / "source")
    (tmp_path / "source" / "secret_key").write_text("source-secret-key")
    login("teacher1")
    client.post(f"/lesson/{world.org1_lesson}/homework", data={
        "text": "Задание с файлом", "due": DUE.isoformat(), "learner": "",
        "files": [(io.BytesIO("условие задачи".encode()), "условие.pdf")]}, content_type="multipart/form-data")
    pdf = tmp_path / "source" / "archive" / "org1" / "journal.pdf"
    pdf.parent.mkdir(parents=True)
    pdf.write_bytes(ARCHIVED)
    pdf.chmod(0o444)
    return app


@pytest.fixture
def target(tmp_path, monkeypatch):
    """An empty installation: a new database (no schema) and empty folders."""
    url = make_database(f"restore_{uuid.uuid4().hex[:8]}")
    app = create_app(base_config(url))
    _folders(app, monkeypatch, tmp_path / "target")
    yield app
    dispose(app)
    drop_database(url)


def _backup(app, path):
    with app.app_context():  # the command runs in the current app's context: pytest-flask pushes the fixture's
        result = app.test_cli_runner().invoke(args=["backup", "--out", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _restore(app, path, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["restore", str(path), *args])


def _heads(app) -> set[str]:
    from alembic.script import ScriptDirectory

    with app.app_context():
        heads = set(ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_heads())
    assert {head.split("_")[0] for head in heads} >= {"college", "preschool"}
    return heads


def _manifest(path) -> dict:
    with tarfile.open(path, "r:gz") as tar:
        return json.loads(tar.extractfile("manifest.json").read())


def _digests(app) -> dict:
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return svc.table_digests(connection)
    finally:
        engine.dispose()


def _tables(app) -> list[str]:
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    try:
        return inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _repack(path, out, manifest=None, member=None):
    """A copy of the backup with its manifest edited by ``manifest`` or a member's bytes by ``member``."""
    with tarfile.open(path, "r:gz") as tar, tarfile.open(out, "w:gz") as new:
        for item in tar:
            data = tar.extractfile(item).read()
            if item.name == "manifest.json" and manifest:
                edited = json.loads(data)
                manifest(edited)
                data = json.dumps(edited).encode()
            elif member and item.name == member[0]:
                data = member[1]
            item.size = len(data)
            new.addfile(item, io.BytesIO(data))
    return out


def _diary(app, client, world):
    """The parent's week (HTML without the per-response nonce and CSRF token), its JSON and the homework file."""
    page = client.get(f"/diary/?date={WEEK}").get_data(as_text=True)
    page = " ".join(re.sub(r'(nonce|name="csrf-token" content|name="csrf_token" value)="[^"]*"', "", page).split())
    week = client.get(f"/api/v1/diary/{world.org1_child}/week?date={WEEK}").get_json()
    with app.app_context():
        attachment = db.session.scalar(select(HomeworkAttachment.id))
    return page, week, client.get(f"/diary/attachment/{attachment}").data


def test_round_trip_gives_the_same_tables_files_and_diary(source, target, client, login, world, tmp_path):
    path = _backup(source, tmp_path / "copy" / "ejournal.tar.gz")
    assert path.stat().st_mode & 0o777 == 0o600  # it holds the secret key and people's data
    manifest = _manifest(path)
    assert manifest["database"] == ("postgresql" if PG_URL else "sqlite")
    assert set(manifest["alembic_revisions"]) == _heads(source)  # the core's and each plugin's branch
    assert manifest["secret_key"]["file"] == "instance/secret_key"
    assert {"uploads", "archive", "instance"} <= {name.split("/")[0] for name in manifest["files"]}
    assert manifest["tables"]["homework_attachment"]["rows"] == 1

    result = _restore(target, path)

    assert result.exit_code == 0, result.output
    rows = sum(t["rows"] for t in manifest["tables"].values())
    assert f"Восстановлено: таблиц {len(manifest['tables'])}, строк {rows}; проверка пройдена." in result.output
    assert _digests(target) == _digests(source) == manifest["tables"]
    restored = tmp_path / "target"
    assert (restored / "secret_key").read_text() == "source-secret-key"
    assert (restored / "archive" / "org1" / "journal.pdf").read_bytes() == ARCHIVED
    assert (restored / "archive" / "org1" / "journal.pdf").stat().st_mode & 0o777 == 0o444
    with source.app_context():
        stored = db.session.scalar(select(HomeworkAttachment.stored_name))
    assert (restored / "uploads" / stored).read_bytes() == "условие задачи".encode()
    # The restored installation serves the parent the same week, JSON and homework file.
    login("parent1")
    fresh = target.test_client()
    assert fresh.post("/login/", data={"username": "parent1", "password": PASSWORD}).status_code == 302
    page, week, attachment = _diary(target, fresh, world)
    assert (page, week, attachment) == _diary(source, client, world)
    assert "Задание с файлом" in page and attachment == "условие задачи".encode()


def test_damaged_copy_is_refused_and_nothing_changes(source, target, tmp_path):
    path = _backup(source, tmp_path / "ejournal.tar.gz")
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))

    result = _restore(target, damaged)

    assert result.exit_code != 0
    assert "Файл резервной копии повреждён" in result.output and "Ничего не изменено" in result.output
    assert _tables(target) == [] and not (tmp_path / "target" / "uploads").exists()
    assert not (tmp_path / "target" / "secret_key").exists()


def test_a_changed_file_inside_the_copy_is_named(source, target, tmp_path):
    path = _backup(source, tmp_path / "ejournal.tar.gz")
    forged = _repack(path, tmp_path / "forged.tar.gz", member=("archive/org1/journal.pdf", b"%PDF forged"))

    result = _restore(target, forged)

    assert result.exit_code != 0
    assert "контрольная сумма файла «archive/org1/journal.pdf» не совпадает" in result.output
    assert _tables(target) == []


def test_installation_with_data_is_refused_without_force(source, tmp_path):
    path = _backup(source, tmp_path / "ejournal.tar.gz")
    with source.app_context():
        lesson = db.session.scalar(select(Homework.lesson_id))
        db.session.add(Homework(org_id=db.session.scalar(select(Homework.org_id)), lesson_id=lesson,
                                text="Сделано после копии", due_date=DUE))
        db.session.commit()

    refused = _restore(source, path)

    assert refused.exit_code != 0
    assert "Установка не пустая" in refused.output and "--force" in refused.output
    with source.app_context():
        assert db.session.scalar(select(func.count()).select_from(Homework)) == 2

    forced = _restore(source, path, "--force")

    assert forced.exit_code == 0, forced.output
    with source.app_context():
        assert db.session.scalars(select(Homework.text)).all() == ["Задание с файлом"]


def test_copy_of_another_database_kind_is_refused(source, target, tmp_path):
    path = _backup(source, tmp_path / "ejournal.tar.gz")
    other = "sqlite" if PG_URL else "postgresql"
    moved = _repack(path, tmp_path / "other.tar.gz", manifest=lambda m: m.update(database=other))

    result = _restore(target, moved)

    assert result.exit_code != 0
    assert re.search(r"Это копия базы (SQLite|PostgreSQL), а здесь база (SQLite|PostgreSQL)", result.output)
    assert _tables(target) == []


def test_copy_from_a_newer_program_is_refused(source, target, tmp_path):
    path = _backup(source, tmp_path / "ejournal.tar.gz")
    newer = _repack(path, tmp_path / "newer.tar.gz",
                    manifest=lambda m: m.update(alembic_revisions=[*m["alembic_revisions"], "0999"]))

    result = _restore(target, newer)

    assert result.exit_code != 0
    assert "Схема базы в копии (ревизия 0999" in result.output and "более новой версией" in result.output
    assert _tables(target) == []


def test_restore_of_a_missing_file_says_so(target, tmp_path):
    result = _restore(target, tmp_path / "nowhere.tar.gz")

    assert result.exit_code != 0
    assert f"Файла {tmp_path / 'nowhere.tar.gz'} нет." in result.output
    assert not os.path.exists(tmp_path / "target" / "uploads")


def test_installation_fresh_from_init_counts_as_empty(source, target, tmp_path):
    """`flask init` writes the schema, the roles and their permissions: that is no data to lose.
    (Here: a restored installation emptied down to those, quicker than every migration.)"""
    from sqlalchemy import MetaData

    path = _backup(source, tmp_path / "ejournal.tar.gz")
    assert _restore(target, path).exit_code == 0
    kept = {"alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
            "ab_permission_view_role"}
    engine = create_engine(target.config["SQLALCHEMY_DATABASE_URI"], poolclass=NullPool)
    with engine.begin() as connection:
        metadata = MetaData()
        metadata.reflect(bind=connection)
        emptied = [table for name, table in metadata.tables.items() if name not in kept]
        if PG_URL:
            connection.execute(text("TRUNCATE " + ", ".join(f'"{table.name}"' for table in emptied)))
        else:  # SQLite checks no foreign keys here
            for table in emptied:
                connection.execute(table.delete())
    engine.dispose()
    for folder in ("uploads", "archive"):
        shutil.rmtree(tmp_path / "target" / folder, onerror=lambda f, p, _e: (os.chmod(p, 0o700), f(p)))

    result = _restore(target, path)

    assert result.exit_code == 0, result.output
    assert _digests(target) == _manifest(path)["tables"]
