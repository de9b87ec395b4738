"""Passwords and logins: the complexity policy, one-time passwords, the R12
expiry of staff passwords and the throttling of failed logins.

Rules only, no Flask request: the views call these.

Throttling counts failed logins per account and per address in a window
(15 minutes by default); past the limit every attempt is refused until the
window ends, without even checking the password. The counters live in Redis
when ``RATELIMIT_STORAGE_URI`` is ``redis://…`` (several worker processes share
them), else in the process's memory. The address limit is higher than the
account's: a whole computer class logs in from one school address.
"""
from __future__ import annotations

import datetime as dt
import secrets
import threading
import time

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash, generate_password_hash

from app.exceptions import RuleError

MIN_LENGTH_PERSONAL = 8  # learners and parents
MIN_LENGTH_STAFF = 10
# The most used passwords of Russian users that still pass the other rules.
COMMON_PASSWORDS = frozenset({
    "qwerty123", "qwerty1234", "qwerty12345", "password1", "password12", "password123", "1q2w3e4r",
    "1q2w3e4r5t", "1qaz2wsx", "zaq12wsx", "abc12345", "abcd1234", "qwe12345", "asdf1234", "a1234567",
    "q1w2e3r4", "q1w2e3r4t5", "1234qwer", "12345qwe", "12345qwerty", "qwertyuiop1", "iloveyou1",
    "admin123", "admin12345", "parol123", "parol1234", "пароль123", "пароль1234", "йцукен123",
    "qwerty2026", "school123", "shkola123", "dnevnik123", "zhurnal123", "student123", "uchitel123",
})
# One-time passwords: no look-alikes (0/O, 1/l/I).
READABLE_LETTERS = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
READABLE_DIGITS = "23456789"


def min_length(staff: bool) -> int:
    return MIN_LENGTH_STAFF if staff else MIN_LENGTH_PERSONAL


def check_password(password: str, username: str | None = None, *, staff: bool = True) -> None:
    """RuleError («R12: …») when ``password`` breaks the policy: at least 8
    characters (10 for staff), letters and digits, not the login, not a common one."""
    password = password or ""
    need = min_length(staff)
    if len(password) < need:
        raise RuleError("R12", _l("Пароль должен быть не короче %(n)s символов.", n=need))
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise RuleError("R12", _l("Пароль должен содержать и буквы, и цифры."))
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise RuleError("R12", _l("Пароль не должен совпадать с логином или содержать его."))
    if lowered in COMMON_PASSWORDS:
        raise RuleError("R12", _l("Этот пароль слишком распространён, придумайте другой."))


def is_staff(account, roles) -> bool:
    """Staff (the stricter policy) unless every role of the account is a learner's or a
    parent's; ``roles``: the host's role declarations by name."""
    names = [r.name for r in account.roles]
    return not names or any(roles[n].staff if n in roles else True for n in names)


def change_own_password(account, old: str, new: str, confirm: str, *, staff: bool, hash_method: str) -> None:
    """Set the account's new password, or RuleError with the reason and nothing changed:
    the current password must be right, the new one typed twice the same, differ from
    the old one and meet the policy."""
    old, new = old or "", new or ""
    if not check_password_hash(account.password or "", old):
        raise RuleError("R12", _l("Текущий пароль введён неверно."))
    if new != (confirm or ""):
        raise RuleError("R12", _l("Новый пароль и повтор не совпадают."))
    if new == old:
        raise RuleError("R12", _l("Новый пароль должен отличаться от прежнего."))
    check_password(new, account.username, staff=staff)
    account.password = generate_password_hash(new, method=hash_method)


def one_time_password(length: int = 10) -> str:
    """A random password of readable characters with letters and digits."""
    alphabet = READABLE_LETTERS + READABLE_DIGITS
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.isdigit() for c in password) and any(c.isalpha() for c in password)
                and password.lower() not in COMMON_PASSWORDS):
            return password


def password_expired(changed_at: dt.datetime | None, max_age_days: int, now: dt.datetime) -> bool:
    """R12: a staff password older than ``max_age_days`` must be changed.
    An unknown date (never recorded) does not expire: the migration sets it."""
    if changed_at is None or not max_age_days:
        return False
    return now - changed_at > dt.timedelta(days=int(max_age_days))


# --- throttling ---------------------------------------------------------------

class MemoryStore:
    """Counters with an expiry, in this process (tests, a single worker)."""

    def __init__(self):
        self._data: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str) -> tuple[int, float] | None:
        item = self._data.get(key)
        if item is not None and item[1] <= time.time():
            self._data.pop(key, None)
            return None
        return item

    def incr(self, key: str, ttl: int) -> int:
        with self._lock:
            item = self._live(key)
            count = (item[0] if item else 0) + 1
            self._data[key] = (count, item[1] if item else time.time() + ttl)
            return count

    def get(self, key: str) -> int:
        with self._lock:
            item = self._live(key)
            return item[0] if item else 0

    def expire(self, key: str, ttl: int) -> None:
        with self._lock:
            item = self._live(key)
            if item:
                self._data[key] = (item[0], time.time() + ttl)

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisStore:
    """The same counters in Redis, shared by every worker process."""

    def __init__(self, url: str, prefix: str = "ejournal:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix

    def incr(self, key: str, ttl: int) -> int:
        key = self.prefix + key
        count, left = self.client.pipeline().incr(key).ttl(key).execute()
        if left is None or int(left) < 0:  # a new counter: its window starts now (works on Redis < 7 too)
            self.client.expire(key, ttl)
        return int(count)

    def get(self, key: str) -> int:
        value = self.client.get(self.prefix + key)
        return int(value) if value else 0

    def expire(self, key: str, ttl: int) -> None:
        self.client.expire(self.prefix + key, ttl)

    def delete(self, key: str) -> None:
        self.client.delete(self.prefix + key)


def make_store(uri: str | None):
    if uri and uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(uri)
    return MemoryStore()


class LoginThrottle:
    """Failed logins per account and per address; ``blocked`` says whether to refuse."""

    def __init__(self, store, account_limit: int = 5, address_limit: int = 20, window_minutes: int = 15):
        self.store = store
        self.account_limit = account_limit
        self.address_limit = address_limit
        self.window = window_minutes * 60

    @staticmethod
    def _keys(username: str, address: str | None) -> tuple[str, str]:
        return f"login-fail:user:{(username or '').strip().lower()}", f"login-fail:addr:{address or '-'}"

    def blocked(self, username: str, address: str | None) -> bool:
        user_key, addr_key = self._keys(username, address)
        return self.store.get(user_key) >= self.account_limit or self.store.get(addr_key) >= self.address_limit

    def failed(self, username: str, address: str | None) -> None:
        user_key, addr_key = self._keys(username, address)
        for key, limit in ((user_key, self.account_limit), (addr_key, self.address_limit)):
            if self.store.incr(key, self.window) >= limit:
                self.store.expire(key, self.window)  # refused for a whole window from the last failure

    def succeeded(self, username: str) -> None:
        self.store.delete(self._keys(username, None)[0])
