"""``flask --app app import learners FILE --org ORG --user USERNAME [--dry-run]``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def level_of(session, account, org_id: int) -> int:
    """The account's level on «Загрузка из файлов» in ``org_id`` (0, 1 read, 2 write)."""
    from ..roles import SYSTEM_ADMIN
    from ..security import role_levels, widest
    from . import RESOURCE

    if SYSTEM_ADMIN in {r.name for r in account.roles}:
        return 2
    if account.org_id is None or account.org_id != org_id:
        return 0
    return widest(role_levels(session, account, org_id)).get(RESOURCE, 0)


@click.group("import")
def import_group():
    """Загрузка из файлов XLSX и CSV: обучающиеся с законными представителями."""


@import_group.command("learners")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--org", required=True, help="Организация: номер (id) или краткое название.")
@click.option("--user", "username", required=True, help="От чьего имени: его права и его запись в журнале изменений.")
@click.option("--dry-run", is_flag=True, help="Только проверить файл и показать, что будет сделано.")
@with_appcontext
def import_learners_command(file: Path, org: str, username: str, dry_run: bool):
    """Загрузить обучающихся и их законных представителей из FILE (XLSX или CSV).

    Всё или ничего: при любой ошибке ничего не записывается, ошибки выводятся по одной
    в строке с номером строки файла; код выхода 0 — только если загружено всё."""
    from sqlalchemy import or_, select

    from ..extensions import db
    from ..models import Account, Organisation
    from ..scoping import acting_as, resolve_scope
    from . import learners as svc
    from .reading import ImportFileError, read_table

    host = current_app.extensions["ejournal"]
    session = db.session
    account = session.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active:
        raise click.ClickException(f"Нет активной учётной записи «{username}».")
    organisation = session.scalar(select(Organisation).where(
        or_(Organisation.id == (int(org) if org.isdigit() else -1), Organisation.short_name == org)))
    if organisation is None:
        raise click.ClickException(f"Организация «{org}» не найдена.")
    if level_of(session, account, organisation.id) < 2:
        raise click.ClickException(
            f"Пользователю «{username}» загрузка из файлов в «{organisation.short_name}» не разрешена.")
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)):
        try:
            rows = read_table(file.name, file.read_bytes())
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from None
        total = max(len(rows) - 1, 0)
        with click.progressbar(length=total * 2 if not dry_run else total, label="Загрузка обучающихся",
                               file=sys.stderr, show_percent=True, show_eta=False) as bar:
            plan = svc.parse_rows(session, organisation.id, rows, progress=bar.update)
            if plan.errors:
                session.rollback()
            elif not dry_run:
                try:
                    svc.apply(session, organisation.id, plan, account.id, progress=bar.update)
                    session.commit()
                except Exception:
                    session.rollback()
                    raise
        counts = plan.counts()
        for error in plan.errors:
            click.echo(str(error))
        if plan.errors:
            raise click.ClickException(f"Ничего не загружено: ошибок {len(plan.errors)}.")
        summary = (f"обучающихся новых {counts['create']}, обновлённых {counts['update']}, без изменений "
                   f"{counts['same']}; представителей новых {counts['guardians_create']}, обновлённых "
                   f"{counts['guardians_update']}; связей {counts['links_create']}; приказов о зачислении "
                   f"{counts['orders']}.")
        if dry_run:
            click.echo(f"Проверка без записи: ошибок нет. Будет: {summary}")
        else:
            click.echo(f"Загружено в «{organisation.short_name}»: {summary}")
