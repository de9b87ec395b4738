#!/usr/bin/env bash
# What the image does, without Docker: deploy/entrypoint.sh against a throw-away
# PostgreSQL database and the local Redis — `web` runs the migrations (twice: a restart
# is an upgrade with nothing to do) and serves with gunicorn until /health answers 200
# with everything ok; `worker` starts the RQ worker on the job queue. Then both stop and
# the database is dropped. Exit 0 only if all of that held.
#
#   deploy/smoke.sh                      (the checkout's .venv, PostgreSQL and Redis on localhost)
#   SMOKE_SHOW_LOGS=1 deploy/smoke.sh   (and the end of every log)
#   SMOKE_PG_URL=postgresql+psycopg://postgres@db:5432/postgres SMOKE_REDIS_URL=redis://db:6379/0 deploy/smoke.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
venv=${SMOKE_VENV:-$root/.venv}
export PATH="$venv/bin:$PATH"
pg_url=${SMOKE_PG_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/postgres}
redis_url=${SMOKE_REDIS_URL:-redis://127.0.0.1:6379/0}
timeout=${SMOKE_TIMEOUT:-120}

work=$(mktemp -d "${TMPDIR:-/tmp}/ejournal-smoke.XXXXXX")
suffix=$(basename "$work" | sed 's/^ejournal-smoke\.//' | tr -dc 'A-Za-z0-9' | tr 'A-Z' 'a-z')
database="ejournal_smoke_${suffix}"
web_pid="" worker_pid=""

db() {  # db create|drop: the throw-away database on the server of $pg_url
    python - "$1" "$pg_url" "$database" <<'PY'
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

action, url, name = sys.argv[1:]
admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as connection:
    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if action == "create":
        connection.execute(text(f'CREATE DATABASE "{name}"'))
print(make_url(url).set(database=name).render_as_string(hide_password=False))
PY
}

stop() {  # stop PID: TERM, then KILL after 20 s
    local pid=$1
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    if [ -n "${SMOKE_SHOW_LOGS:-}" ]; then tail -n 20 "$work"/*.log; fi
    stop "$worker_pid"
    stop "$web_pid"
    db drop >/dev/null 2>&1 || echo "smoke: $(date +%T) could not drop $database" >&2
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
export DATABASE_URL
DATABASE_URL=$(db create)
export REDIS_URL=$redis_url RATELIMIT_STORAGE_URI=$redis_url
export JOB_QUEUE_NAME="ejournal_smoke_${suffix}"
export SECRET_KEY="smoke-${suffix}" EJOURNAL_INSTANCE_DIR="$work/instance" PORT=$port
export WEB_CONCURRENCY=1 GUNICORN_THREADS=2 LOG_FORMAT=json LOG_LEVEL=INFO
unset EJOURNAL_TODAY FLASK_DEBUG TESTING || true

echo "smoke: $(date +%T) web on 127.0.0.1:$port, database $database"
"$here/entrypoint.sh" web --bind "127.0.0.1:$port" >"$work/web.log" 2>&1 &
web_pid=$!
health=""
deadline=$(( $(date +%s) + timeout ))
while [ "$(date +%s)" -lt "$deadline" ]; do
    if ! kill -0 "$web_pid" 2>/dev/null; then echo "smoke: $(date +%T) the web process ended"; cat "$work/web.log"; exit 1; fi
    health=$(curl -fsS -H "X-Request-ID: smoke-${suffix}" "http://127.0.0.1:$port/health" 2>/dev/null) && break
    health=""
    sleep 1
done
expected='{"database":true,"migrations":true,"redis":true,"status":"ok"}'
actual=$(printf '%s' "$health" | python -c 'import json, sys; print(json.dumps(json.load(sys.stdin), sort_keys=True, separators=(",", ":")))' 2>/dev/null || true)
if [ "$actual" != "$expected" ]; then
    echo "smoke: $(date +%T) /health answered «$health», expected $expected"; cat "$work/web.log"; exit 1
fi
# The access line of that request, as JSON, with its request id.
grep -q "\"request_id\": \"smoke-${suffix}\"" "$work/web.log" \
    || { echo "smoke: $(date +%T) no JSON access line for the request"; cat "$work/web.log"; exit 1; }

echo "smoke: $(date +%T) init again (a restart or an upgrade with nothing to do)"
"$here/entrypoint.sh" init >"$work/init.log" 2>&1 || { echo "smoke: init failed"; cat "$work/init.log"; exit 1; }

echo "smoke: $(date +%T) worker on $JOB_QUEUE_NAME"
"$here/entrypoint.sh" worker >"$work/worker.log" 2>&1 &
worker_pid=$!
started=""
for _ in $(seq 1 60); do
    if ! kill -0 "$worker_pid" 2>/dev/null; then break; fi
    if grep -qs "Listening on" "$work/worker.log"; then started=1; break; fi
    sleep 0.5
done
[ -n "$started" ] || { echo "smoke: $(date +%T) the worker did not start"; cat "$work/worker.log"; exit 1; }

echo "smoke: $(date +%T) ok — $health"
