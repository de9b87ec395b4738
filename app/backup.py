"""Резервная копия и восстановление (issue 16, item 6): the state of an installation is
its database, the homework files (``UPLOAD_DIR``), the year-end archive (``ARCHIVE_DIR``)
and the secret key in the instance folder; one ``.tar.gz`` holds them all.

Inside the file::

    manifest.json              what is inside, with row counts and checksums
    database/ejournal.sqlite   SQLite: a copy by SQLite's online backup API
    database/ejournal.pgdump   PostgreSQL: ``pg_dump --format=custom``
    uploads/…                  the homework files
    archive/…                  the archived PDF files and their MANIFEST.txt
    instance/secret_key        the secret key (when it is kept in a file)

The manifest names every file with its SHA-256, size and mode, and every table with
its row count and checksum. A table's checksum is the sum modulo 2**256 of the
SHA-256 of its rows (each row as JSON, values normalised: dates in ISO form,
numbers without trailing zeros, binary in hex): the order of rows does not matter,
so a table without a primary key or a collation that orders text differently gives
the same sum. The counts and checksums of a PostgreSQL backup are taken in the very
snapshot ``pg_dump`` dumps (``pg_export_snapshot``), of a SQLite backup from the copy.

A restore reads the whole file first and refuses it, changing nothing, when a file's
checksum differs, the backup is of another kind of database, or its schema is newer
than this program; it refuses an installation that holds data unless forced. Then it
lays the database down (SQLite: the copy replaces the file at once; PostgreSQL: the
old tables are dropped and the dump loaded in one transaction by ``psql``), the files
and the key, and counts and sums the restored tables again.
"""
from __future__ import annotations

import glob
import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import MetaData, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from . import clock
from .exceptions import EjournalError

FORMAT = "ejournal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/ejournal.sqlite"
PG_MEMBER = "database/ejournal.pgdump"
SECRET_MEMBER = "instance/secret_key"
FOLDERS = {"uploads": "UPLOAD_DIR", "archive": "ARCHIVE_DIR"}  # member prefix → setting
# What `flask --app app init` writes into a new database: the schema's revisions, the roles
# and their permissions, the audit of that and the roles' token (app/scoping/cache.py). A database
# with rows elsewhere holds data.
INIT_TABLES = frozenset({"alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
                         "ab_permission_view_role", "audit_entry", "scope_epoch"})
_CHUNK = 1 << 20


class BackupError(EjournalError):
    """A backup or a restore that cannot be done; the message says why, in Russian."""


@dataclass
class RestoreResult:
    tables: int
    rows: int
    files: int
    warnings: list[str] = field(default_factory=list)


# --- where things are ---------------------------------------------------------------------

def database_url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def backend_of(url) -> str:
    name = url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise BackupError(_("Резервное копирование умеет SQLite и PostgreSQL, а база здесь — %(name)s.", name=name))
    return name


def folder(setting: str) -> Path:
    default = {"UPLOAD_DIR": "uploads", "ARCHIVE_DIR": "archive"}[setting]
    return Path(current_app.config.get(setting) or Path(current_app.instance_path) / default)


def secret_key_path() -> Path:
    return Path(current_app.instance_path) / "secret_key"


def _sqlite_path(url) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError(_("База SQLite в памяти: копировать и восстанавливать нечего."))
    return Path(url.database)


# --- checksums ----------------------------------------------------------------------------

def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(_CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def _plain(value):
    """A value as JSON that SQLite and PostgreSQL give alike for the same data."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def table_digests(connection) -> dict[str, dict]:
    """Every table of the database: {"rows": count, "sha256": the sum of its rows' SHA-256}."""
    metadata = MetaData()
    metadata.reflect(bind=connection)
    found = {}
    for name in sorted(metadata.tables):
        table = metadata.tables[name]
        columns = sorted(table.columns, key=lambda c: c.name)
        names = [c.name for c in columns]
        total, count = 0, 0
        result = connection.execution_options(yield_per=2000).execute(select(*columns))
        for row in result:
            line = json.dumps(dict(zip(names, map(_plain, row), strict=True)), ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            total = (total + int.from_bytes(hashlib.sha256(line.encode("utf-8")).digest(), "big")) % (1 << 256)
            count += 1
        found[name] = {"rows": count, "sha256": f"{total:064x}"}
    return found


def _revisions(connection) -> list[str]:
    from alembic.runtime.migration import MigrationContext

    return sorted(MigrationContext.configure(connection).get_current_heads())


# --- PostgreSQL tools ---------------------------------------------------------------------

def pg_tool(name: str) -> str:
    """``pg_dump``, ``pg_restore`` or ``psql``: from PG_BIN_DIR, the PATH, or the newest
    /usr/lib/postgresql/<version>/bin."""
    configured = current_app.config.get("PG_BIN_DIR") or os.environ.get("PG_BIN_DIR")
    if configured and (Path(configured) / name).is_file():
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1]
    raise BackupError(_("Не найдена программа %(name)s: установите клиент PostgreSQL (пакет postgresql-client) "
                        "или укажите папку с ним в PG_BIN_DIR.", name=name))


def _libpq(url) -> tuple[str, dict]:
    """The SQLAlchemy URL as libpq takes it (postgresql://…, no password) and the environment
    carrying the password, which is thus never seen in the list of processes."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict, what: str) -> None:
    done = subprocess.run(args, check=False, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout or "").strip().splitlines()
        raise BackupError(_("%(what)s: ошибка (код %(code)s). %(detail)s", what=what, code=done.returncode,
                            detail=" ".join(detail[-3:])))


# --- backup -------------------------------------------------------------------------------

class _Hashing:
    """A file read for the tar: the SHA-256 of exactly the bytes that went in."""

    def __init__(self, f):
        self.f, self.digest = f, hashlib.sha256()

    def read(self, size=-1):
        block = self.f.read(size)
        self.digest.update(block)
        return block


def _add_file(tar: tarfile.TarFile, files: dict, member: str, path: Path) -> None:
    info = tar.gettarinfo(str(path), arcname=member)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    with open(path, "rb") as f:
        reader = _Hashing(f)
        tar.addfile(info, reader)
    files[member] = {"sha256": reader.digest.hexdigest(), "size": info.size, "mode": f"{info.mode & 0o777:o}"}


def _folder_files(root: Path) -> list[tuple[str, Path]]:
    if not root.is_dir():
        return []
    found = []
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        for name in sorted(names):
            path = Path(directory) / name
            if path.is_file() and not path.is_symlink():
                found.append((path.relative_to(root).as_posix(), path))
    return found


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ejournal")
    except PackageNotFoundError:
        return "?"


def create_backup(out: Path) -> dict:
    """Write the backup of this installation to ``out`` (atomically) and return its manifest."""
    from .extensions import db

    url = database_url()
    backend = backend_of(url)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    db.session.remove()
    with tempfile.TemporaryDirectory(prefix="ejournal-backup-") as work:
        work = Path(work)
        if backend == "sqlite":
            source = _sqlite_path(url)
            if not source.is_file():
                raise BackupError(_("Файла базы данных %(path)s нет.", path=source))
            dump, member = work / "ejournal.sqlite", SQLITE_MEMBER
            src, dst = sqlite3.connect(source), sqlite3.connect(dump)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            engine = create_engine(f"sqlite:///{dump}", poolclass=NullPool)
            try:
                with engine.connect() as connection:
                    revisions, tables = _revisions(connection), table_digests(connection)
            finally:
                engine.dispose()
        else:
            dump, member = work / "ejournal.pgdump", PG_MEMBER
            pg_dump = pg_tool("pg_dump")
            libpq_url, env = _libpq(url)
            engine = create_engine(url, poolclass=NullPool)
            try:
                with engine.connect() as connection:
                    connection = connection.execution_options(isolation_level="REPEATABLE READ")
                    with connection.begin():
                        snapshot = connection.execute(text("SELECT pg_export_snapshot()")).scalar()
                        _run([pg_dump, "--format=custom", f"--snapshot={snapshot}", "--file", str(dump),
                              "--dbname", libpq_url], env, _("Выгрузка базы (pg_dump)"))
                        revisions, tables = _revisions(connection), table_digests(connection)
            finally:
                engine.dispose()
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": clock.now().isoformat(timespec="seconds") + "Z",
            "app_version": _app_version(),
            "database": backend,
            "alembic_revisions": revisions,
            "table_checksum": "сумма SHA-256 строк (JSON, ключи по алфавиту) по модулю 2^256",
            "tables": tables,
            "files": {},
        }
        partial = out.with_name(f".{out.name}.{secrets.token_hex(4)}.part")
        try:
            # The members go into a plain tar first, their sums taken from the very bytes
            # written; the compressed file then starts with the manifest and the members follow.
            body = work / "body.tar"
            files: dict[str, dict] = {}
            with tarfile.open(body, "w") as tar:
                _add_file(tar, files, member, dump)
                for prefix, setting in FOLDERS.items():
                    for relative, path in _folder_files(folder(setting)):
                        _add_file(tar, files, f"{prefix}/{relative}", path)
                key = secret_key_path()
                if key.is_file():
                    _add_file(tar, files, SECRET_MEMBER, key)
                manifest["secret_key"] = {
                    "file": SECRET_MEMBER if key.is_file() else None,
                    "environment": bool(os.environ.get("SECRET_KEY")),
                    "note": "Файл содержит секретный ключ приложения (подпись сессий и ссылок): "
                            "храните резервную копию как пароль. Ключ из переменной окружения SECRET_KEY "
                            "в копию не входит.",
                }
            manifest["files"] = files
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(manifest_bytes), 0o600, int(clock.now().timestamp())
                tar.addfile(info, io.BytesIO(manifest_bytes))
                with tarfile.open(body, "r") as inner:
                    for item in inner:
                        tar.addfile(item, inner.extractfile(item))
            os.replace(partial, out)
        finally:
            if partial.exists():
                partial.unlink()
    return manifest


# --- reading a backup ---------------------------------------------------------------------

def _corrupt(detail: str) -> BackupError:
    return BackupError(_("Файл резервной копии повреждён: %(detail)s. Ничего не изменено.", detail=detail))


def read_backup(path: Path, work: Path) -> dict:
    """Unpack ``path`` into ``work`` and check it against its manifest; returns the manifest.
    Any difference is a refusal (nothing outside ``work`` is touched)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Файла %(path)s нет.", path=path))
    try:
        with tarfile.open(path, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(_("%(path)s — не резервная копия электронного журнала.", path=path))
            manifest = json.loads(tar.extractfile(first).read().decode("utf-8"))
            if manifest.get("format") != FORMAT:
                raise BackupError(_("%(path)s — не резервная копия электронного журнала.", path=path))
            if manifest.get("format_version") != FORMAT_VERSION:
                raise BackupError(_("Резервная копия другого формата (версия %(v)s): её восстанавливает "
                                    "другая версия программы.", v=manifest.get("format_version")))
            expected = manifest.get("files") or {}
            seen = set()
            for item in iter(tar.next, None):
                name = item.name
                pure = PurePosixPath(name)
                if name not in expected or not item.isfile() or pure.is_absolute() or ".." in pure.parts:
                    raise _corrupt(_("лишний файл «%(name)s»", name=name))
                target = work / pure
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                source = tar.extractfile(item)
                with open(target, "wb") as f:
                    while block := source.read(_CHUNK):
                        digest.update(block)
                        f.write(block)
                if digest.hexdigest() != expected[name]["sha256"] or item.size != expected[name]["size"]:
                    raise _corrupt(_("контрольная сумма файла «%(name)s» не совпадает", name=name))
                seen.add(name)
    except BackupError:
        raise
    except (tarfile.TarError, gzip.BadGzipFile, EOFError, zlib.error, UnicodeDecodeError, ValueError, KeyError,
            TypeError, AttributeError):
        raise _corrupt(_("его не удаётся распаковать")) from None
    except OSError as exc:
        raise BackupError(_("Не удалось распаковать резервную копию во временную папку %(work)s: %(error)s. "
                            "Ничего не изменено.", work=work, error=exc.strerror or exc)) from None
    missing = sorted(set(expected) - seen)
    if missing:
        raise _corrupt(_("нет файла «%(name)s»", name=missing[0]))
    if SQLITE_MEMBER not in expected and PG_MEMBER not in expected:
        raise _corrupt(_("в нём нет базы данных"))
    return manifest


# --- the target ---------------------------------------------------------------------------

def installation_contents() -> list[str]:
    """What this installation already holds: tables with rows (beyond what `init` writes)
    and files; empty when a restore may go ahead without --force."""
    url = database_url()
    held = []
    if backend_of(url) == "sqlite" and not _sqlite_path(url).exists():
        tables = {}
    else:
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.connect() as connection:
                metadata = MetaData()
                metadata.reflect(bind=connection)
                tables = {name: connection.execute(select(func.count()).select_from(table)).scalar()
                          for name, table in metadata.tables.items() if name not in INIT_TABLES}
        finally:
            engine.dispose()
    full = sorted(name for name, count in tables.items() if count)
    if full:
        held.append(_("в базе есть данные (таблиц с записями: %(n)s, например %(name)s)", n=len(full), name=full[0]))
    for setting in FOLDERS.values():
        if _folder_files(folder(setting)):
            held.append(_("в папке %(path)s есть файлы", path=folder(setting)))
    return held


def _check_revisions(manifest: dict) -> bool:
    """Refuses a schema newer than this program's; True when it is at every head of it."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = current_app.extensions["migrate"].migrate.get_config()
    script = ScriptDirectory.from_config(config)
    for revision in manifest.get("alembic_revisions") or []:
        try:
            known = script.get_revision(revision)
        except CommandError:
            known = None
        if known is None:
            raise BackupError(_("Схема базы в копии (ревизия %(rev)s, версия программы %(version)s) здесь неизвестна: "
                                "копия сделана более новой версией или с модулем, который здесь не включён. "
                                "Обновите программу или включите модуль. Ничего не изменено.",
                                version=manifest.get("app_version"), rev=revision))
    return set(manifest.get("alembic_revisions") or []) == set(script.get_heads())


# --- restore ------------------------------------------------------------------------------

def _restore_sqlite(url, dump: Path) -> None:
    target = _sqlite_path(url)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restore")
    shutil.copyfile(dump, partial)
    os.chmod(partial, 0o600)
    for suffix in ("-wal", "-shm", "-journal"):  # a journal of the old file would be applied to the new one
        stale = target.with_name(target.name + suffix)
        if stale.exists():
            stale.unlink()
    os.replace(partial, target)


_DROP_OLD = """SET lock_timeout = '15s';
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') LOOP
    EXECUTE format('DROP %s IF EXISTS %I CASCADE',
                   CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW'
                                  WHEN 'S' THEN 'SEQUENCE' ELSE 'TABLE' END, r.relname);
  END LOOP;
END $$;
"""


def _restore_postgresql(url, dump: Path, work: Path) -> None:
    """The old tables dropped and the dump loaded in one transaction: all or nothing."""
    script = work / "restore.sql"
    prefix = work / "drop.sql"
    prefix.write_text(_DROP_OLD, encoding="utf-8")
    _run([pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", str(script), str(dump)],
         dict(os.environ), _("Чтение выгрузки базы (pg_restore)"))
    libpq_url, env = _libpq(url)
    _run([pg_tool("psql"), "--no-psqlrc", "--quiet", "--set", "ON_ERROR_STOP=1", "--single-transaction",
          "--file", str(prefix), "--file", str(script), "--dbname", libpq_url], env,
         _("Загрузка базы (psql; приложение и фоновые задания на это время остановите)"))


def _writable(function, path, _exc) -> None:
    os.chmod(path, 0o700 if os.path.isdir(path) else 0o600)
    function(path)


def _restore_folder(manifest: dict, work: Path, prefix: str, target: Path) -> int:
    """The folder laid down anew beside ``target`` and put in its place."""
    members = sorted(name for name in manifest["files"] if name.startswith(prefix + "/"))
    if not members and not target.exists():
        return 0
    target.parent.mkdir(parents=True, exist_ok=True)
    fresh = target.with_name(f".{target.name}.{secrets.token_hex(4)}.restore")
    fresh.mkdir(mode=0o755)
    for name in members:
        path = fresh / PurePosixPath(name).relative_to(prefix)
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / name, path)
        os.chmod(path, int(manifest["files"][name].get("mode") or "644", 8))
    if target.exists():
        old = target.with_name(f".{target.name}.{secrets.token_hex(4)}.old")
        os.replace(target, old)
        os.replace(fresh, target)
        shutil.rmtree(old, onerror=_writable)
    else:
        os.replace(fresh, target)
    return len(members)


def _restore_secret(manifest: dict, work: Path) -> list[str]:
    if SECRET_MEMBER not in manifest["files"]:
        return [_("Секретного ключа в копии нет (он был задан переменной SECRET_KEY): задайте тот же ключ здесь.")]
    path = secret_key_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write((work / SECRET_MEMBER).read_bytes())
    os.replace(partial, path)
    if os.environ.get("SECRET_KEY"):
        return [_("Ключ из копии записан в %(path)s, но здесь ключ задан переменной SECRET_KEY: уберите её "
                  "или задайте в ней тот же ключ.", path=path)]
    return []


def verify_installation(manifest: dict) -> tuple[int, int]:
    """The database and the files here against the manifest: (tables, rows), or a refusal."""
    engine = create_engine(database_url(), poolclass=NullPool)
    try:
        with engine.connect() as connection:
            tables = table_digests(connection)
    finally:
        engine.dispose()
    expected = manifest["tables"]
    if set(tables) != set(expected):
        differ = sorted(set(tables) ^ set(expected))
        raise BackupError(_("Проверка не пройдена: состав таблиц отличается от копии (%(names)s).",
                            names=", ".join(differ[:5])))
    for name in sorted(expected):
        if tables[name] != expected[name]:
            raise BackupError(_("Проверка не пройдена: таблица %(name)s — строк %(rows)s, в копии %(expected)s, "
                                "или не совпала контрольная сумма.", name=name, rows=tables[name]["rows"],
                                expected=expected[name]["rows"]))
    for name, spec in manifest["files"].items():
        prefix, _sep, relative = name.partition("/")
        if prefix in FOLDERS:
            path = folder(FOLDERS[prefix]) / relative
        elif name == SECRET_MEMBER:
            path = secret_key_path()
        else:
            continue
        if not path.is_file() or file_sha256(path) != spec["sha256"]:
            raise BackupError(_("Проверка не пройдена: файл %(path)s отличается от копии.", path=path))
    return len(tables), sum(t["rows"] for t in tables.values())


def restore_backup(path: Path, force: bool = False) -> RestoreResult:
    """Restore the backup ``path`` into this installation (see the module's docstring)."""
    from .extensions import db

    url = database_url()
    backend = backend_of(url)
    with tempfile.TemporaryDirectory(prefix="ejournal-restore-") as work:
        work = Path(work)
        manifest = read_backup(Path(path), work)
        source = manifest.get("database")
        if source != backend:
            names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
            raise BackupError(_("Это копия базы %(source)s, а здесь база %(target)s: копия восстанавливается только "
                                "в базу того же вида. Ничего не изменено.", source=names.get(source, source),
                                target=names[backend]))
        current = _check_revisions(manifest)
        if backend == "sqlite":
            # The copy itself is checked before it replaces anything.
            engine = create_engine(f"sqlite:///{work / SQLITE_MEMBER}", poolclass=NullPool)
            try:
                with engine.connect() as connection:
                    if table_digests(connection) != manifest["tables"]:
                        raise _corrupt(_("данные базы не совпадают с контрольными суммами"))
            finally:
                engine.dispose()
        else:
            pg_tool("pg_restore")
            pg_tool("psql")
        if not force:
            held = installation_contents()
            if held:
                raise BackupError(_("Установка не пустая: %(what)s. Восстановление заменит всё это; если так и "
                                    "задумано, повторите с --force. Ничего не изменено.", what="; ".join(held)))
        db.session.remove()
        db.engine.dispose()
        if backend == "sqlite":
            _restore_sqlite(url, work / SQLITE_MEMBER)
        else:
            _restore_postgresql(url, work / PG_MEMBER, work)
        files = sum(_restore_folder(manifest, work, prefix, folder(setting)) for prefix, setting in FOLDERS.items())
        warnings = _restore_secret(manifest, work)
        if not current:
            warnings.append(_("Копия сделана более старой версией программы: обновите схему базы командой "
                              "`flask --app app init`."))
        db.engine.dispose()
        tables, rows = verify_installation(manifest)
    return RestoreResult(tables=tables, rows=rows, files=files, warnings=warnings)
