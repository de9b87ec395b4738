"""``/health`` for a load balancer: the database answers, its schema is at every
migration head the running code expects, and Redis answers where it is configured.
200 with {"status": "ok", …} when all hold, else 503 saying which did not; no login,
and nothing about the data."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from ..extensions import db

health = Blueprint("health", __name__)


def _database() -> tuple[bool, bool]:
    """(reachable, migrations current)."""
    from alembic.script import ScriptDirectory

    try:
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure to reach it is «not reachable»
        return False, False
    try:
        # The table itself, not alembic's MigrationContext: that logs two lines at every
        # check of the load balancer.
        with db.engine.connect() as connection:
            current = set(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except Exception:  # noqa: BLE001 - no table yet: never migrated
        return True, False
    config = current_app.extensions["migrate"].migrate.get_config()
    return True, current == set(ScriptDirectory.from_config(config).get_heads())


def _redis() -> bool | None:
    """None: no Redis configured."""
    url = current_app.config.get("REDIS_URL") or ""
    limiter = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    url = url or (limiter if limiter.startswith("redis") else "")
    if not url:
        return None
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_timeout=2).ping())
    except Exception:  # noqa: BLE001
        return False


@health.route("/health")
def check():
    reachable, migrated = _database()
    checks = {"database": reachable, "migrations": migrated}
    cache = _redis()
    if cache is not None:
        checks["redis"] = cache
    ok = all(checks.values())
    return jsonify(status="ok" if ok else "fail", **checks), 200 if ok else 503
