#!/bin/sh
# The image's entry point (Dockerfile, compose.yaml); deploy/smoke.sh runs it outside Docker.
#
#   web     (default) wait for the database, build or upgrade the schema and the roles
#           (`flask --app app init`: idempotent, safe on every start and upgrade), then serve
#           with gunicorn on $PORT (8000)
#   worker  wait for the database, then run the RQ worker of background jobs (large
#           reports, e-mail) on $REDIS_URL, queue $JOB_QUEUE_NAME
#   init    only the schema and the roles
#   other   run as given, e.g. `flask --app app org create …`, `flask --app app backup …`
set -eu

here=$(cd "$(dirname "$0")" && pwd)

wait_for_database() {
    python - <<'PY'
import os
import sys
import time

from sqlalchemy import create_engine, text

url = os.environ.get("DATABASE_URL", "")
if not url or url.startswith("sqlite"):
    sys.exit(0)
deadline = time.monotonic() + int(os.environ.get("DATABASE_WAIT_SECONDS", "60"))
engine = create_engine(url, pool_pre_ping=True)
while True:
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        break
    except Exception as exc:  # noqa: BLE001 - not up yet: try again until the deadline
        if time.monotonic() > deadline:
            sys.exit(f"База данных не отвечает: {type(exc).__name__}")
        time.sleep(1)
engine.dispose()
PY
}

command=${1:-web}
case "$command" in
    web)
        if [ $# -gt 0 ]; then shift; fi
        wait_for_database
        flask --app app init
        exec gunicorn --config "${GUNICORN_CONFIG:-$here/gunicorn.conf.py}" "$@" "app:create_app()"
        ;;
    worker)
        shift
        wait_for_database
        : "${REDIS_URL:?REDIS_URL не задан: фоновым заданиям нужен Redis}"
        # --with-scheduler: the retries of e-mail are scheduled jobs.
        exec rq worker --with-scheduler --url "$REDIS_URL" "$@" "${JOB_QUEUE_NAME:-ejournal}"
        ;;
    init)
        wait_for_database
        exec flask --app app init
        ;;
    *)
        exec "$@"
        ;;
esac
