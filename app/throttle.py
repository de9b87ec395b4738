"""Login throttling that fits schools (issue 16).

Wrong passwords are counted per *account*, whatever name it was typed as (login or
e-mail); a name nobody has gets a bucket of its own, so it answers like an account.
Each bucket allows ``LOGIN_FAILURES_PER_ACCOUNT`` wrong passwords (10) in any
``LOGIN_FAILURES_WINDOW_MINUTES`` (15); past that, one more try after a wait that
doubles with every further failure (``LOGIN_DELAY_SECONDS`` 60, up to
``LOGIN_DELAY_MAX_MINUTES`` 15). A throttled try is answered without checking the
password and is not counted. Nothing is stored in the database: no lock keeps the
owner out.

The owner keeps his own allowance (OWASP's device cookies): a browser that has
logged in to the account carries a signed cookie naming it, and its tries are
counted in a bucket of that browser's own, so strangers' failures never slow it
down. Per address (the real client address: ``TRUSTED_PROXIES``, app/http.py) only
failures count and only at a level no classroom reaches
(``LOGIN_FAILURES_PER_ADDRESS``, 100 a window); a browser with a device cookie of
the account is not counted there. Successful logins never count.

Each try takes a place in its buckets before its password is checked (atomically:
one Lua script in Redis, one lock in the process), so simultaneous tries never
check more passwords than the allowance. The counters live in Redis when
``LOGIN_THROTTLE_STORAGE_URI`` or ``REDIS_URL`` names one (every worker process
shares them), else in the process's memory.

Durations here are the wall clock's seconds (``time.time``), not the journal's
day (app/clock.py, which tests and demos pin).
"""
from __future__ import annotations

import hashlib
import logging
import math
import secrets
import threading
import time
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeTimedSerializer

log = logging.getLogger(__name__)

DEVICE_COOKIE = "ejournal_device"
DEVICE_SALT = "ejournal-login-device"
DEVICE_ACCOUNTS = 30  # a classroom computer is shared by a class: the most recent accounts are kept


# --- stores: the same three operations, atomic ---------------------------------

class MemoryStore:
    """The buckets in this process (a single worker, tests)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._log: dict[str, dict[str, float]] = {}  # key → token → when its try began
        self._count: dict[str, tuple[int, float]] = {}  # key → (failures in a row, forgotten at)
        self._until: dict[str, float] = {}  # key → no try before
        self._busy: dict[str, tuple[str, float]] = {}  # key → (token, until): the one try past the allowance
        self._operations = 0

    def _prune(self, key, now, window):
        self._operations += 1
        if self._operations % 1000 == 0:  # buckets nobody asks about again go too
            for other in set(self._log) | set(self._count) | set(self._until) | set(self._busy):
                self._prune_one(other, now, window)
        self._prune_one(key, now, window)
        return self._log.get(key, {})

    def _prune_one(self, key, now, window):
        entries = self._log.get(key, {})
        for token in [t for t, at in entries.items() if at <= now - window]:
            del entries[token]
        if not entries:
            self._log.pop(key, None)
        if self._until.get(key, now + 1) <= now:
            del self._until[key]
        if self._count.get(key, (0, now + 1))[1] <= now:
            del self._count[key]
        if self._busy.get(key, ("", now + 1))[1] <= now:
            del self._busy[key]

    def reserve(self, key, token, now, limit, window, hold) -> float:
        with self._lock:
            entries = self._prune(key, now, window)
            wait = max(0.0, self._until.get(key, 0.0) - now)
            if len(entries) >= limit:
                wait = max(wait, min(entries.values()) + window - now)
            if wait > 0:
                return wait
            if self._count.get(key, (0, 0))[0] >= limit:
                if key in self._busy:
                    return 1.0
                self._busy[key] = (token, now + hold)
            self._log.setdefault(key, {})[token] = now
            return 0.0

    def fail(self, key, token, now, limit, window, base, cap) -> None:
        with self._lock:
            count, forgotten_at = self._count.get(key, (0, now))
            count = (count if forgotten_at > now else 0) + 1
            self._count[key] = (count, now + window + cap)
            if count >= limit:
                self._until[key] = now + min(cap, base * 2 ** min(count - limit, 32))
            if self._busy.get(key, ("",))[0] == token:
                del self._busy[key]

    def succeed(self, key, token, forget) -> None:
        with self._lock:
            self._log.get(key, {}).pop(token, None)
            if self._busy.get(key, ("",))[0] == token:
                del self._busy[key]
            if forget:
                for table in (self._log, self._count, self._until, self._busy):
                    table.pop(key, None)


_RESERVE = """
local log, n_key, until_key, busy_key = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local now, limit, window, hold = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local token = ARGV[5]
redis.call('ZREMRANGEBYSCORE', log, '-inf', now - window)
local wait = 0
local untl = tonumber(redis.call('GET', until_key) or '0')
if untl > now then wait = untl - now end
if redis.call('ZCARD', log) >= limit then
  local oldest = redis.call('ZRANGE', log, 0, 0, 'WITHSCORES')
  local free = tonumber(oldest[2]) + window - now
  if free > wait then wait = free end
end
if wait > 0 then return tostring(wait) end
if tonumber(redis.call('GET', n_key) or '0') >= limit then
  if not redis.call('SET', busy_key, token, 'NX', 'PX', math.ceil(hold * 1000)) then return '1' end
end
redis.call('ZADD', log, now, token)
redis.call('PEXPIRE', log, math.ceil(window * 1000))
return '0'
"""

_FAIL = """
local n_key, until_key, busy_key = KEYS[1], KEYS[2], KEYS[3]
local now, limit, window, base, cap = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]),
  tonumber(ARGV[4]), tonumber(ARGV[5])
local n = redis.call('INCR', n_key)
redis.call('PEXPIRE', n_key, math.ceil((window + cap) * 1000))
if n >= limit then
  local delay = math.min(cap, base * 2 ^ (n - limit))
  redis.call('SET', until_key, tostring(now + delay), 'PX', math.ceil(delay * 1000) + 1000)
end
if redis.call('GET', busy_key) == ARGV[6] then redis.call('DEL', busy_key) end
return n
"""

_SUCCEED = """
redis.call('ZREM', KEYS[1], ARGV[1])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
if ARGV[2] == '1' then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4]) end
return 1
"""


class RedisStore:
    """The same buckets in Redis, shared by every worker process. Should Redis be
    unreachable, the process counts in its own memory meanwhile (logged)."""

    def __init__(self, url: str, prefix: str = "ejournal:login:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix
        self.errors = (redis.RedisError, OSError)
        self._reserve = self.client.register_script(_RESERVE)
        self._fail = self.client.register_script(_FAIL)
        self._succeed = self.client.register_script(_SUCCEED)
        self.fallback = MemoryStore()

    def keys(self, key: str) -> list[str]:
        base = self.prefix + key
        return [base + ":log", base + ":n", base + ":until", base + ":busy"]

    def _run(self, name, *args):
        try:
            return getattr(self, "_redis_" + name)(*args)
        except self.errors as exc:
            log.warning("login throttle: Redis unreachable (%s), counting in this process", exc)
            return getattr(self.fallback, name)(*args)

    def reserve(self, key, token, now, limit, window, hold) -> float:
        return self._run("reserve", key, token, now, limit, window, hold)

    def fail(self, key, token, now, limit, window, base, cap) -> None:
        self._run("fail", key, token, now, limit, window, base, cap)

    def succeed(self, key, token, forget) -> None:
        self._run("succeed", key, token, forget)

    def _redis_reserve(self, key, token, now, limit, window, hold):
        return float(self._reserve(keys=self.keys(key), args=[repr(now), limit, window, hold, token]))

    def _redis_fail(self, key, token, now, limit, window, base, cap):
        self._fail(keys=self.keys(key)[1:], args=[repr(now), limit, window, base, cap, token])

    def _redis_succeed(self, key, token, forget):
        self._succeed(keys=self.keys(key), args=[token, "1" if forget else "0"])

    def clear(self) -> None:
        """Forget every bucket under this store's prefix (tests)."""
        for key in self.client.scan_iter(match=self.prefix + "*"):
            self.client.delete(key)


def make_store(uri: str | None, prefix: str = "ejournal:login:"):
    if uri and uri.startswith(("redis://", "rediss://", "unix://")):
        return RedisStore(uri, prefix)
    return MemoryStore()


# --- the throttle ------------------------------------------------------------------

@dataclass
class Attempt:
    """One login try: the buckets it holds a place in, or the wait when refused."""

    token: str
    buckets: list[tuple[str, int]] = field(default_factory=list)  # (key, limit)
    wait: int = 0
    device: bool = False

    @property
    def refused(self) -> bool:
        return self.wait > 0


class LoginThrottle:
    def __init__(self, store, *, per_account: int = 10, per_address: int = 100, window_minutes: float = 15,
                 delay_seconds: float = 60, max_delay_minutes: float = 15, timer=time.time):
        self.store = store
        self.per_account = per_account
        self.per_address = per_address
        self.window = window_minutes * 60
        self.base = delay_seconds
        self.cap = max_delay_minutes * 60
        self.timer = timer

    @staticmethod
    def account_key(account_id: int | None, name: str, device: str | None = None) -> str:
        if account_id is None:  # nobody's name: a bucket of its own, like an account's
            return "name:" + hashlib.sha256(normalise(name).encode()).hexdigest()[:32]
        return f"acct:{account_id}" + (f":dev:{device}" if device else "")

    def begin(self, account_key: str, address: str | None, *, device: bool = False) -> Attempt:
        """Take a place for one try in the account's bucket and, without a device
        cookie, in the address's; refused (``wait`` seconds) when either is spent."""
        attempt = Attempt(token=secrets.token_hex(8), device=device)
        wanted = [(account_key, self.per_account)]
        if not device:
            wanted.append((f"addr:{address or '-'}", self.per_address))
        now = self.timer()
        for key, limit in wanted:
            wait = self.store.reserve(key, attempt.token, now, limit, self.window, self.cap)
            if wait > 0:
                self._release(attempt)
                attempt.buckets, attempt.wait = [], max(1, math.ceil(wait))
                return attempt
            attempt.buckets.append((key, limit))
        return attempt

    def failed(self, attempt: Attempt) -> None:
        now = self.timer()
        for key, limit in attempt.buckets:
            self.store.fail(key, attempt.token, now, limit, self.window, self.base, self.cap)

    def succeeded(self, attempt: Attempt) -> None:
        """A success is not counted; a trusted browser's own bucket starts anew."""
        for key, _limit in attempt.buckets:
            self.store.succeed(key, attempt.token, attempt.device and key.startswith("acct:"))

    def _release(self, attempt: Attempt) -> None:
        for key, _limit in attempt.buckets:
            self.store.succeed(key, attempt.token, False)


def normalise(name: str) -> str:
    return (name or "").strip().lower()


def throttle_for(app) -> LoginThrottle:
    """The application's throttle, made from its settings on first use."""
    ext = app.extensions
    if "ejournal_throttle" not in ext:
        cfg = app.config
        uri = cfg.get("LOGIN_THROTTLE_STORAGE_URI") or cfg.get("REDIS_URL") or ""
        if not uri and str(cfg.get("RATELIMIT_STORAGE_URI") or "").startswith("redis"):
            uri = cfg["RATELIMIT_STORAGE_URI"]
        ext["ejournal_throttle"] = LoginThrottle(
            make_store(uri, cfg.get("LOGIN_THROTTLE_KEY_PREFIX") or "ejournal:login:"),
            per_account=int(cfg.get("LOGIN_FAILURES_PER_ACCOUNT", 10)),
            per_address=int(cfg.get("LOGIN_FAILURES_PER_ADDRESS", 100)),
            window_minutes=float(cfg.get("LOGIN_FAILURES_WINDOW_MINUTES", 15)),
            delay_seconds=float(cfg.get("LOGIN_DELAY_SECONDS", 60)),
            max_delay_minutes=float(cfg.get("LOGIN_DELAY_MAX_MINUTES", 15)))
    return ext["ejournal_throttle"]


# --- device cookies (OWASP): the browsers an account has logged in from ---------

def _serializer(app) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _cookie_days(app) -> int:
    return int(app.config.get("LOGIN_DEVICE_COOKIE_DAYS", 365))


def devices_of(app, request) -> list[list]:
    """[account id, nonce] of every account this browser has logged in to (signed by us)."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = _serializer(app).loads(raw, max_age=_cookie_days(app) * 86400)
    except BadSignature:
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2] if isinstance(entries, list) else []


def device_nonce(app, request, account_id: int | None) -> str | None:
    """This browser's nonce for the account, when it has logged in to it before."""
    if account_id is None:
        return None
    return next((str(nonce) for owner, nonce in devices_of(app, request) if owner == account_id), None)


def remember_device(app, request, response, account_id: int) -> None:
    """After a successful login: the browser is trusted for the account from now on."""
    entries = devices_of(app, request)
    nonce = next((n for owner, n in entries if owner == account_id), None) or secrets.token_hex(8)
    entries = [[account_id, nonce]] + [e for e in entries if e[0] != account_id]
    days = _cookie_days(app)
    response.set_cookie(DEVICE_COOKIE, _serializer(app).dumps(entries[:DEVICE_ACCOUNTS]), max_age=days * 86400,
                        httponly=True, secure=bool(app.config.get("SESSION_COOKIE_SECURE")),
                        samesite=app.config.get("SESSION_COOKIE_SAMESITE") or "Lax")
