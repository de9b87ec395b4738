"""Command-line tasks: ``flask --app app init | demo | demo-credentials | report``."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import with_appcontext


def upgrade_schema() -> None:
    """Every branch to its head: the core's and each loaded plugin's."""
    from flask_migrate import upgrade

    upgrade(revision="heads")


@click.command("init")
@with_appcontext
def init_command():
    """Build or upgrade the schema and synchronise roles and permissions."""
    from .rights import sync_roles
    from .services.db_stats import refresh

    upgrade_schema()
    sync_roles()
    refresh()  # the planner's statistics (app/services/db_stats.py)
    click.echo("База данных готова.")


@click.command("demo")
@click.option("--scale", default=1, show_default=True, help="Во сколько раз больше организаций создать.")
@click.option("--size", default=1, show_default=True, type=click.IntRange(1, 7),
              help="Во сколько раз больше классов в каждой школе.")
@with_appcontext
def demo_command(scale: int, size: int):
    """Fill the database with the demo authority (idempotent)."""
    from .demo import build_demo
    from .services.db_stats import refresh

    created = build_demo(scale=scale, size=size)
    refresh()  # the planner's statistics of the new rows (app/services/db_stats.py)
    if created is None:
        click.echo("Демонстрационные данные уже есть.")
        return
    click.echo(f"Демонстрационные данные созданы: модули завели {len(created)} входов "
               f"в {len({login.organisation for login in created})} организациях.")


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
    from . import clock
    from .demo import demo_logins

    click.echo("\nЭлектронный журнал: http://127.0.0.1:8080")
    if clock.pinned_day() is not None:
        click.echo(f"Журнал живёт днём {clock.today():%d.%m.%Y} (EJOURNAL_TODAY)")
    click.echo("\nДемонстрационные входы:")
    for login in demo_logins():
        click.echo(f"  {login['role']:<32} {login['username']:<16} {login['password']:<16} {login['organisation']}")
    click.echo("")


@click.group("report")
def report_group():
    """Отчёты без браузера: список и формирование."""


@report_group.command("list")
@with_appcontext
def report_list_command():
    """Print every report: id, title, roles that may run it, parameters."""
    for spec in sorted(current_app.extensions["ejournal"].reports.values(), key=lambda s: s.id):
        params = ", ".join(f"{p.name} ({p.label})" for p in spec.params) or "—"
        click.echo(f"{spec.id}\t{spec.title}\tроли: {', '.join(spec.roles)}\tпараметры: {params}")


@report_group.command("run")
@click.argument("report_id")
@click.option("--user", "username", required=True, help="От чьего имени: те же права и та же видимость данных.")
@click.option("--org", help="Организация: номер (id) или краткое название.")
@click.option("--param", "params", multiple=True, help="Параметр ИМЯ=ЗНАЧЕНИЕ (можно несколько раз).")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx", "pdf"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Файл; без него — в стандартный вывод.")
@with_appcontext
def report_run_command(report_id, username, org, params, fmt, out):
    """Run REPORT_ID as a named user, exactly as on the page «Отчёты»."""
    import sys

    from sqlalchemy import or_, select

    from .extensions import db
    from .models import Account, Organisation
    from .reports import ReportError, allowed_reports, parse_params, run_report
    from .reports.formats import download_name, render
    from .scoping import acting_as, resolve_scope
    from .security import role_names_of

    host = current_app.extensions["ejournal"]
    spec = host.reports.get(report_id)
    if spec is None:
        raise click.ClickException(f"Нет отчёта «{report_id}». Список: flask --app app report list")
    session = db.session
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        raise click.ClickException(f"Нет активной учётной записи «{username}».")
    raw = dict(p.split("=", 1) for p in params if "=" in p)
    bad = [p for p in params if "=" not in p]
    if bad:
        raise click.ClickException(f"Параметр без знака «=»: {bad[0]}")
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)) as scope:
        if spec not in allowed_reports(session, host, role_names_of(session, account), scope):
            raise click.ClickException(f"Пользователю «{username}» этот отчёт недоступен.")
        if org:
            found = session.scalar(select(Organisation.id).where(
                or_(Organisation.id == (int(org) if org.isdigit() else -1), Organisation.short_name == org)))
            if found is None:
                raise click.ClickException(f"Организация «{org}» не найдена или недоступна пользователю «{username}».")
            raw["organisation"] = str(found)
        try:
            values, header = parse_params(session, spec, raw, scope)
        except ReportError as exc:
            raise click.ClickException(str(exc)) from None
        # The progress on stderr: stdout may be the report itself.
        with click.progressbar(length=100, label=f"Отчёт «{spec.title}»", file=sys.stderr,
                               show_percent=True, show_eta=False) as bar:
            bar.update(10)
            tables = run_report(session, spec, values)
            bar.update(50)  # tables built: 60 %
            data, _mime, ext = render(spec, values, header, tables, fmt)
            bar.update(40)
        if not out and fmt in ("pdf", "xlsx") and sys.stdout.isatty():  # no binary on a terminal: a named file
            out = download_name(spec, header, ext)
    if out:
        with open(out, "wb") as f:
            f.write(data)
        click.echo(f"Отчёт «{spec.title}» записан в {out}.", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


@click.group("archive")
def archive_group():
    """Архив журналов и ведомостей: сдача учебного года и проверка целостности."""


def _archive_year(session, org: str, year: str):
    from sqlalchemy import or_, select

    from .models import AcademicYear, Organisation

    found = session.scalar(select(Organisation).where(
        or_(Organisation.id == (int(org) if org.isdigit() else -1), Organisation.short_name == org)))
    if found is None:
        raise click.ClickException(f"Организация «{org}» не найдена.")
    y = session.scalar(select(AcademicYear).where(AcademicYear.org_id == found.id, AcademicYear.name == year))
    if y is None:
        raise click.ClickException(f"Учебный год «{year}» в «{found.short_name or found.name}» не найден.")
    return found, y


@archive_group.command("freeze")
@click.option("--org", required=True, help="Организация: номер (id) или краткое название.")
@click.option("--year", required=True, help="Учебный год, например 2026/2027.")
@click.option("--user", "username", required=True, help="Кто сдаёт (подписывает): логин заместителя директора.")
@with_appcontext
def archive_freeze_command(org, year, username):
    """Сдать журналы и ведомости учебного года в архив (PDF и SHA-256)."""
    from sqlalchemy import select

    from .extensions import db
    from .models import Account
    from .scoping import acting_as, resolve_scope
    from .services import archive as svc

    host = current_app.extensions["ejournal"]
    session = db.session
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        raise click.ClickException(f"Нет активной учётной записи «{username}».")
    organisation, academic_year = _archive_year(session, org, year)
    if svc.level_of(session, account, organisation.id) < 2:
        raise click.ClickException(f"Пользователю «{username}» сдавать журналы в архив не разрешено.")
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)):
        try:
            batch = svc.freeze_year(session, host, organisation, academic_year, account)
            session.commit()
        except svc.EjournalError as exc:
            session.rollback()
            raise click.ClickException(str(exc)) from None
        count = len(batch.files)
        click.echo(f"Учебный год {academic_year.name} сдан в архив: файлов {count}, "
                   f"папка {svc.archive_dir() / batch.directory}, SHA-256 списка {batch.manifest_sha256}.")


@archive_group.command("verify")
@click.option("--org", required=True, help="Организация: номер (id) или краткое название.")
@click.option("--year", required=True, help="Учебный год, например 2026/2027.")
@with_appcontext
def archive_verify_command(org, year):
    """Проверить, что файлы архива учебного года не изменены (выход 1, если изменены)."""
    from .extensions import db
    from .services import archive as svc

    session = db.session
    organisation, academic_year = _archive_year(session, org, year)
    batch = svc.existing_batch(session, organisation, academic_year)
    if batch is None:
        raise click.ClickException(f"Учебный год {academic_year.name} в архив не сдан.")
    damaged = svc.verify(session, batch)
    with current_app.test_request_context():
        for d in damaged:
            click.echo(f"{d.name}: {d.label}")
    if damaged:
        raise click.ClickException(f"Целостность архива нарушена: файлов {len(damaged)}.")
    click.echo(f"Целостность архива учебного года {academic_year.name} проверена: файлов {len(batch.files)}, "
               "все совпадают.")


def register_commands(app) -> None:
    from .cli_backup import backup_command, restore_command
    from .cli_organisations import authority_group, org_group, sysadmin_group
    from .imports.cli import import_group

    for command in (init_command, demo_command, demo_credentials_command, demo_banner_command, report_group,
                    archive_group, import_group, authority_group, org_group, sysadmin_group, backup_command,
                    restore_command):
        app.cli.add_command(command)
