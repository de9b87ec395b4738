"""The production files: compose.yaml brings up the app, its job worker, PostgreSQL and
Redis; the Dockerfile builds from files that exist and runs deploy/entrypoint.sh as a
user other than root; and that entry point, run outside Docker by deploy/smoke.sh
against a throw-away PostgreSQL database and the local Redis, migrates and serves
/health. (No Docker engine here: `docker compose config` validates the file where the
compose plugin is installed, else the file is read as YAML and checked by these tests.)"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from app.resources import CHECKOUT

ROOT = Path(CHECKOUT)
DEPLOY = ROOT / "deploy"
ENV = {"SECRET_KEY": "x" * 64, "POSTGRES_PASSWORD": "compose-test"}


def _compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def _has_compose_plugin() -> bool:
    if not shutil.which("docker"):
        return False
    done = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
    return done.returncode == 0


@pytest.mark.skipif(not _has_compose_plugin(), reason="docker compose is not installed here")
def test_docker_compose_accepts_the_file():
    done = subprocess.run(["docker", "compose", "-f", str(ROOT / "compose.yaml"), "config", "--quiet"],
                          capture_output=True, text=True, check=False, env={**os.environ, **ENV})
    assert done.returncode == 0, done.stderr


def test_compose_runs_the_app_its_worker_postgresql_and_redis():
    services = _compose()["services"]
    assert {name: (s.get("image"), s.get("command")) for name, s in services.items()} == {
        "app": ("ejournal:latest", ["web"]), "worker": ("ejournal:latest", ["worker"]),
        "postgres": ("postgres:15", None), "redis": ("redis:7", ["redis-server", "--appendonly", "yes"])}
    assert services["app"]["build"] == services["worker"]["build"] == "."
    assert services["worker"]["depends_on"]["app"] == {"condition": "service_healthy"}


def test_every_service_that_serves_has_a_healthcheck_and_the_app_checks_health():
    services = _compose()["services"]
    assert "/health" in " ".join(services["app"]["healthcheck"]["test"])
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    assert "ping" in services["redis"]["healthcheck"]["test"]
    assert services["app"]["ports"] == ["127.0.0.1:${APP_PORT:-8000}:8000"]  # behind the TLS proxy only


def test_the_app_and_the_worker_share_settings_and_data():
    services = _compose()["services"]
    app, worker = services["app"]["environment"], services["worker"]["environment"]
    required = {"DATABASE_URL", "SECRET_KEY", "REDIS_URL", "TRUSTED_PROXIES", "UPLOAD_DIR", "ARCHIVE_DIR", "JOB_DIR",
                "EJOURNAL_INSTANCE_DIR", "SESSION_COOKIE_SECURE", "RATELIMIT_STORAGE_URI"}
    assert required <= set(app) and required <= set(worker)
    assert app["DATABASE_URL"].startswith("postgresql+psycopg://") and "@postgres:5432/" in app["DATABASE_URL"]
    assert services["app"]["volumes"] == services["worker"]["volumes"] == ["ejournal-data:/var/lib/ejournal"]
    # Every setting given is one the application, the entry point or gunicorn reads.
    readers = "".join(p.read_text(encoding="utf-8") for p in [ROOT / "config.py", DEPLOY / "entrypoint.sh",
                                                              DEPLOY / "gunicorn.conf.py", *ROOT.glob("app/**/*.py")])
    assert [name for name in {**app, **worker} if name not in readers] == []


def test_secrets_come_from_the_environment_file_not_from_compose():
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    assert "${SECRET_KEY:?" in text and "${POSTGRES_PASSWORD:?" in text
    example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    needed = set(re.findall(r"\$\{(\w+):\?", text))
    assert needed <= {line.split("=", 1)[0] for line in example.splitlines() if "=" in line and line[0] != "#"}


def _dockerfile() -> list[str]:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_the_dockerfile_copies_files_that_exist_and_the_build_context_keeps():
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")}
    sources = [part for line in _dockerfile() if line.startswith("COPY ") and "--from=" not in line
               for part in line.split()[1:-1]]
    assert sources == [".", "deploy/entrypoint.sh", "deploy/gunicorn.conf.py"]
    for source in sources[1:]:
        assert (ROOT / source).is_file() and source.split("/")[0] not in ignored
    assert {"README.md", "setup.py", "pyproject.toml", "app", "templates", "translations"}.isdisjoint(ignored)


def test_the_image_runs_the_entry_point_as_a_user_and_serves_with_gunicorn():
    lines = _dockerfile()
    assert lines[0] == "FROM python:3.11-slim AS build" and "FROM python:3.11-slim" in lines
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users == ["ejournal"]
    assert 'ENTRYPOINT ["/opt/ejournal/entrypoint.sh"]' in lines and 'CMD ["web"]' in lines
    assert any("[prod]" in line for line in lines if line.startswith("RUN pip install"))
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert [d for d in extras["prod"] if d.startswith("gunicorn")]
    assert os.access(DEPLOY / "entrypoint.sh", os.X_OK) and os.access(DEPLOY / "smoke.sh", os.X_OK)
    for script in ("entrypoint.sh", "smoke.sh"):
        shell = "sh" if script == "entrypoint.sh" else "bash"
        done = subprocess.run([shell, "-n", str(DEPLOY / script)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr


def test_gunicorn_writes_its_own_messages_as_json_lines():
    code = ("import logging, logging.config, runpy; conf = runpy.run_path('deploy/gunicorn.conf.py');"
            "logging.config.dictConfig(conf['logconfig_dict']);"
            "logging.getLogger('gunicorn.error').info('Booting worker');"
            "logging.getLogger('gunicorn.access').info('GET / 200')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
                          env={**os.environ, "LOG_FORMAT": "json"})
    import json

    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [("gunicorn.error", "Booting worker")]
    assert done.stdout == ""


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


@pytest.mark.packaging  # under a minute, and it makes its own database: `make test` runs it once
@pytest.mark.skipif(not (_reachable("127.0.0.1", 5432) and _reachable("127.0.0.1", 6379)),
                    reason="no PostgreSQL or Redis on 127.0.0.1")
@pytest.mark.skipif(not (Path(sys.prefix) / "bin" / "gunicorn").exists(), reason="gunicorn is not installed")
def test_the_entry_point_migrates_and_serves_health_outside_docker():
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EJOURNAL_", "PYTEST_", "FLASK_")) and key not in {"DATABASE_URL", "SECRET_KEY"}}
    env["SMOKE_VENV"] = sys.prefix
    if os.environ.get("TEST_DATABASE_URL"):
        env["SMOKE_PG_URL"] = os.environ["TEST_DATABASE_URL"]
    done = subprocess.run([str(DEPLOY / "smoke.sh")], capture_output=True, text=True, timeout=300, check=False,
                          env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert '{"database":true,"migrations":true,"redis":true,"status":"ok"}' in done.stdout
