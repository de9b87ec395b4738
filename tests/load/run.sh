#!/usr/bin/env bash
# `make load`: a region's morning peak against gunicorn on loopback (issue 17). Not run in CI.
#
# Builds (unless LOAD_REUSE=1) a PostgreSQL database of `flask demo --scale SCALE --size SIZE`, starts
# gunicorn (deploy/gunicorn.conf.py, WORKERS processes) and an RQ worker on REDIS_URL,
# runs locust headless for DURATION seconds with USERS users (teachers, parents, one deputy
# starting a PDF ledger as a job: tests/load/locustfile.py) and prints req/s and p50/p95
# per kind. Everything it starts it stops.
#
#   make load                       # SCALE=1 SIZE=1 DURATION=60 USERS=60 WORKERS=4
#   SCALE=15 SIZE=3 make load        # a region: 30 organisations, about 30,000 learners
#   LOAD_REUSE=1 make load           # the same database again
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${BIN:-.venv/bin}
export DATABASE_URL=${LOAD_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/ejournal_load}
export REDIS_URL=${LOAD_REDIS_URL:-redis://127.0.0.1:6379/11}
export JOB_QUEUE_NAME=ejournal-load SECRET_KEY=${SECRET_KEY:-load-test-only} LOG_LEVEL=WARNING LOG_FORMAT=text
export EJOURNAL_INSTANCE_DIR=${EJOURNAL_INSTANCE_DIR:-$(mktemp -d /tmp/ejournal-load.XXXXXX)}
SCALE=${SCALE:-1} SIZE=${SIZE:-1} DURATION=${DURATION:-60} USERS=${USERS:-60} WORKERS=${WORKERS:-4} PORT=${PORT:-8765}
mkdir -p "$EJOURNAL_INSTANCE_DIR"  # make exports the project's instance folder, absent on a fresh clone
PLAN=$EJOURNAL_INSTANCE_DIR/plan.json

pids=()
stop() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap stop EXIT

if [ "${LOAD_REUSE:-0}" != 1 ]; then
  "$BIN/python" - <<'PY'
import os
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
url = make_url(os.environ["DATABASE_URL"])
admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
with admin.connect() as conn:
    conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    conn.execute(text(f'CREATE DATABASE "{url.database}"'))
PY
  "$BIN/flask" --app app init >/dev/null
  start=$(date +%s)
  "$BIN/flask" --app app demo --scale "$SCALE" --size "$SIZE" >/dev/null
  echo "demo --scale $SCALE --size $SIZE: $(( $(date +%s) - start )) с"
fi
"$BIN/python" tests/load/plan.py > "$PLAN"

"$BIN/gunicorn" --config deploy/gunicorn.conf.py --bind "127.0.0.1:$PORT" --workers "$WORKERS" "app:create_app()" \
  2> "$EJOURNAL_INSTANCE_DIR/gunicorn.log" &
pids+=($!)
"$BIN/rq" worker --url "$REDIS_URL" "$JOB_QUEUE_NAME" > "$EJOURNAL_INSTANCE_DIR/worker.log" 2>&1 &
pids+=($!)
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 1
done

echo "locust: $USERS пользователей, $DURATION с, gunicorn $WORKERS процессов × ${GUNICORN_THREADS:-4} потока, $(nproc) ядра"
LOAD_PLAN=$PLAN "$BIN/locust" -f tests/load/locustfile.py --headless --only-summary -u "$USERS" \
  -r "$(( USERS / 5 + 1 ))" -t "${DURATION}s" --host "http://127.0.0.1:$PORT" --stop-timeout 5 2>&1 \
  | grep -v "^\[" || true
