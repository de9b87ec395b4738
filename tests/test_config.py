"""config.py: everything from the environment, no secret in the repository."""
from __future__ import annotations

import importlib
import subprocess
import sys


def _load_config(tmp_path, **env):
    code = (
        "import config, json; print(json.dumps({'key': config.SECRET_KEY, 'db': config.SQLALCHEMY_DATABASE_URI,"
        " 'samesite': config.SESSION_COOKIE_SAMESITE, 'secure': config.SESSION_COOKIE_SECURE,"
        " 'ratelimit': config.RATELIMIT_STORAGE_URI, 'locale': config.BABEL_DEFAULT_LOCALE,"
        " 'lifetime': config.PERMANENT_SESSION_LIFETIME.total_seconds()}))"
    )
    base = {"PATH": "/usr/bin:/bin", "EJOURNAL_INSTANCE_DIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", code], env={**base, **env}, capture_output=True, text=True,
                         check=True, cwd=importlib.import_module("app").ROOT)
    import json

    return json.loads(out.stdout)


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = _load_config(tmp_path)
    second = _load_config(tmp_path)
    assert len(first["key"]) >= 32 and first["key"] == second["key"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    other = _load_config(tmp_path / "elsewhere")
    assert other["key"] != first["key"]  # never a constant shipped in the repository


def test_defaults_are_safe_and_russian(tmp_path):
    cfg = _load_config(tmp_path)
    assert cfg["db"] == f"sqlite:///{tmp_path / 'ejournal.db'}"
    assert cfg["samesite"] == "Lax" and cfg["secure"] is False
    assert cfg["locale"] == "ru"
    assert cfg["lifetime"] == 8 * 3600


def test_environment_overrides(tmp_path):
    cfg = _load_config(tmp_path, DATABASE_URL="postgresql+psycopg://u@h/db", SECRET_KEY="from-env",
                       SESSION_COOKIE_SECURE="1", RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379",
                       SESSION_LIFETIME_MINUTES="30")
    assert cfg["db"] == "postgresql+psycopg://u@h/db" and cfg["key"] == "from-env"
    assert cfg["secure"] is True and cfg["ratelimit"] == "redis://127.0.0.1:6379"
    assert cfg["lifetime"] == 1800
    assert not (tmp_path / "secret_key").exists()


def test_debugger_is_off_and_cookies_are_httponly(app):
    assert app.debug is False
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_logout_ends_the_session(client, login):
    login("admin1")
    assert client.get("/learnerview/list/").status_code == 200
    client.post("/logout/")
    response = client.get("/learnerview/list/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
