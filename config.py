"""Configuration of ejournal, read from environment variables.

Every setting has a safe default for a developer's machine; production sets the
environment. Nothing secret lives in this file: the secret key is generated on
first run and kept in the instance folder, outside version control.
"""
from __future__ import annotations

import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
# A checkout keeps its instance folder at its top level. An installed wheel carries this
# file as app/default_config.py (see app/resources.py); its instance folder is then the
# environment's, where Flask keeps an installed application's: site-packages may be
# read-only and is replaced on upgrade, and the current directory changes between runs.
_DEFAULT_INSTANCE_DIR = (Path(sys.prefix) / "var" / "ejournal-instance" if __package__
                         else BASE_DIR / "instance")
INSTANCE_DIR = Path(os.environ.get("EJOURNAL_INSTANCE_DIR", _DEFAULT_INSTANCE_DIR))


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """The key from SECRET_KEY, or one generated once and stored in the instance folder."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


SQLALCHEMY_DATABASE_URI = os.environ.get(
    "DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'ejournal.db'}"
)
SQLALCHEMY_TRACK_MODIFICATIONS = False
# A streaming replica of DATABASE_URL (PostgreSQL hot standby) the reports read, page and
# jobs alike, read-only and under the user's scope (app/replica.py); unset: the primary.
REPORTS_DATABASE_URL = os.environ.get("REPORTS_DATABASE_URL", "")
SECRET_KEY = _secret_key()

# Sessions: «Выход» ends the session; cookies are not sent cross-site.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = os.environ.get("SESSION_COOKIE_SAMESITE", "Lax")
SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
# How many reverse proxies stand in front of the app (nginx: 1): their X-Forwarded-For,
# -Proto and -Host are believed, a client's own are not. 0: served directly.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
PERMANENT_SESSION_LIFETIME = timedelta(
    minutes=int(os.environ.get("SESSION_LIFETIME_MINUTES", "480"))
)
REMEMBER_COOKIE_DURATION = timedelta(days=0)

# Login throttling (app/throttle.py): wrong passwords are counted per account (a browser
# that has logged in to it keeps its own allowance: a device cookie of
# LOGIN_DEVICE_COOKIE_DAYS), past the allowance every further try waits
# LOGIN_DELAY_SECONDS, doubled with every failure up to LOGIN_DELAY_MAX_MINUTES; per
# address only failures count, at a level no classroom reaches. Successful logins never
# count. Worker processes share the counters in Redis: LOGIN_THROTTLE_STORAGE_URI, else
# REDIS_URL; without either, each process counts for itself.
LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("LOGIN_FAILURES_PER_ACCOUNT", "10"))
LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURES_PER_ADDRESS", "100"))
LOGIN_FAILURES_WINDOW_MINUTES = float(os.environ.get("LOGIN_FAILURES_WINDOW_MINUTES", "15"))
LOGIN_DELAY_SECONDS = float(os.environ.get("LOGIN_DELAY_SECONDS", "60"))
LOGIN_DELAY_MAX_MINUTES = float(os.environ.get("LOGIN_DELAY_MAX_MINUTES", "15"))
LOGIN_DEVICE_COOKIE_DAYS = int(os.environ.get("LOGIN_DEVICE_COOKIE_DAYS", "365"))
LOGIN_THROTTLE_STORAGE_URI = os.environ.get("LOGIN_THROTTLE_STORAGE_URI", "")
# FAB's own limiter (Flask-Limiter) counted every login POST of an address, successful
# ones too (10 per 20 s refused a class): off for the login, ours counts instead.
AUTH_RATE_LIMITED = _bool("AUTH_RATE_LIMITED", False)
RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per 20 second")
RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")

# Logs on stderr (app/logs.py): JSON lines for a collector, one object a line with the
# request id, user, organisation; "text" for a developer's terminal (FLASK_DEBUG).
LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if _bool("FLASK_DEBUG", False) else "json")
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")

# Language: Russian is the default and complete UI language.
BABEL_DEFAULT_LOCALE = os.environ.get("EJOURNAL_LOCALE", "ru")
BABEL_DEFAULT_TIMEZONE = os.environ.get("EJOURNAL_TIMEZONE", "Europe/Moscow")
LANGUAGES = {"ru": {"flag": "ru", "name": "Русский"}}

# Flask-AppBuilder
APP_NAME = "Электронный журнал"
APP_THEME = ""
FAB_UPDATE_PERMS = False  # permissions are synced by `flask --app app init`, not on every start
FAB_CREATE_DB = False  # the schema is built by Alembic migrations only
FAB_ADD_SECURITY_API = False  # crashes under marshmallow 4 (NOTES.md)
FAB_API_SWAGGER_UI = True
AUTH_ROLE_ADMIN = "Admin"
AUTH_ROLE_PUBLIC = "Public"
AUTH_USER_REGISTRATION = False
WTF_CSRF_ENABLED = True  # every write, the REST API's too: form field csrf_token or header X-CSRFToken (app/csrf.py)
# Creating forms carry a one-time token (app/idempotency.py): the same form sent again within
# IDEMPOTENCY_TTL_MINUTES creates nothing more. The tokens are kept in Redis
# (IDEMPOTENCY_STORAGE_URI, else REDIS_URL), shared by the workers; without it, in the process.
IDEMPOTENCY_TTL_MINUTES = int(os.environ.get("IDEMPOTENCY_TTL_MINUTES", "60"))
IDEMPOTENCY_STORAGE_URI = os.environ.get("IDEMPOTENCY_STORAGE_URI", "")

# Homework files: kept in the instance folder unless UPLOAD_DIR says otherwise.
UPLOAD_DIR = os.environ.get("UPLOAD_DIR") or str(INSTANCE_DIR / "uploads")
MAX_ATTACHMENT_MB = int(os.environ.get("MAX_ATTACHMENT_MB", "10"))
# The year-end archive of journals and ledgers (PDF files, R16): in the instance folder too,
# so that a backup of that folder and of the database holds them.
ARCHIVE_DIR = os.environ.get("ARCHIVE_DIR") or str(INSTANCE_DIR / "archive")
MAX_CONTENT_LENGTH = (MAX_ATTACHMENT_MB * 5 + 1) * 1024 * 1024  # a request: up to five files

# Journals are kept five years and more: nothing is deleted on a crash either.
SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
# SQLite, the embedded default (app/services/db_stats.py): readers never wait for the writer
# (write-ahead log, beside the file: ejournal.db-wal and -shm), a busy database is waited for
# SQLITE_BUSY_TIMEOUT_MS, the planner's statistics are kept fresh (PRAGMA optimize every
# SQLITE_OPTIMIZE_HOURS of a connection and when it closes; ANALYZE after init, demo, imports).
# synchronous=NORMAL with WAL survives a crash of the application; FULL also a power cut's last
# transactions.
SQLITE_JOURNAL_MODE = os.environ.get("SQLITE_JOURNAL_MODE", "WAL")
SQLITE_SYNCHRONOUS = os.environ.get("SQLITE_SYNCHRONOUS", "NORMAL")
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
SQLITE_OPTIMIZE_HOURS = float(os.environ.get("SQLITE_OPTIMIZE_HOURS", "3"))

# Activity counters of reads and logins (app/services/activity.py) are buffered — in Redis
# (ACTIVITY_STORAGE_URI, else REDIS_URL), shared by the workers, or in each process — and
# written in one transaction at most every ACTIVITY_FLUSH_SECONDS (unset: 60, or 0 when
# TESTING), at exit, by `flask activity flush` and before the activity report reads them.
ACTIVITY_FLUSH_SECONDS = float(os.environ["ACTIVITY_FLUSH_SECONDS"]) if os.environ.get("ACTIVITY_FLUSH_SECONDS") else None
ACTIVITY_STORAGE_URI = os.environ.get("ACTIVITY_STORAGE_URI", "")
ACTIVITY_KEY_PREFIX = os.environ.get("ACTIVITY_KEY_PREFIX", "ejournal:activity:")

# Reports in PDF: a folder with DejaVuSans.ttf and DejaVuSans-Bold.ttf (Cyrillic;
# Debian's fonts-dejavu-core).
PDF_FONT_DIR = os.environ.get("PDF_FONT_DIR", "/usr/share/fonts/truetype/dejavu")

# E-mail for notices (issue 5): off unless MAIL_SERVER is set; the internal message
# is kept whatever the mail server answers.
MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
MAIL_FROM = os.environ.get("MAIL_FROM", "ejournal@localhost")
MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
MAIL_USE_TLS = _bool("MAIL_USE_TLS", False)

# Background jobs (issue «Ledgers a deputy signs», part 3): a large report and every
# e-mail. With REDIS_URL they go to RQ workers (`rq worker --url $REDIS_URL ejournal`
# run in the project folder); without it, to a pool of JOB_THREADS threads in the web
# process (the embedded SQLite default). A report's file is kept JOB_FILE_HOURS hours.
REDIS_URL = os.environ.get("REDIS_URL", "")
JOB_QUEUE_NAME = os.environ.get("JOB_QUEUE_NAME", "ejournal")
JOB_THREADS = int(os.environ.get("JOB_THREADS", "2"))
JOB_DIR = os.environ.get("JOB_DIR") or str(INSTANCE_DIR / "jobs")
JOB_FILE_HOURS = int(os.environ.get("JOB_FILE_HOURS", "24"))
# An e-mail is tried 3 times, waiting this many seconds before the 2nd and the 3rd.
JOB_RETRY_SECONDS = (10, 60)
# Jobs run at once, in the caller's thread (tests): unset means «when TESTING».
JOBS_SYNC = _bool("JOBS_SYNC", False) if os.environ.get("JOBS_SYNC") else None
