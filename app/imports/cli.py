"""``flask --app app import KIND FILE --org ORG --user USERNAME [--dry-run]``, KIND one of
``groups``, ``staff``, ``learners``, ``load`` (``app.imports.KINDS``)."""
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
    """Загрузка из файлов XLSX и CSV: классы и группы, сотрудники, обучающиеся с законными
    представителями, учебная нагрузка."""


def run_import(kind: str, file: Path, org: str, username: str, dry_run: bool, slips: Path | None = None) -> None:
    """Check FILE as an import of ``kind`` and, unless ``dry_run``, write it all or nothing."""
    from sqlalchemy import or_, select

    from ..extensions import db
    from ..models import Account, Organisation
    from ..scoping import acting_as, resolve_scope
    from . import KINDS
    from .reading import ImportFileError, read_table

    svc = KINDS[kind]
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
    pdf = None
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)):
        try:
            rows = read_table(file.name, file.read_bytes())
        except ImportFileError as exc:
            raise click.ClickException(str(exc)) from None
        total = max(len(rows) - 1, 0)
        with click.progressbar(length=total * 2 if not dry_run else total,
                               label=getattr(svc, "PROGRESS", "Загрузка"),
                               file=sys.stderr, show_percent=True, show_eta=False) as bar:
            plan = svc.parse_rows(session, organisation.id, rows, progress=bar.update)
            if plan.errors:
                session.rollback()
            elif not dry_run:
                try:
                    svc.apply(session, organisation.id, plan, account.id, progress=bar.update)
                    issued = getattr(plan, "slips", None)
                    if issued is not None and issued.slips and slips is not None:
                        from ..views.issue_logins import slips_pdf

                        pdf = slips_pdf(issued, "Логины и пароли для входа в электронный журнал", organisation.name)
                    session.commit()
                    from ..services.db_stats import refresh

                    refresh()  # the planner's statistics of the new rows
                except Exception:
                    session.rollback()
                    raise
        counts = plan.counts()
        for error in plan.errors:
            click.echo(str(error))
        if plan.errors:
            raise click.ClickException(f"Ничего не загружено: ошибок {len(plan.errors)}.")
        summary = svc.summary(counts)
    if dry_run:
        click.echo(f"Проверка без записи: ошибок нет. Будет: {summary}")
        return
    click.echo(f"Загружено в «{organisation.short_name}»: {summary}")
    if pdf is not None:
        slips.write_bytes(pdf)
        click.echo(f"Листки с логинами и одноразовыми паролями: {slips}")
    elif counts.get("logins"):
        click.echo("Пароли выданных логинов нигде не показываются (для листков укажите --slips ФАЙЛ.pdf): "
                   "распечатайте листки на странице «Люди → Выдача логинов» — пароли будут выданы заново.")


def _command(kind: str, module):
    def command(file: Path, org: str, username: str, dry_run: bool, slips: Path | None = None):
        run_import(kind, file, org, username, dry_run, slips)

    command.__doc__ = (f"Загрузить «{module.TITLE}» из FILE (XLSX или CSV); столбцы: "
                       + ", ".join(f"«{c}»" for c in module.COLUMNS) + ".\n\n"
                       "Всё или ничего: при любой ошибке ничего не записывается, ошибки выводятся по одной "
                       "в строке с номером строки файла; код выхода 0 — только если загружено всё.")
    command = with_appcontext(command)
    if kind == "staff":
        command = click.option("--slips", type=click.Path(dir_okay=False, path_type=Path), default=None,
                               help="Куда записать PDF с листками логинов и одноразовых паролей.")(command)
    command = click.option("--dry-run", is_flag=True, help="Только проверить файл и показать, что будет сделано.")(
        command)
    command = click.option("--user", "username", required=True,
                           help="От чьего имени: его права и его запись в журнале изменений.")(command)
    command = click.option("--org", required=True, help="Организация: номер (id) или краткое название.")(command)
    command = click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))(command)
    return import_group.command(kind)(command)


def _register() -> None:
    from . import KINDS

    for kind, module in KINDS.items():
        globals()[f"import_{kind}_command"] = _command(kind, module)


_register()
