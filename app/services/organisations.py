"""Органы управления образованием и организации (issue 15): the system administrator
creates an authority, its organisations and each organisation's first Администратор.

An organisation gets, with itself, what every organisation needs before anyone works
in it: its first academic year with the periods of each enabled plugin's calendar, the
kinds of work and the attendance codes. Its first Администратор gets a login and a
one-time password like any issued login (``accounts._issue_one``): the password is
returned once, for the slip, and must be changed at the first login.

Everything is checked before anything is written; nothing is committed here (the
caller commits, or rolls back on a refusal).
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import clock
from ..audit import log_created
from ..core_plugin import ATTENDANCE_CODES
from ..exceptions import SettingsError
from ..models import (
    AcademicYear,
    Account,
    AssignmentType,
    AttendanceCode,
    Authority,
    Organisation,
    Period,
    Staff,
)
from ..roles import ADMINISTRATOR
from ..scoping import acting_as

# Kinds of work and their weights (seed 002) every new organisation starts with (the demo's too).
ASSIGNMENT_TYPES = [
    ("Ответ на уроке", 1), ("Контрольная работа", 2), ("Самостоятельная работа", 1.5),
    ("Лабораторная работа", 1.5), ("Практическая работа", 1.5), ("Диктант", 2),
    ("Домашняя работа", 1), ("Тест", 1),
]
# The time zones of Russia, for the form's choice (any IANA name is accepted by the service).
RUSSIAN_TIME_ZONES = [
    ("Europe/Kaliningrad", "Калининград (МСК−1)"),
    ("Europe/Moscow", "Москва (МСК)"),
    ("Europe/Kirov", "Киров (МСК)"),
    ("Europe/Volgograd", "Волгоград (МСК)"),
    ("Europe/Samara", "Самара (МСК+1)"),
    ("Europe/Astrakhan", "Астрахань (МСК+1)"),
    ("Europe/Saratov", "Саратов (МСК+1)"),
    ("Europe/Ulyanovsk", "Ульяновск (МСК+1)"),
    ("Asia/Yekaterinburg", "Екатеринбург (МСК+2)"),
    ("Asia/Omsk", "Омск (МСК+3)"),
    ("Asia/Novosibirsk", "Новосибирск (МСК+4)"),
    ("Asia/Barnaul", "Барнаул (МСК+4)"),
    ("Asia/Tomsk", "Томск (МСК+4)"),
    ("Asia/Novokuznetsk", "Новокузнецк (МСК+4)"),
    ("Asia/Krasnoyarsk", "Красноярск (МСК+4)"),
    ("Asia/Irkutsk", "Иркутск (МСК+5)"),
    ("Asia/Chita", "Чита (МСК+6)"),
    ("Asia/Yakutsk", "Якутск (МСК+6)"),
    ("Asia/Vladivostok", "Владивосток (МСК+7)"),
    ("Asia/Sakhalin", "Южно-Сахалинск (МСК+8)"),
    ("Asia/Magadan", "Магадан (МСК+8)"),
    ("Asia/Srednekolymsk", "Среднеколымск (МСК+8)"),
    ("Asia/Kamchatka", "Петропавловск-Камчатский (МСК+9)"),
    ("Asia/Anadyr", "Анадырь (МСК+9)"),
]
ADMIN_POSITION = "Администратор электронного журнала"
_INN_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- ИНН and ОГРН ---------------------------------------------------------------

def inn_error(inn: str | None) -> str | None:
    """What is wrong with the ИНН of a legal entity (10 digits, the last a control digit); None: nothing."""
    inn = (inn or "").strip()
    if not inn:
        return None
    if not re.fullmatch(r"\d{10}", inn):
        return _("ИНН организации — 10 цифр.")
    control = sum(int(d) * w for d, w in zip(inn, _INN_WEIGHTS)) % 11 % 10
    if control != int(inn[9]):
        return _("ИНН: контрольная цифра не сходится.")
    return None


def ogrn_error(ogrn: str | None) -> str | None:
    """What is wrong with the ОГРН of a legal entity (13 digits: the first 12 modulo 11, modulo 10)."""
    ogrn = (ogrn or "").strip()
    if not ogrn:
        return None
    if not re.fullmatch(r"\d{13}", ogrn):
        return _("ОГРН организации — 13 цифр.")
    if int(ogrn[:12]) % 11 % 10 != int(ogrn[12]):
        return _("ОГРН: контрольная цифра не сходится.")
    return None


def with_inn_control(first_nine: str) -> str:
    """Nine digits → the ИНН with its control digit (the demo makes its ИНН so)."""
    return first_nine + str(sum(int(d) * w for d, w in zip(first_nine, _INN_WEIGHTS)) % 11 % 10)


# --- authority --------------------------------------------------------------------

def find_authority(session, name: str) -> Authority | None:
    """The authority by its full or short name (any case)."""
    key = _key(name)
    with acting_as(None):  # a few rows: compared here, SQLite's lower() knows no Cyrillic
        return next((a for a in session.scalars(select(Authority).order_by(Authority.id))
                     if key in {_key(a.name), _key(a.short_name)}), None)


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold()


def create_authority(session, name: str, short_name: str = "") -> Authority:
    name, short_name = (name or "").strip(), (short_name or "").strip()
    errors = {}
    if not name:
        errors["authority_name"] = _("Укажите название органа управления образованием.")
    elif find_authority(session, name) is not None or (short_name and find_authority(session, short_name)):
        errors["authority_name"] = _("Орган управления образованием «%(name)s» уже есть.", name=short_name or name)
    if errors:
        raise SettingsError(errors)
    authority = Authority(name=name, short_name=short_name)
    session.add(authority)
    session.flush()
    log_created(session, authority)
    return authority


# --- organisation -----------------------------------------------------------------

def organisation_errors(session, host, full_name, short_name, plugins, time_zone, inn="", ogrn="") -> dict[str, str]:
    """field → Russian message for everything refused; empty: the organisation may be created."""
    errors = {}
    if not (full_name or "").strip():
        errors["name"] = _("Укажите полное название организации.")
    short = (short_name or "").strip()
    if not short:
        errors["short_name"] = _("Укажите краткое название организации.")
    else:
        with acting_as(None):
            taken = _key(short) in {_key(name) for name in session.scalars(select(Organisation.short_name))}
        if taken:
            errors["short_name"] = _("Организация с кратким названием «%(short)s» уже есть.", short=short)
    known = host.plugin_names
    unknown = [code for code in plugins or [] if code not in known]
    if not plugins:
        errors["plugins"] = _("Выберите хотя бы один вид организации (модуль).")
    elif unknown:
        errors["plugins"] = _("Модуль «%(code)s» не установлен. Возможны: %(known)s.", code=unknown[0],
                              known=", ".join(f"{c} ({host.plugin_labels.get(c, c)})" for c in known))
    if time_zone and not clock.valid_timezone(time_zone):
        errors["time_zone"] = _("Часовой пояс «%(tz)s» не найден: укажите его как Europe/Samara или "
                                "Asia/Yekaterinburg.", tz=time_zone)
    for field, problem in (("inn", inn_error(inn)), ("ogrn", ogrn_error(ogrn))):
        if problem:
            errors[field] = problem
    return errors


def first_year_start(today: dt.date) -> int:
    """From July an organisation is created for the year about to begin; before, for the current one."""
    return today.year if today.month >= 7 else today.year - 1


def create_organisation(session, host, authority: Authority | None, full_name: str, short_name: str,
                        plugins: list[str], time_zone: str | None, inn: str = "", ogrn: str = "", address: str = "",
                        director: str = "") -> Organisation:
    """The organisation with its first academic year, periods and reference tables (not committed);
    a refusal (``SettingsError``: field → message) writes nothing."""
    plugins = list(dict.fromkeys(code.strip() for code in plugins or [] if code and code.strip()))
    time_zone = (time_zone or "").strip() or None
    errors = organisation_errors(session, host, full_name, short_name, plugins, time_zone, inn, ogrn)
    if errors:
        raise SettingsError(errors)
    org = Organisation(authority=authority, name=full_name.strip(), short_name=short_name.strip(), plugins=plugins,
                       settings={}, timezone=time_zone, inn=(inn or "").strip(), ogrn=(ogrn or "").strip(),
                       address=(address or "").strip(), director=(director or "").strip())
    session.add(org)
    session.flush()
    log_created(session, org)
    _first_year(session, host, org, first_year_start(clock.today(time_zone)))
    session.add_all([AssignmentType(org_id=org.id, name=n, weight=w) for n, w in ASSIGNMENT_TYPES])
    session.add_all([AttendanceCode(org_id=org.id, code=c, name=n, category=cat) for c, n, cat in ATTENDANCE_CODES])
    session.flush()
    return org


def _first_year(session, host, org: Organisation, start_year: int) -> AcademicYear:
    """The academic year starting in ``start_year`` with the periods of every plugin's calendar."""
    templates = [(plugin, t) for plugin in org.plugins for t in host.calendar(plugin, start_year)]
    start = min((t.start for _p, t in templates), default=dt.date(start_year, 9, 1))
    end = max((t.end for _p, t in templates), default=dt.date(start_year + 1, 6, 30))
    year = AcademicYear(org_id=org.id, name=f"{start_year}/{start_year + 1}", start=start, end=end)
    session.add(year)
    session.flush()
    session.add_all([
        Period(org_id=org.id, year_id=year.id, plugin=plugin, type_code=t.type_code, name=t.name, start=t.start,
               end=t.end, order=t.order, is_final=host.period_types[t.type_code].is_final)
        for plugin, t in templates
    ])
    return year


# --- the first administrator -------------------------------------------------------

def split_full_name(text: str) -> tuple[str, str, str]:
    """«Фамилия Имя Отчество» → its parts (the patronymic may be absent)."""
    parts = (text or "").split()
    if len(parts) < 2:
        raise SettingsError({"admin": _("Укажите фамилию и имя администратора (и отчество, если есть).")})
    return parts[0], parts[1], " ".join(parts[2:])


def admin_errors(session, last_name: str, first_name: str, email: str = "") -> dict[str, str]:
    errors = {}
    if not (last_name or "").strip() or not (first_name or "").strip():
        errors["admin"] = _("Укажите фамилию и имя администратора (и отчество, если есть).")
    email = (email or "").strip()
    if email:
        if not _EMAIL.match(email):
            errors["admin_email"] = _("Адрес электронной почты «%(email)s» неверен.", email=email)
        else:
            with acting_as(None):
                taken = session.scalar(select(Account.id).where(func.lower(Account.email) == email.lower()))
            if taken is not None:
                errors["admin_email"] = _("Адрес %(email)s уже принадлежит другой учётной записи.", email=email)
    return errors


def create_first_admin(session, org: Organisation, last_name: str, first_name: str, middle_name: str = "",
                       email: str = ""):
    """The organisation's first Администратор: an employee card and an account with a
    one-time password (to be changed at the first login). Returns the slip
    (``accounts.Slip``: login, password, ФИО, role); nothing committed.

    No consent to the processing of personal data is asked here: the Администратор
    enters his own (Люди → «Согласия») once he is in."""
    from .accounts import _issue_one

    errors = admin_errors(session, last_name, first_name, email)
    if errors:
        raise SettingsError(errors)
    person = Staff(org_id=org.id, last_name=last_name.strip(), first_name=first_name.strip(),
                   middle_name=(middle_name or "").strip(), email=(email or "").strip(), position=ADMIN_POSITION)
    session.add(person)
    session.flush()
    slip = _issue_one(session, person, ADMINISTRATOR, org.id, set(), None, staff=True, group=ADMIN_POSITION)
    session.flush()
    return slip
