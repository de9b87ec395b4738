"""``flask --app app authority create`` and ``flask --app app org create``: the system
administrator's authorities and organisations without the browser (issue 15)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from .exceptions import EjournalError, SettingsError


def _refused(exc: EjournalError) -> click.ClickException:
    if isinstance(exc, SettingsError):
        return click.ClickException("\n".join(exc.errors.values()))
    return click.ClickException(str(exc))


@click.group("authority")
def authority_group():
    """Органы управления образованием."""


@authority_group.command("create")
@click.option("--name", required=True, help="Полное название органа управления образованием.")
@click.option("--short", "short_name", default="", help="Краткое название, например «УО г. Заречный».")
@with_appcontext
def authority_create_command(name, short_name):
    """Create an education authority."""
    from .extensions import db
    from .services.organisations import create_authority

    session = db.session
    try:
        authority = create_authority(session, name, short_name)
        session.commit()
    except EjournalError as exc:
        session.rollback()
        raise _refused(exc) from None
    click.echo(f"Орган управления образованием создан: {authority.name} (№ {authority.id}).")


@click.group("org")
def org_group():
    """Образовательные организации."""


@org_group.command("create")
@click.option("--authority", "authority_name", required=True, help="Орган управления: полное или краткое название.")
@click.option("--name", "full_name", required=True, help="Полное название организации.")
@click.option("--short", "short_name", required=True, help="Краткое название (единственное в системе).")
@click.option("--plugins", required=True, help="Виды организации через запятую, например school,preschool.")
@click.option("--tz", "time_zone", required=True, help="Часовой пояс, например Europe/Moscow.")
@click.option("--inn", default="", help="ИНН (10 цифр).")
@click.option("--ogrn", default="", help="ОГРН (13 цифр).")
@click.option("--address", default="", help="Адрес.")
@click.option("--director", default="", help="ФИО руководителя.")
@click.option("--admin", "admin_name", required=True, help="ФИО первого администратора: «Фамилия Имя Отчество».")
@click.option("--admin-email", default="", help="Электронная почта администратора.")
@with_appcontext
def org_create_command(authority_name, full_name, short_name, plugins, time_zone, inn, ogrn, address, director,
                       admin_name, admin_email):
    """Create an organisation and its first Администратор; print his login and one-time password."""
    from .extensions import db
    from .roles import ADMINISTRATOR
    from .services import organisations as svc

    session = db.session
    host = current_app.extensions["ejournal"]
    if current_app.appbuilder.sm.find_role(ADMINISTRATOR) is None:
        raise click.ClickException("Роли не созданы: сначала выполните `flask --app app init`.")
    authority = svc.find_authority(session, authority_name)
    if authority is None:
        raise click.ClickException(f"Орган управления образованием «{authority_name}» не найден: создайте его "
                                   f"командой `flask --app app authority create --name …`.")
    codes = [code.strip() for code in plugins.split(",") if code.strip()]
    try:
        last, first, middle = svc.split_full_name(admin_name)
        # Every refusal before anything is written: the organisation's and its administrator's.
        errors = {**svc.organisation_errors(session, host, full_name, short_name, codes, time_zone, inn, ogrn),
                  **svc.admin_errors(session, last, first, admin_email)}
        if errors:
            raise SettingsError(errors)
        org = svc.create_organisation(session, host, authority, full_name, short_name, codes, time_zone, inn=inn,
                                      ogrn=ogrn, address=address, director=director)
        slip = svc.create_first_admin(session, org, last, first, middle, admin_email)
        session.commit()
    except EjournalError as exc:
        session.rollback()
        raise _refused(exc) from None
    click.echo(f"Организация создана: {org.name} (№ {org.id}, «{org.short_name}»).")
    click.echo(f"Первый администратор: {slip.full_name}")
    click.echo(f"Логин: {slip.login}")
    click.echo(f"Одноразовый пароль: {slip.password}")
    click.echo("Пароль показан один раз: передайте его администратору; при первом входе его нужно сменить.")


@click.group("sysadmin")
def sysadmin_group():
    """Администраторы системы (роль Admin): заводят органы управления и организации."""


@sysadmin_group.command("create")
@click.option("--username", required=True, help="Логин.")
@click.option("--name", "full_name", required=True, help="ФИО: «Фамилия Имя [Отчество]».")
@click.option("--email", required=True, help="Адрес электронной почты (единственный в системе).")
@with_appcontext
def sysadmin_create_command(username, full_name, email):
    """Завести администратора системы с одноразовым паролем (сменить при первом входе).

    Он видит все органы управления и организации, но ничьих журналов не ведёт; первого
    администратора организации назначает `flask --app app org create --admin`."""
    from sqlalchemy import func, or_, select

    from .extensions import db
    from .models import Account
    from .roles import SYSTEM_ADMIN
    from .scoping import acting_as
    from .services.accounts import _set_one_time_password
    from .services.passwords import one_time_password

    session = db.session
    parts = full_name.split()
    if len(parts) < 2:
        raise click.ClickException("Укажите фамилию и имя: «Фамилия Имя [Отчество]».")
    username, email = username.strip(), email.strip()
    with acting_as(None):
        if session.scalar(select(func.count()).select_from(Account).where(
                or_(Account.username == username, Account.email == email))):
            raise click.ClickException(f"Логин «{username}» или адрес {email} уже заняты.")
        role = current_app.appbuilder.sm.find_role(SYSTEM_ADMIN)
        account = Account(username=username, last_name=parts[0], first_name=" ".join(parts[1:]), email=email,
                          active=True, roles=[role])
        password = one_time_password(12)
        _set_one_time_password(account, password)
        session.add(account)
        session.commit()
    click.echo(f"Администратор системы: {full_name}\nЛогин: {username}\nОдноразовый пароль: {password}\n"
               "Пароль показан один раз; при первом входе его нужно сменить.")
