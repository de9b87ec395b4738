"""`make bench`: median server time of key pages on the demo data.

Runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set. Prints a
table; targets live here, not in timed tests.
"""
from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("SECRET_KEY", "bench")

from app import create_app  # noqa: E402
from tests.conftest import base_config, dispose, drop_database, make_database  # noqa: E402

PAGES = [
    ("Главная", "admin", "/"),
    ("Классный журнал (сетка)", "teacher", "/journal/"),
    ("Дневник: неделя", "parent", "/diary/"),
    ("Дневник: период", "parent", "/diary/period"),
    ("Список обучающихся", "admin", "/learnerview/list/"),
    ("Список отметок", "admin", "/markview/list/"),
    ("REST: отметки", "teacher", "/api/v1/marks/"),
]
RUNS = 15


def _login_for(logins, role):
    wanted = {"admin": "Администратор", "teacher": "Учитель", "parent": "Родитель"}[role]
    return next(l for l in logins if l["role"] == wanted)


def bench(label: str, pg: bool) -> None:
    if not pg:
        os.environ.pop("TEST_DATABASE_URL", None)
    import tests.conftest as c

    c.PG_URL = os.environ.get("TEST_DATABASE_URL")
    url = make_database("bench")
    app = create_app(base_config(url))
    try:
        runner = app.test_cli_runner()
        assert runner.invoke(args=["init"]).exit_code == 0
        assert runner.invoke(args=["demo"]).exit_code == 0
        from app.demo import demo_logins

        with app.app_context():
            logins = demo_logins()
        print(f"\n{label}")
        for title, role, path in PAGES:
            client = app.test_client()
            who = _login_for(logins, role)
            client.post("/login/", data={"username": who["username"], "password": who["password"]})
            client.get(path)  # warm up
            times = []
            for _ in range(RUNS):
                start = time.perf_counter()
                response = client.get(path)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            print(f"  {title:<28} {statistics.median(times):8.1f} мс (медиана из {RUNS})")
    finally:
        dispose(app)
        drop_database(url)


if __name__ == "__main__":
    pg = os.environ.get("TEST_DATABASE_URL")
    bench("SQLite", pg=False)
    if pg:
        os.environ["TEST_DATABASE_URL"] = pg
        bench("PostgreSQL", pg=True)
