"""The schema comes from Alembic migrations and matches the models exactly."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_appbuilder import Model
from sqlalchemy import inspect

from app import create_app
from app.extensions import db

from .conftest import base_config, dispose, drop_database, make_database


def test_upgrade_from_empty_gives_the_models_schema():
    """`flask db upgrade` on an empty database, then autogenerate finds nothing, types included."""
    url = make_database()
    app = create_app(base_config(url))
    try:
        result = app.test_cli_runner().invoke(args=["db", "upgrade"])
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
