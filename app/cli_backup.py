"""``flask --app app backup --out FILE`` and ``flask --app app restore FILE [--force]``:
the database, the homework files, the archive and the secret key in one file and back
(issue 16, item 6; app/backup.py says what the file holds and how a restore is checked)."""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _


@click.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False, writable=True),
              help="Файл резервной копии (.tar.gz); записывается целиком или не записывается.")
@with_appcontext
def backup_command(out):
    """Резервная копия: база данных, файлы домашних заданий, архив и секретный ключ."""
    from . import backup as svc

    with current_app.test_request_context():
        try:
            manifest = svc.create_backup(Path(out))
        except svc.EjournalError as exc:
            raise click.ClickException(str(exc)) from None
        rows = sum(t["rows"] for t in manifest["tables"].values())
        click.echo(_("Резервная копия записана в %(out)s: база %(db)s, таблиц %(tables)s, строк %(rows)s, "
                     "файлов %(files)s.", out=out, db=manifest["database"], tables=len(manifest["tables"]),
                     rows=rows, files=len(manifest["files"])))
        if manifest["secret_key"]["file"]:
            click.echo(_("В копии секретный ключ приложения: храните её как пароль."))
        if manifest["secret_key"]["environment"]:
            click.echo(_("Секретный ключ задан переменной SECRET_KEY: в копию он не входит, сохраните его отдельно."),
                       err=True)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Заменить данные непустой установки.")
@with_appcontext
def restore_command(file, force):
    """Восстановить установку из резервной копии (остановите приложение на это время)."""
    from . import backup as svc

    with current_app.test_request_context():
        try:
            result = svc.restore_backup(Path(file), force=force)
        except svc.EjournalError as exc:
            raise click.ClickException(str(exc)) from None
        for warning in result.warnings:
            click.echo(warning, err=True)
        click.echo(_("Восстановлено: таблиц %(tables)s, строк %(rows)s; проверка пройдена.", tables=result.tables,
                     rows=result.rows))
