"""Logs for operations: one line per event on stderr, JSON lines by default.

Every record made while a request is served carries that request's id, and the user
and organisation it works for; the id comes from the proxy's ``X-Request-ID`` when it
looks sane, else a new one, and goes back in the response's ``X-Request-ID`` (and on
the error page, as «Код обращения»), so that a user's call to support finds its lines.

One access line per request (logger ``ejournal.access``): method, path (never the query
string: it may carry names and other personal data), route, status, duration, user,
organisation, request id and the client's address as ``ProxyFix`` resolved it. An
unhandled error is logged once, with its traceback, by Flask (``app.log_exception``);
the error page (app/errors.py) does not log it again, and neither werkzeug nor gunicorn
see it, since it never leaves the application.

``LOG_FORMAT`` is ``json`` (the default) or ``text`` (``FLASK_DEBUG``); ``LOG_LEVEL``
defaults to ``INFO``. Under ``TESTING`` no handler is installed: pytest collects the
records itself, and a passing test prints nothing.
"""
from __future__ import annotations

import contextlib
import json
import logging
import re
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

ACCESS = logging.getLogger("ejournal.access")
HEADER = "X-Request-ID"
ENVIRON_KEY = "ejournal.request_id"
_SANE_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
# The attributes every LogRecord has: anything else on a record is a field of its own.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}
_CONTEXT = ("request_id", "user_id", "org_id")


def request_id_from(header: str | None) -> str:
    """The proxy's id when it is at most 64 letters, digits and hyphens; else a new one."""
    if header and _SANE_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


def current_request_id() -> str | None:
    if not has_request_context():
        return None
    return request.environ.get(ENVIRON_KEY)


def _request_context() -> dict:
    """The request id, user and organisation of the request being served, if any."""
    if not has_request_context():
        return {}
    context = {"request_id": request.environ.get(ENVIRON_KEY)}
    scope = g.get("ejournal_scope")  # app/security.py: scope_for_request
    if scope is not None:
        context["user_id"] = scope.user_id
        org_ids = scope.org_ids
        context["org_id"] = org_ids[0] if len(org_ids) == 1 else scope.default_org_id
    return context


def _install_record_factory() -> None:
    """Every record made in a request knows its request: whichever handler writes it,
    ours, pytest's or one a deployment adds. Installed once a process."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_ejournal", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        with contextlib.suppress(Exception):  # a log line must never fail what it logs
            for key, value in _request_context().items():
                setattr(record, key, value)
        return record

    factory._ejournal = True
    logging.setLogRecordFactory(factory)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message, the request's
    context, any ``extra`` fields, and the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            # Real time, not app/clock.py's: a pinned journal day must not move the logs.
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_") and value is not None:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        elif record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = record.stack_info
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """For a developer's terminal: the request id in brackets when there is one."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s%(context)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        record.context = f" [{request_id}]" if request_id else ""
        return super().format(record)


def configure_logging(level: str | int = "INFO", fmt: str = "json", stream=None) -> logging.Handler:
    """The process's one handler on the root logger (replacing the one an earlier app
    installed): every library's records come out in the same format."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(TextFormatter() if fmt == "text" else JsonFormatter())
    handler._ejournal = True
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_ejournal", False)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    if fmt != "text":  # a developer keeps the development server's banner and lines
        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # our access line replaces its own
    # alembic's plugins and FAB («Initializing AppBuilder», every permission it adds at
    # `init`) announce themselves in every process that loads the app, a command's too.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)
    return handler


def init_logging(app: Flask) -> None:
    _install_record_factory()
    if not app.testing:
        from flask.logging import default_handler

        configure_logging(app.config.get("LOG_LEVEL") or "INFO", (app.config.get("LOG_FORMAT") or "json").lower())
        app.logger.removeHandler(default_handler)  # the root's handler writes Flask's records too
        app.extensions["ejournal_logs"] = True  # app/migrations/env.py leaves the logging as it is
    # First among the hooks: the id exists before any other hook may log or refuse, and the
    # access line (after_request hooks run in reverse) is written last, with the final status.
    app.before_request(_start_request)
    app.after_request(_finish_request)


def _start_request() -> None:
    request_id = request_id_from(request.headers.get(HEADER))
    request.environ[ENVIRON_KEY] = request_id
    g.request_id = request_id
    request.environ["ejournal.started"] = time.perf_counter()


def _finish_request(response):
    request_id = current_request_id()
    if request_id is None:  # a response made before our before_request ran
        return response
    response.headers[HEADER] = request_id
    started = request.environ.get("ejournal.started")
    duration = round((time.perf_counter() - started) * 1000, 1) if started else None
    rule = request.url_rule.rule if request.url_rule is not None else None
    ACCESS.info("%s %s %s %sms", request.method, request.path, response.status_code, duration,
                extra={"method": request.method, "path": request.path, "route": rule,
                       "status": response.status_code, "duration_ms": duration,
                       "remote_addr": request.remote_addr})
    return response
