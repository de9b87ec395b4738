"""gunicorn's settings for ejournal (deploy/entrypoint.sh passes this file).

Environment: PORT (8000), WEB_CONCURRENCY (worker processes, 2), GUNICORN_THREADS (4),
GUNICORN_TIMEOUT (seconds a request may take, 120: a large PDF is made in a job, but a
page of the journal of a big college takes a while), LOG_LEVEL, LOG_FORMAT (app/logs.py).
gunicorn writes no access log of its own: the application's (``ejournal.access``) has
the request id, user and organisation. Its own messages come out in the same format."""
import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
control_socket_disable = True  # gunicorn ≥ 25's runtime control socket: not used, and no file in $HOME
if os.path.isdir("/dev/shm"):  # noqa: S108 - the heartbeat files in memory, not on an overlay disk
    worker_tmp_dir = "/dev/shm"  # nosec B108 - gunicorn's own heartbeat files, the documented place in containers

_formatter = "app.logs.TextFormatter" if os.environ.get("LOG_FORMAT", "json").lower() == "text" else \
    "app.logs.JsonFormatter"
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    # The application puts its handler on the root logger in each worker (app/logs.py).
    "root": {"level": os.environ.get("LOG_LEVEL", "INFO").upper(), "handlers": []},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "CRITICAL", "handlers": [], "propagate": False},
    },
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "ejournal", "stream": "ext://sys.stderr"}},
    "formatters": {"ejournal": {"()": _formatter}},
}
