"""One-time tokens on the forms that create something (issue 16, item 5).

A form submitted twice (a double click, «Назад» and «Отправить» again, a browser
resending after a slow answer) must not create two homeworks, letters,
announcements or assignments. Every creating form carries a hidden
``idempotency_token``, new at every render (``{{ idempotency_field() }}`` in its
template); its view is wrapped in ``@once``:

- the first POST with a token takes it (atomically, keyed by the account and the
  token) and runs; when it succeeds (a redirect, no «danger» message flashed) the
  token is kept for ``IDEMPOTENCY_TTL_MINUTES`` with the address the user was sent on to;
- a second POST with the same token runs nothing: the user is sent to that same
  address with the note «Эта форма уже отправлена»; while the first is still
  running, the second waits for it a few seconds;
- a refused POST (a Russian message, data unchanged) or a failed one gives the
  token back, so the corrected form can be sent again.

A POST without a token (another client, a form of a plugin not yet marked) runs as
before. The tokens live in Redis when ``IDEMPOTENCY_STORAGE_URI`` or ``REDIS_URL``
names one (shared by every worker process), else in the process's memory (the
embedded single-process default). Durations are the wall clock's (``time``).
"""
from __future__ import annotations

import functools
import logging
import secrets
import threading
import time

from flask import current_app, flash, redirect, request, session
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

log = logging.getLogger(__name__)

FIELD = "idempotency_token"
PENDING = "\x00pending"
WAIT_SECONDS = 5.0


class MemoryStore:
    def __init__(self):
        self._items: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float):
        item = self._items.get(key)
        if item is not None and item[1] <= now:
            del self._items[key]
            return None
        return item

    def take(self, key: str, ttl: float) -> str | None:
        """Takes ``key`` if free (None), else answers what it holds."""
        now = time.time()
        with self._lock:
            item = self._live(key, now)
            if item is not None:
                return item[0]
            if len(self._items) > 10000:
                for k in [k for k, (_v, until) in self._items.items() if until <= now]:
                    del self._items[k]
            self._items[key] = (PENDING, now + ttl)
            return None

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._live(key, time.time())
            return item[0] if item else None

    def put(self, key: str, value: str, ttl: float) -> None:
        with self._lock:
            self._items[key] = (value, time.time() + ttl)

    def drop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)


class RedisStore:
    """The same in Redis (SET NX EX); should Redis be unreachable, the process's memory."""

    def __init__(self, url: str, prefix: str = "ejournal:once:"):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2)
        self.prefix = prefix
        self.errors = (redis.RedisError, OSError)
        self.fallback = MemoryStore()

    def _run(self, name, *args):
        try:
            return getattr(self, "_redis_" + name)(*args)
        except self.errors as exc:
            log.warning("idempotency: Redis unreachable (%s), keeping tokens in this process", exc)
            return getattr(self.fallback, name)(*args)

    def take(self, key, ttl):
        return self._run("take", key, ttl)

    def get(self, key):
        return self._run("get", key)

    def put(self, key, value, ttl):
        return self._run("put", key, value, ttl)

    def drop(self, key):
        return self._run("drop", key)

    def _redis_take(self, key, ttl):
        if self.client.set(self.prefix + key, PENDING, nx=True, ex=max(1, int(ttl))):
            return None
        value = self.client.get(self.prefix + key)
        return value.decode() if value is not None else PENDING

    def _redis_get(self, key):
        value = self.client.get(self.prefix + key)
        return value.decode() if value is not None else None

    def _redis_put(self, key, value, ttl):
        self.client.set(self.prefix + key, value, ex=max(1, int(ttl)))

    def _redis_drop(self, key):
        self.client.delete(self.prefix + key)


def store_for(app):
    ext = app.extensions
    if "ejournal_idempotency" not in ext:
        uri = app.config.get("IDEMPOTENCY_STORAGE_URI") or app.config.get("REDIS_URL") or ""
        ext["ejournal_idempotency"] = RedisStore(uri) if uri.startswith(("redis://", "rediss://", "unix://")) \
            else MemoryStore()
    return ext["ejournal_idempotency"]


def new_token() -> str:
    return secrets.token_urlsafe(18)


def idempotency_field() -> Markup:
    """The hidden field of a creating form: ``{{ idempotency_field() }}``."""
    return Markup('<input type="hidden" name="%s" value="%s">') % (FIELD, new_token())


def _ttl() -> float:
    return float(current_app.config.get("IDEMPOTENCY_TTL_MINUTES", 60)) * 60


def _succeeded(response, flashes_before: int) -> bool:
    if not 300 <= getattr(response, "status_code", 200) < 400 or not response.location:
        return False
    added = session.get("_flashes", [])[flashes_before:]
    # FAB flashes a failed add's error with flash's default category, «message».
    return not any(category in ("danger", "error", "message") for category, _m in added)


def _already_sent(value: str | None):
    flash(_("Эта форма уже отправлена"), "info")
    if value and value != PENDING:
        return redirect(value)
    return redirect(request.referrer or current_app.appbuilder.get_url_for_index)


def once(view):
    """Runs a creating form's POST once per token (see the module's docstring)."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        token = request.form.get(FIELD) if request.method == "POST" else None
        if not token or len(token) > 100:
            return view(*args, **kwargs)
        user = current_user.get_id() if current_user.is_authenticated else "anonymous"
        key = f"{user}:{request.endpoint}:{token}"
        store = store_for(current_app)
        held = store.take(key, _ttl())
        deadline = time.monotonic() + WAIT_SECONDS
        while held is not None:  # sent before
            if held != PENDING or time.monotonic() >= deadline:
                return _already_sent(held)
            time.sleep(0.1)  # the first submission is still running: its outcome decides
            held = store.take(key, _ttl())  # free again if it was refused: this one runs
        flashes_before = len(session.get("_flashes", []))
        try:
            response = view(*args, **kwargs)
        except BaseException:
            store.drop(key)
            raise
        response = current_app.make_response(response)
        if _succeeded(response, flashes_before):
            store.put(key, response.location, _ttl())
        else:
            store.drop(key)  # refused: the data is as it was, the form may be sent again
        return response

    wrapper.idempotent = True  # kept by FAB's has_access (functools.wraps): tests find the views so marked
    return wrapper


def init_idempotency(app) -> None:
    app.jinja_env.globals["idempotency_field"] = idempotency_field
