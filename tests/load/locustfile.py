"""A region's morning peak (issue 17): logins, journal grids, saves, diaries, a PDF job.

Run by ``tests/load/run.sh`` (``make load``) against gunicorn on loopback; never in CI.
``LOAD_PLAN`` names a JSON file the runner writes from the demo database
(tests/load/plan.py): the teachers with a cell of their journal each, the parents
with their children, a deputy with a ledger to ask as PDF. The password is the demo's.

Kinds of request (the names of locust's table): «вход», «журнал», «журнал: сохранить»,
«дневник JSON», «дневник», «PDF: задание», «PDF: ход».
"""
from __future__ import annotations

import itertools
import json
import os
import re
import threading

from locust import HttpUser, between, events, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo-2026!")
with open(os.environ.get("LOAD_PLAN", "/tmp/ejournal-load-plan.json"), encoding="utf-8") as _f:
    PLAN = json.load(_f)

_teachers = itertools.cycle(PLAN["teachers"])
_parents = itertools.cycle(PLAN["parents"])
_lock = threading.Lock()
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _next(pool):
    with _lock:
        return next(pool)


class _Session(HttpUser):
    abstract = True

    def log_in(self, username: str) -> None:
        page = self.client.get("/login/", name="вход (форма)")
        found = CSRF_FIELD.search(page.text)
        data = {"username": username, "password": PASSWORD}
        if found:
            data["csrf_token"] = found.group(1)
        with self.client.post("/login/", data=data, name="вход", allow_redirects=False,
                              catch_response=True) as response:
            if response.status_code not in (302, 303) or "/login" in response.headers.get("Location", ""):
                response.failure(f"вход {username}: {response.status_code}")
        self.csrf = ""

    def page(self, path: str, name: str) -> str:
        response = self.client.get(path, name=name)
        found = CSRF_META.search(response.text or "")
        if found:
            self.csrf = found.group(1)
        return response.text or ""


class Teacher(_Session):
    """Opens his journal and saves a mark now and then; logs in again sometimes."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self):
        self.me = _next(_teachers)
        self.log_in(self.me["username"])
        self.version = None
        self.values = itertools.cycle(["5", "4"])

    @task(6)
    def grid(self):
        self.page(self.me["grid"], "журнал")

    @task(2)
    def save(self):
        cell = self.me.get("cell")
        if not cell:
            return
        if not self.csrf:
            self.page(self.me["grid"], "журнал")
        change = {"key": "k", "kind": "mark", "lesson_id": cell["lesson_id"], "assignment_id": cell["assignment_id"],
                  "learner_id": cell["learner_id"], "value": next(self.values), "version": self.version}
        with self.client.post("/journal/save", json={"changes": [change]}, name="журнал: сохранить",
                              headers={"X-CSRFToken": self.csrf, "Referer": self.client.base_url + "/journal/"},
                              catch_response=True) as response:
            try:
                body = response.json() if response.status_code == 200 else None
            except ValueError:
                body = None
            if body is None:
                response.failure(f"не сохранено: {response.status_code}")
                self.csrf = ""
                return
            result = (body.get("results") or [{}])[0]
            if result.get("version"):
                self.version = result["version"]
            if result.get("status") == "conflict":  # another teacher's process saved it first: take its version
                self.version = result.get("version")

    @task(1)
    def again(self):
        # Another device's morning login (no logout: the accounts are shared by several
        # simulated users here, and a logout would end the others' sessions).
        self.client.cookies.clear()
        self.log_in(self.me["username"])


class Parent(_Session):
    """The morning's most frequent visitor: the diary's week as JSON (the mobile view) and the page."""

    weight = 6
    wait_time = between(0.5, 2)

    def on_start(self):
        self.me = _next(_parents)
        self.log_in(self.me["username"])

    @task(8)
    def week_json(self):
        self.client.get(f"/api/v1/diary/{self.me['learner']}/week", name="дневник JSON")

    @task(2)
    def week_page(self):
        self.page("/diary/", "дневник")


class Deputy(_Session):
    """Keeps a PDF job running all along: starts a ledger as PDF (a job the worker
    renders), follows it, and starts the next when it is done."""

    weight = 1
    fixed_count = 1
    wait_time = between(1, 2)

    def on_start(self):
        self.log_in(PLAN["deputy"]["username"])
        self.job = None

    @task
    def ledger(self):
        if not self.job:
            response = self.client.get(PLAN["deputy"]["ledger"], name="PDF: задание", allow_redirects=False)
            location = response.headers.get("Location", "")
            self.job = location.rstrip("/").rsplit("/", 1)[-1] if "/jobs/" in location else ""
            return
        response = self.client.get(f"/jobs/{self.job}.json", name="PDF: ход")
        if response.ok and (response.json() or {}).get("status") in ("done", "failed"):
            self.job = None


@events.quitting.add_listener
def _summary(environment, **_kw):
    """req/s and p50/p95 per kind, as the README's table shows them."""
    stats = environment.stats
    print("\nВид запроса                 запросов   req/s    p50 мс   p95 мс  ошибок")
    for name, entry in sorted(stats.entries.items(), key=lambda kv: kv[0][0]):
        print(f"{name[0]:<26} {entry.num_requests:>9} {entry.total_rps:>7.1f} {entry.get_response_time_percentile(0.5):>9.0f}"
              f" {entry.get_response_time_percentile(0.95):>8.0f} {entry.num_failures:>7}")
    total = stats.total
    print(f"{'всего':<26} {total.num_requests:>9} {total.total_rps:>7.1f} {total.get_response_time_percentile(0.5):>9.0f}"
          f" {total.get_response_time_percentile(0.95):>8.0f} {total.num_failures:>7}")
