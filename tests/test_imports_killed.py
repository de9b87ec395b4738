"""An import killed in the middle (kill -9, after its first batch of rows has reached
the database, before the commit) leaves nothing behind, and the rerun imports every
row once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from sqlalchemy import func, select

from app.extensions import db
from app.models import Guardian, Learner
from tests.test_imports import _many

ROOT = Path(__file__).resolve().parent.parent

# The command as an operator runs it, in its own process, which kills itself the
# moment the first batch (500 learners with their guardians) has been flushed.
KILLED_RUN = textwrap.dedent("""
    import os, signal, sys
    from app import create_app
    from app.imports import learners
    from tests.conftest import base_config

    url, path = sys.argv[1:3]
    app = create_app(base_config(url))
    real_apply = learners.apply

    def apply(session, org_id, plan, account_id=None, progress=None):
        def die(_done):
            session.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return real_apply(session, org_id, plan, account_id, progress=die)

    learners.apply = apply
    app.test_cli_runner().invoke(args=["import", "learners", path, "--org", "Школа № 1", "--user", "admin1"],
                                 catch_exceptions=False)
    sys.exit(3)  # not reached: the process is killed
""")


def _counts(app, org_id) -> tuple[int, int]:
    with app.app_context():
        return (db.session.scalar(select(func.count()).select_from(Learner).where(Learner.org_id == org_id)),
                db.session.scalar(select(func.count()).select_from(Guardian).where(Guardian.org_id == org_id)))


def test_killed_import_leaves_nothing_and_the_rerun_imports_once(app, world, tmp_path):
    data = tmp_path / "learners.csv"
    data.write_bytes(_many(600, "Убит"))
    before = _counts(app, world.org1)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # the child writes; nothing of ours holds the database meanwhile
    child = subprocess.run([sys.executable, "-c", KILLED_RUN, app.config["SQLALCHEMY_DATABASE_URI"], str(data)],
                           cwd=ROOT, env=dict(os.environ), capture_output=True, text=True, timeout=300)
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    assert _counts(app, world.org1) == before

    runner = app.test_cli_runner()
    args = ["import", "learners", str(data), "--org", "Школа № 1", "--user", "admin1"]
    result = runner.invoke(args=args)
    assert (result.exit_code, "обучающихся новых 600" in result.output) == (0, True), result.output
    again = runner.invoke(args=args)
    assert "обучающихся новых 0, обновлённых 0, без изменений 600" in again.output, again.output
    assert _counts(app, world.org1) == (before[0] + 600, before[1] + 300)
