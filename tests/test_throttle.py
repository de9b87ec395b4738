"""Login throttling that fits schools (issue 16, items 1, 2 and 5): a class logs in
from one address, wrong passwords are counted per account (login or e-mail alike)
with a growing wait, the owner's browser keeps its own allowance, an unknown name
answers like a wrong password, one address guessing many accounts is slowed down,
the counters are shared through Redis and atomic, and the address is the real one
behind a trusted proxy only."""
from __future__ import annotations

import re
import statistics
import threading
import time
import uuid

import pytest
from sqlalchemy import select
from app import create_app
from app.extensions import db
from app.models import Account
from app.throttle import DEVICE_COOKIE, LoginThrottle, MemoryStore, make_store
from tests.world import PASSWORD

from .conftest import base_config, dispose

THROTTLED = "Слишком много неудачных попыток входа. Подождите"
WRONG = "неверный-пароль1"
REDIS = "redis://127.0.0.1:6379/15"
NONCE = re.compile(r' (nonce|content)="[^"]*"')  # a script's nonce, the CSRF token


def _login(client, name, password, address="127.0.0.1", **kw):
    """The page the browser ends on after the login form, and whether it is signed in."""
    with client.application.app_context():  # a context of its own: the signed-in user is kept in `g`
        response = client.post("/login/", data={"username": name, "password": password}, follow_redirects=True,
                               environ_base={"REMOTE_ADDR": address}, **kw)
    return response.get_data(as_text=True), not response.request.path.startswith("/login/")


@pytest.fixture
def checks(monkeypatch):
    """How many passwords FAB has checked (its hash comparisons)."""
    import flask_appbuilder.security.manager as fab_manager

    seen = []
    real = fab_manager.check_password_hash

    def counting(*args, **kwargs):
        seen.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(fab_manager, "check_password_hash", counting)
    return seen


def _sign_out(client):
    """«Выход», and the browser is signed out."""
    with client.application.app_context():
        client.post("/logout/")
        assert client.get("/journal/").status_code == 302


def _configure(app, **settings):
    app.config.update(settings)
    app.extensions.pop("ejournal_throttle", None)


def _redis_or_skip():
    store = make_store(REDIS, f"ejournal-test:{uuid.uuid4().hex[:8]}:")
    try:
        store.client.ping()
    except Exception:
        pytest.skip("Redis is not reachable at 127.0.0.1:6379")
    return store


def test_fabs_own_limiter_is_off_for_the_login(app):
    assert app.config["AUTH_RATE_LIMITED"] is False


def test_a_class_of_35_logs_in_from_one_address_within_a_minute(app, world):
    sm = app.appbuilder.sm
    with app.app_context():
        role = sm.find_role("Обучающийся")
        for i in range(35):
            user = sm.add_user(f"pupil{i:02}", "Ученик", "Тестов", f"pupil{i:02}@example.ru", [role], PASSWORD)
            db.session.get(Account, user.id).org_id = world.org1
        db.session.commit()
    started = time.monotonic()
    signed_in = [_login(app.test_client(), f"pupil{i:02}", PASSWORD, "198.51.100.10")[1] for i in range(35)]
    assert (signed_in.count(True), time.monotonic() - started < 60) == (35, True)


def test_the_11th_wrong_password_waits_but_the_owners_browser_still_logs_in(app, world, checks):
    owner = app.test_client()
    assert _login(owner, "teacher1", PASSWORD)[1]  # the owner's browser has logged in before
    _sign_out(owner)
    stranger = app.test_client()
    pages = [_login(stranger, "teacher1", WRONG, "203.0.113.5")[0] for _ in range(11)]
    assert (len(checks), [THROTTLED in p for p in pages]) == (11, [False] * 10 + [True])  # 1 owner's + 10
    page, signed_in = _login(stranger, "teacher1", PASSWORD, "203.0.113.5")
    assert (THROTTLED in page, signed_in) == (True, False)  # a stranger waits even with the right password
    assert _login(owner, "teacher1", PASSWORD, "203.0.113.5")[1]  # the owner is not kept out


def test_the_owners_browser_has_an_allowance_of_its_own(app, world, checks):
    owner = app.test_client()
    assert _login(owner, "teacher1", PASSWORD)[1]
    _sign_out(owner)
    assert owner.get_cookie(DEVICE_COOKIE) is not None  # «Выход» does not forget the browser
    pages = [_login(owner, "teacher1", WRONG)[0] for _ in range(11)]
    assert [THROTTLED in p for p in pages] == [False] * 10 + [True]  # the owner's own typos count for him
    assert not _login(app.test_client(), "teacher1", PASSWORD)[0].count(THROTTLED)  # others are not slowed


def test_a_forged_device_cookie_is_a_strangers(app, world):
    stranger = app.test_client()
    for _ in range(10):
        _login(stranger, "teacher1", WRONG)
    stranger.set_cookie(DEVICE_COOKIE, "W1syLCAiYWJjIl1d.forged")
    assert THROTTLED in _login(stranger, "teacher1", PASSWORD)[0]


def test_login_and_email_share_one_counter(app, world, checks):
    client = app.test_client()
    names = ["teacher1", "teacher1@example.ru", "TEACHER1"] * 4
    pages = [_login(client, name, WRONG)[0] for name in names[:11]]
    assert (len(checks), [THROTTLED in p for p in pages]) == (10, [False] * 10 + [True])
    assert THROTTLED in _login(client, "teacher1@example.ru", PASSWORD)[0]


def test_an_unknown_name_is_answered_like_a_wrong_password(app, world):
    wrong = [_login(app.test_client(), "teacher1", WRONG)[0] for _ in range(11)]
    unknown = [_login(app.test_client(), "nobody-here", WRONG)[0] for _ in range(11)]
    assert NONCE.sub("", wrong[0]) == NONCE.sub("", unknown[0])  # the same page, word for word
    assert [THROTTLED in p for p in wrong] == [THROTTLED in p for p in unknown] == [False] * 10 + [True]


def test_wrong_passwords_are_still_shown_on_the_account(app, world):
    client = app.test_client()
    for _ in range(3):
        _login(client, "teacher1", WRONG)
    with app.app_context():  # «Неудачных входов», written once the answer has gone
        assert db.session.scalar(select(Account.fail_login_count).where(Account.username == "teacher1")) == 3


def test_an_unknown_name_takes_as_long_as_a_wrong_password(app, world):
    _configure(app, LOGIN_FAILURES_PER_ACCOUNT=10**6, LOGIN_FAILURES_PER_ADDRESS=10**6)
    client = app.test_client()
    for name in ("teacher1", "nobody-here") * 3:  # warm up
        _login(client, name, WRONG)
    times = {"teacher1": [], "nobody-here": []}
    for _ in range(30):
        for name in times:
            started = time.perf_counter()
            with app.app_context():
                client.post("/login/", data={"username": name, "password": WRONG})
            times[name].append(time.perf_counter() - started)
    difference = abs(statistics.median(times["teacher1"]) - statistics.median(times["nobody-here"]))
    assert difference < 0.010, times


def test_one_address_guessing_many_accounts_is_slowed_down(app, world, checks):
    client = app.test_client()
    names = [f"guess{i}" for i in range(60)] + ["teacher1", "deputy1", "director1", "parent1", "learner1"]
    throttled = sum(THROTTLED in _login(client, names[i % len(names)], WRONG, "192.0.2.66")[0] for i in range(500))
    assert (len(checks), throttled) == (100, 400)  # no account reached its own 10
    assert _login(app.test_client(), "deputy1", PASSWORD, "192.0.2.67")[1]  # another address is not


def test_the_wait_grows_with_every_failure_past_the_allowance():
    now = [0.0]
    guard = LoginThrottle(MemoryStore(), timer=lambda: now[0])
    key = guard.account_key(7, "teacher1")
    checked_at, waits = [], []
    while now[0] < 3600 * 2:
        attempt = guard.begin(key, "192.0.2.1")
        if attempt.refused:
            waits.append(attempt.wait)
            now[0] += attempt.wait
            continue
        checked_at.append(now[0])
        guard.failed(attempt)
    assert waits[:7] == [900, 120, 240, 480, 900, 900, 900]  # then one try a quarter of an hour
    # No 15 minutes ever see more than 10 wrong passwords.
    assert max(sum(start <= t < start + 900 for t in checked_at) for start in checked_at) == 10


def test_a_success_is_not_counted_and_forgets_the_owners_own_failures():
    guard = LoginThrottle(MemoryStore(), per_account=3)
    key = guard.account_key(7, "teacher1", device="abc")
    for _ in range(2):
        guard.failed(guard.begin(key, None, device=True))
    guard.succeeded(guard.begin(key, None, device=True))
    for _ in range(3):
        guard.failed(guard.begin(key, None, device=True))
    assert guard.begin(key, None, device=True).refused


def test_counters_are_shared_by_two_app_instances_through_redis(app, world):
    store = _redis_or_skip()
    settings = {"LOGIN_THROTTLE_STORAGE_URI": REDIS, "LOGIN_THROTTLE_KEY_PREFIX": store.prefix}
    _configure(app, **settings)
    other = create_app({**base_config(app.config["SQLALCHEMY_DATABASE_URI"]), **settings})
    try:
        first, second = app.test_client(), other.test_client()
        for client in (first, second) * 5:
            _login(client, "teacher1@example.ru" if client is second else "teacher1", WRONG)
        assert THROTTLED in _login(first, "teacher1", PASSWORD)[0]
        assert THROTTLED in _login(second, "teacher1", PASSWORD)[0]
    finally:
        store.clear()
        dispose(other)


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_simultaneous_wrong_passwords_check_no_more_than_the_allowance(app, world, checks, storage):
    if storage == "redis":
        store = _redis_or_skip()
        _configure(app, LOGIN_THROTTLE_STORAGE_URI=REDIS, LOGIN_THROTTLE_KEY_PREFIX=store.prefix)
    barrier = threading.Barrier(40)
    pages, errors = [], []

    def run(i):
        client = app.test_client()
        barrier.wait()
        try:
            pages.append(_login(client, "teacher1" if i % 2 else "teacher1@example.ru", WRONG, f"192.0.2.{i}")[0])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(40)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    if storage == "redis":
        store.clear()
    assert (errors, len(checks), sum(THROTTLED in p for p in pages)) == ([], 10, 30)


def test_a_forged_forwarded_for_from_an_untrusted_client_is_ignored(app, world):
    _configure(app, LOGIN_FAILURES_PER_ADDRESS=3)
    client = app.test_client()
    for i in range(3):
        _login(client, f"guess{i}", WRONG, "198.51.100.4", headers={"X-Forwarded-For": f"6.6.6.{i}"})
    page = _login(client, "deputy1", PASSWORD, "198.51.100.4", headers={"X-Forwarded-For": "6.6.6.9"})[0]
    assert THROTTLED in page
    store = app.extensions["ejournal_throttle"].store
    assert sorted(k for k in store._count if k.startswith("addr:")) == ["addr:198.51.100.4"]


def test_behind_a_trusted_proxy_the_real_address_is_throttled(template_db):
    from .conftest import drop_database, make_database

    url = make_database(template=template_db[0])
    app = create_app({**base_config(url), "TRUSTED_PROXIES": 1, "LOGIN_FAILURES_PER_ADDRESS": 3})
    try:
        client = app.test_client()
        for i in range(3):  # 203.0.113.7 guesses, forging a header the proxy appends to
            _login(client, f"guess{i}", WRONG, "10.0.0.1", headers={"X-Forwarded-For": f"6.6.6.{i}, 203.0.113.7"})
        assert THROTTLED in _login(client, "deputy1", PASSWORD, "10.0.0.1",
                                   headers={"X-Forwarded-For": "203.0.113.7"})[0]
        # Another pupil behind the same proxy logs in.
        assert _login(app.test_client(), "deputy1", PASSWORD, "10.0.0.1",
                      headers={"X-Forwarded-For": "203.0.113.8"})[1]
        store = app.extensions["ejournal_throttle"].store
        assert sorted(k for k in store._count if k.startswith("addr:")) == ["addr:203.0.113.7"]
    finally:
        dispose(app)
        drop_database(url)
