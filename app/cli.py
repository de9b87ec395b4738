"""Command-line tasks: ``flask --app app init | demo | demo-credentials``."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext


def sync_roles() -> None:
    """Create the roles the plugins declare, and FAB's own permissions.

    Run at deploy (``init``), never on every start (Superset's lesson: syncing
    in every worker raced).
    """
    sm = current_app.appbuilder.sm
    current_app.appbuilder.add_permissions(update_perms=True)
    for name in [sm.auth_role_admin, sm.auth_role_public, *current_app.extensions["ejournal"].roles]:
        if sm.find_role(name) is None:
            sm.add_role(name)
    sm.session.commit()


def upgrade_schema() -> None:
    from flask_migrate import upgrade

    upgrade()


@click.command("init")
@with_appcontext
def init_command():
    """Build or upgrade the schema and synchronise roles and permissions."""
    upgrade_schema()
    sync_roles()
    click.echo("База данных готова.")


@click.command("demo")
@click.option("--scale", default=1, show_default=True, help="Во сколько раз больше организаций создать.")
@with_appcontext
def demo_command(scale: int):
    """Fill the database with the demo authority (idempotent)."""
    from .demo import build_demo

    created = build_demo(scale=scale)
    click.echo("Демонстрационные данные созданы." if created else "Демонстрационные данные уже есть.")


@click.command("demo-credentials")
@with_appcontext
def demo_credentials_command():
    """Print the demo logins as JSON: role, username, password, organisation."""
    from .demo import demo_logins

    click.echo(json.dumps(demo_logins(), ensure_ascii=False, indent=2))


@click.command("demo-banner")
@with_appcontext
def demo_banner_command():
    """Print where to log in and with which demo logins (for `make run`)."""
    from .demo import demo_logins

    click.echo("\nЭлектронный журнал: http://127.0.0.1:8080\n\nДемонстрационные входы:")
    for login in demo_logins():
        click.echo(f"  {login['role']:<32} {login['username']:<16} {login['password']:<16} {login['organisation']}")
    click.echo("")


def register_commands(app) -> None:
    for command in (init_command, demo_command, demo_credentials_command, demo_banner_command):
        app.cli.add_command(command)
