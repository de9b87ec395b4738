"""The schema comes from Alembic migrations and matches the models exactly."""
from __future__ import annotations

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import inspect, text

from app import create_app
from app.extensions import db

from .conftest import base_config, build_demo_app, dispose, drop_database, make_database


def test_upgrade_from_empty_gives_the_models_schema():
    """`flask db upgrade heads` on an empty database, then autogenerate finds nothing, types included."""
    url = make_database()
    app = create_app(base_config(url))
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade", "heads"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Model.metadata)
        assert diff == []
    finally:
        dispose(app)
        drop_database(url)


def test_init_command_builds_schema_and_roles():
    url = make_database()
    app = create_app(base_config(url))
    try:
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        assert "База данных готова" in result.output
        with app.app_context():
            names = {r.name for r in app.appbuilder.sm.get_all_roles()}
        assert set(app.extensions["ejournal"].roles) <= names
    finally:
        dispose(app)
        drop_database(url)


def test_every_foreign_key_is_indexed(app):
    """Foreign keys are what lists and scoping filter by: each leads an index."""
    missing = []
    with app.app_context():
        insp = inspect(db.engine)
        for table in Model.metadata.sorted_tables:
            if table.name.startswith("ab_"):
                continue  # FAB's own tables
            indexed = {tuple(ix["column_names"])[0] for ix in insp.get_indexes(table.name)}
            indexed |= {tuple(uc["column_names"])[0] for uc in insp.get_unique_constraints(table.name)}
            for fk in table.foreign_keys:
                if fk.parent.name not in indexed and not fk.parent.primary_key:
                    missing.append(f"{table.name}.{fk.parent.name}")
    assert missing == []


def _row_counts(conn) -> dict[str, int]:
    """Rows of every table of data (the version table is the upgrade's own bookkeeping)."""
    return {table: conn.execute(text(f'SELECT COUNT(*) FROM "{table}"')).scalar_one()
            for table in inspect(conn).get_table_names() if table != "alembic_version"}


def test_a_database_of_the_single_branch_layout_upgrades_without_losing_a_row():
    """Before each plugin had its own branch, the core's first revision created the
    college's tables and the database recorded one head. Such a database (the demo,
    with its version table put back as it was) upgrades to the branches: the college's
    revision is recorded, and no table gains or loses a row."""
    app, url = build_demo_app(f"layout_{uuid.uuid4().hex[:6]}")
    try:
        # That layout knew nothing of the college's later revisions: take them back first.
        result = app.test_cli_runner().invoke(args=["db", "downgrade", "college_0001"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.begin() as conn:
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = 'college_0001'"))
            before = _row_counts(conn)
        result = app.test_cli_runner().invoke(args=["init"])
        assert result.exit_code == 0, result.output
        with app.app_context(), db.engine.connect() as conn:
            after = _row_counts(conn)
            versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        assert any(v.startswith("college_") for v in versions) and any(v.startswith("preschool_") for v in versions)
        assert len(versions) == 3
        assert before["college_specialty"] > 0 and {table: after[table] for table in before} == before
    finally:
        dispose(app)
        drop_database(url)
