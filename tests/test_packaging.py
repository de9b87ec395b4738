"""`pip install .` (not editable): the wheel carries the templates, the compiled
catalogues and the default settings, and runs from a fresh virtualenv outside the
checkout as README.md says: init, demo, a server answering in Russian.

Under a minute with pip's cache warm (the dependencies are those `make
install` fetched); `make test` runs it once, on SQLite, in its first run."""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from app.resources import CHECKOUT
from tests.conftest import free_port
from tests.world import TODAY

pytestmark = pytest.mark.packaging

# What a fresh clone would not have, and what the build must not need.
NOT_SOURCES = shutil.ignore_patterns(".venv", ".git", "instance", "build", "dist", "*.egg-info", "__pycache__",
                                     ".*_cache", "*.mo", "*.pyc", "tests")


def _run(args, **kwargs) -> str:
    result = subprocess.run(args, capture_output=True, text=True, timeout=600, check=False, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def installed(tmp_path):
    """A wheel built from a copy of the checkout and installed with its dependencies
    into a new virtualenv; yields the virtualenv and the environment to run it in.
    One test uses it: under pytest-xdist a second one could build it again elsewhere."""
    work = tmp_path
    source, dist, venv = work / "source", work / "dist", work / "venv"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCES)
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(source)])
    (wheel,) = dist.glob("ejournal-*.whl")
    # `python -m venv` from this virtualenv's python makes one on the base interpreter:
    # nothing of this checkout's environment is visible in it.
    _run([sys.executable, "-m", "venv", str(venv)])
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(wheel)])
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EJOURNAL_", "PYTEST_", "FLASK_"))
           and key not in {"DATABASE_URL", "TEST_DATABASE_URL", "SECRET_KEY", "PYTHONPATH", "VIRTUAL_ENV"}}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", EJOURNAL_TODAY=TODAY.isoformat())
    (work / "elsewhere").mkdir()
    yield {"wheel": wheel, "venv": venv, "env": env, "cwd": work / "elsewhere"}
    shutil.rmtree(work, ignore_errors=True)  # a virtualenv is some hundreds of megabytes


def _expected_in_wheel() -> set[str]:
    """The checkout's data files, named as the wheel carries them."""
    def name(path: Path) -> str:
        relative = path.relative_to(CHECKOUT).as_posix()
        return relative if relative.startswith(("app/", "plugins/")) else "app/" + relative  # templates/, translations/

    data = [*(CHECKOUT / "templates").rglob("*.html"), *CHECKOUT.glob("plugins/*/templates/**/*.html"),
            *CHECKOUT.glob("app/migrations/versions/*.py"), *CHECKOUT.glob("plugins/*/migrations/versions/*.py")]
    catalogues = [*CHECKOUT.glob("translations/*/LC_MESSAGES/*.po"),
                  *CHECKOUT.glob("plugins/*/translations/*/LC_MESSAGES/*.po")]
    return ({"app/default_config.py", "app/migrations/env.py", "app/migrations/alembic.ini"}
            | {name(path) for path in data} | {name(po.with_suffix(".mo")) for po in catalogues})


def test_pip_install_runs_outside_the_checkout(installed):
    names = set(zipfile.ZipFile(installed["wheel"]).namelist())
    assert _expected_in_wheel() - names == set()
    assert "plugins/school/translations/ru/LC_MESSAGES/messages.mo" in names
    assert not any(name.endswith(".po") for name in names)  # the compiled catalogues are enough

    venv, env, cwd = installed["venv"], installed["env"], installed["cwd"]
    where = _run([str(venv / "bin" / "python"), "-c", "import app, plugins; print(app.__file__, plugins.__file__)"],
                 env=env, cwd=cwd)
    assert str(CHECKOUT) not in where and str(venv) in where
    # settings stay the environment's
    uri = _run([str(venv / "bin" / "python"), "-c",
                "from app import create_app; print(create_app().config['SQLALCHEMY_DATABASE_URI'])"],
               env={**env, "EJOURNAL_INSTANCE_DIR": str(cwd / "custom")}, cwd=cwd)
    assert uri.strip() == f"sqlite:///{cwd / 'custom' / 'ejournal.db'}"

    flask = [str(venv / "bin" / "flask"), "--app", "app"]
    _run([*flask, "init"], env=env, cwd=cwd)
    assert "созданы" in _run([*flask, "demo"], env=env, cwd=cwd)
    # installed, the instance folder is the environment's, not site-packages nor the current directory
    assert (venv / "var" / "ejournal-instance" / "ejournal.db").is_file()

    port, log = free_port(), cwd / "server.log"
    with log.open("w") as output:
        server = subprocess.Popen([str(venv / "bin" / "waitress-serve"), f"--listen=127.0.0.1:{port}",
                                   "--call", "app:create_app"], env=env, cwd=cwd, stdout=output, stderr=output)
    try:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = f"http://127.0.0.1:{port}/login/"
        deadline = time.monotonic() + 60
        while True:
            try:
                page = opener.open(login, timeout=10).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the server did not answer:\n{log.read_text()}")
                time.sleep(0.3)
        # the core's templates: its appbuilder/init.html replaces Flask-AppBuilder's (<html>)
        assert '<html lang="ru">' in page
        assert "Войти" in page and "Sign In" not in page
        # the core's compiled catalogue: Flask-AppBuilder's Russian says this differently
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"username": "nobody", "password": "wrong", "csrf_token": token}).encode()
        refused = opener.open(login, data=form, timeout=10).read().decode()
        assert "Неверный логин или пароль. Попробуйте ещё раз." in refused
    finally:
        server.kill()
        server.wait(timeout=30)
