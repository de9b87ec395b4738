"""Passwords and sessions (issue 5, R12): the policy on every password set,
strong hashes, yearly change of staff passwords, throttled failed logins
(more in tests/test_throttle.py), «Выход» ending the session on the server, session lifetime."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from app import clock
from app.exceptions import RuleError
from app.extensions import db
from app.models import Account
from app.services.passwords import check_password, one_time_password, password_expired
from tests.world import PASSWORD


@pytest.mark.parametrize("password, staff, message", [
    ("abc12", False, "Пароль должен быть не короче 8 символов."),
    ("abcdefgh1", True, "Пароль должен быть не короче 10 символов."),
    ("абвгдеёжзи", False, "Пароль должен содержать и буквы, и цифры."),
    ("1234567890", True, "Пароль должен содержать и буквы, и цифры."),
    ("ivanov.ip2026", False, "Пароль не должен совпадать с логином или содержать его."),
    ("Qwerty12345", False, "Этот пароль слишком распространён, придумайте другой."),
])
def test_policy_refuses_with_the_reason(password, staff, message):
    with pytest.raises(RuleError) as err:
        check_password(password, "ivanov.ip", staff=staff)
    assert str(err.value) == message


def test_policy_accepts_good_passwords_and_one_time_ones_pass_it():
    check_password("Лето2026море", "ivanov.ip", staff=True)
    check_password("kot7sobaka", "ivanov.ip", staff=False)
    for _ in range(50):
        password = one_time_password()
        check_password(password, "ivanov.ip", staff=False)
        assert not set(password) & set("0O1lI")  # nothing to misread on a slip


def test_own_password_form_of_fab_applies_the_policy(app, client, login):
    login("teacher1")
    page = client.post("/resetmypassword/form", data={"password": "short1", "conf_password": "short1"},
                       follow_redirects=True).get_data(as_text=True)
    assert "не короче 10" in page  # teacher1 is staff
    with app.app_context():
        before = db.session.scalar(select(Account.password).where(Account.username == "teacher1"))
    client.post("/resetmypassword/form", data={"password": "Teacher1new2026", "conf_password": "Teacher1new2026"})
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "teacher1"))
        assert account.password == before  # refused: contains the login
    client.post("/resetmypassword/form", data={"password": "Осень2026лес", "conf_password": "Осень2026лес"})
    with app.app_context():
        account = db.session.scalar(select(Account).where(Account.username == "teacher1"))
        assert account.password != before
        assert (clock.now() - account.password_changed_at).total_seconds() < 3600 * 24


def test_administrator_reset_and_new_user_forms_apply_the_policy(app, client, login, world):
    login("sysadmin")
    page = client.post(f"/resetpassword/form?pk={world.user_learner1}",
                       data={"password": "abc", "conf_password": "abc"}, follow_redirects=True)
    assert "не короче 8" in page.get_data(as_text=True)  # a learner: 8
    page = client.post(f"/resetpassword/form?pk={world.user_teacher1}",
                       data={"password": "abcdefgh1", "conf_password": "abcdefgh1"}, follow_redirects=True)
    assert "не короче 10" in page.get_data(as_text=True)  # staff: 10
    login("admin1")
    page = client.post("/users/add", data={"username": "newbie", "first_name": "Новый", "last_name": "Учитель",
                                           "email": "newbie@example.ru", "roles": "", "active": "y",
                                           "password": "newbie", "conf_password": "newbie"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Пароль должен быть не короче 10 символов." in page
    with app.app_context():
        assert db.session.scalar(select(Account).where(Account.username == "newbie")) is None


def test_passwords_are_stored_as_strong_hashes(app, world):
    # The suite hashes cheaply (tests/conftest.py); an installation keeps FAB's default.
    app.config.pop("FAB_PASSWORD_HASH_METHOD")
    with app.app_context():
        app.appbuilder.sm.add_user("strong", "Иван", "Иванов", "strong@example.ru",
                                   [app.appbuilder.sm.find_role("Учитель")], PASSWORD)
        stored = db.session.scalar(select(Account.password).where(Account.username == "strong"))
    method = stored.split("$", 1)[0]
    assert PASSWORD not in stored
    assert method.startswith("scrypt:") or (method.startswith("pbkdf2:sha256") and int(method.split(":")[2]) >= 600000)


def test_staff_password_older_than_a_year_leads_to_the_change_page(app, client, login, world):
    with app.app_context():
        for name in ("teacher1", "learner1"):
            account = db.session.scalar(select(Account).where(Account.username == name))
            account.password_changed_at = clock.now() - dt.timedelta(days=400)
        db.session.commit()
    login("teacher1")
    response = client.get("/journal/")
    assert response.status_code == 302 and "/password/change" in response.headers["Location"]
    assert "Срок действия пароля истёк" in client.get("/password/change").get_data(as_text=True)
    client.post("/password/change", data={"old_password": PASSWORD, "password": "Зима2027снег",
                                          "confirm": "Зима2027snow"})
    assert client.get("/journal/").status_code == 302  # the confirmation differed: nothing changed
    client.post("/password/change", data={"old_password": PASSWORD, "password": "Зима2027снег",
                                          "confirm": "Зима2027снег"})
    assert client.get("/journal/").status_code == 200
    login("learner1")  # R12 is about staff: a learner's old password does not expire
    assert client.get("/diary/").status_code == 200


def test_expiry_rule():
    now = dt.datetime(2026, 11, 20)
    assert password_expired(now - dt.timedelta(days=366), 365, now)
    assert not password_expired(now - dt.timedelta(days=300), 365, now)
    assert not password_expired(None, 365, now)


# Asked without a signed-in user, the journal sends to the login page, which returns there.
TO_LOGIN_FROM_JOURNAL = (302, "/login/?next=http://localhost/journal/")


def _answer(response) -> tuple:
    return response.status_code, response.headers.get("Location")


def _fail(client, username, times):
    for _ in range(times):
        client.post("/login/", data={"username": username, "password": "неверный-пароль1"})


def test_failed_logins_are_throttled_per_account(app, client, world):
    _fail(client, "teacher1", 10)  # a browser that never logged in to the account (tests/test_throttle.py)
    page = client.post("/login/", data={"username": "teacher1", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "Слишком много неудачных попыток входа" in page  # even the right password waits
    assert _answer(client.get("/journal/")) == TO_LOGIN_FROM_JOURNAL
    client.post("/login/", data={"username": "deputy1", "password": PASSWORD})
    assert client.get("/journal/").status_code == 200  # another account from the same address still logs in


def test_failed_logins_are_throttled_per_address(app, client, world):
    app.extensions.pop("ejournal_throttle", None)
    app.config["LOGIN_FAILURES_PER_ADDRESS"] = 6
    for i in range(6):
        _fail(client, f"nobody{i}", 1)  # six different names, one address
    page = client.post("/login/", data={"username": "deputy1", "password": PASSWORD},
                       follow_redirects=True).get_data(as_text=True)
    assert "Слишком много неудачных попыток входа" in page
    other = app.test_client()
    other.post("/login/", data={"username": "deputy1", "password": PASSWORD},
               environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert other.get("/journal/", environ_base={"REMOTE_ADDR": "10.0.0.7"}).status_code == 200


def test_logout_ends_the_session_on_the_server(app, client, login):
    login("teacher1")
    with app.app_context():
        epoch = db.session.scalar(select(Account.session_epoch).where(Account.username == "teacher1"))
    assert client.get("/journal/").status_code == 200
    cookie = client.get_cookie("session").value
    client.post("/logout/")
    assert _answer(client.get("/journal/")) == TO_LOGIN_FROM_JOURNAL
    client.set_cookie("session", cookie)  # the old cookie replayed
    assert _answer(client.get("/journal/")) == TO_LOGIN_FROM_JOURNAL
    with app.app_context():
        assert db.session.scalar(select(Account.session_epoch).where(Account.username == "teacher1")) == epoch + 1


def test_session_lifetime_is_a_setting(app, client, login, monkeypatch):
    import importlib

    import config

    monkeypatch.setenv("SESSION_LIFETIME_MINUTES", "30")
    assert importlib.reload(config).PERMANENT_SESSION_LIFETIME == dt.timedelta(minutes=30)
    monkeypatch.delenv("SESSION_LIFETIME_MINUTES")
    importlib.reload(config)
    response = login("teacher1")
    assert "Expires=" in response.headers["Set-Cookie"]  # a permanent session: the lifetime applies
    assert app.permanent_session_lifetime == app.config["PERMANENT_SESSION_LIFETIME"]


@pytest.mark.parametrize("how", ["own page", "fab form"])
def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, world, how):
    """A parent changes a password on a phone: the laptop left signed in is signed out."""
    phone, laptop = app.test_client(), app.test_client()

    def on(device, method, url, **kwargs):
        with app.app_context():  # a context of its own: the signed-in user is kept in `g`
            return getattr(device, method)(url, **kwargs)

    for device in (phone, laptop):
        assert on(device, "post", "/login/", data={"username": "parent1", "password": PASSWORD}).status_code == 302
        assert on(device, "get", "/diary/").status_code == 200
    new = "Осень2026лес"
    if how == "own page":
        on(phone, "post", "/password/change", data={"old_password": PASSWORD, "password": new, "confirm": new})
    else:
        on(phone, "post", "/resetmypassword/form", data={"password": new, "conf_password": new})
    assert on(phone, "get", "/diary/").status_code == 200
    assert on(laptop, "get", "/diary/").headers["Location"].endswith("/login/")


def test_a_refused_change_leaves_the_password_as_it_was():
    from types import SimpleNamespace

    from werkzeug.security import check_password_hash, generate_password_hash

    from app.exceptions import RuleError
    from app.services.passwords import change_own_password

    account = SimpleNamespace(username="ivanova", password=generate_password_hash("Старый2026пароль"))
    with pytest.raises(RuleError) as refused:
        change_own_password(account, "Старый2026пароль", "Новый2027пароль", "Новый2027парол", staff=True,
                            hash_method="scrypt")
    assert (str(refused.value), check_password_hash(account.password, "Старый2026пароль")) == (
        "Новый пароль и повтор не совпадают.", True)


@pytest.mark.parametrize("username", ["teacher1", "parent1", "learner1"])
def test_every_users_menu_offers_to_change_the_password(client, login, world, username):
    login(username)
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/password/change">' in page and "Сменить пароль" in page
