"""Педагогическое портфолио: who reads and writes whose, the checks of an entry, every
write, and the reads the page and the report share.

A write is checked before anything is added: a bad value or someone else's portfolio
raises ``RuleError`` with a Russian message and changes nothing; a write flushes,
the caller commits. Each write also marks the day as one on which the portfolio was
corrected (``PortfolioUpdate``), which the report counts per semester.

Who may do what (``Actor``) comes from the rights on «TeacherPortfolio»: a role of
the whole organisation with a right reads every teacher's portfolio; a teacher (a
role bound to his groups) reads and, with the right to change, writes his own only;
someone else's portfolio is written by the Администратор alone (seed 003, 3.4.5:
the преподаватель fills it in himself).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, literal, select, union

from app import clock
from app.exceptions import RuleError
from app.models import AcademicYear, Account, LearnerGroup, Period, Staff, TeachingAssignment
from app.registry import SCOPE_ORGANISATION, SCOPE_SYSTEM
from app.roles import ADMINISTRATOR, TEACHER

from . import name
from .portfolio import SECTIONS, PortfolioEntry, PortfolioUpdate

RULE = "Портфолио"
RESOURCE = "TeacherPortfolio"
CURATOR = "Куратор"
# The rule setting: corrections a semester the regulation asks for.
UPDATES_SETTING = "portfolio_updates_per_semester"
EARLIEST = dt.date(1950, 1, 1)  # a diploma may be decades old
MAX_HOURS = 5000
LIMITS = {"title": 300, "description": 4000, "issuer": 300, "document": 100}


# --- who may do what --------------------------------------------------------------


@dataclass(frozen=True)
class Actor:
    person_id: int | None  # the user's own card (his portfolio, when he is a teacher)
    reads_all: bool = False
    writes_own: bool = False
    writes_all: bool = False
    reads_own: bool = False

    def may_read(self, staff_id: int) -> bool:
        return self.reads_all or (self.reads_own and staff_id == self.person_id)

    def may_write(self, staff_id: int) -> bool:
        return self.writes_all or (self.writes_own and staff_id == self.person_id)


SYSTEM_ACTOR = Actor(None, reads_all=True, writes_all=True)


def actor_from(per_role: dict[str, dict[str, int]], person_id: int | None, roles) -> Actor:
    """The actor of a user whose roles give ``per_role`` (role → resource → level,
    ``app.security.role_levels``); ``roles``: the host's role declarations."""
    def level(role):
        return per_role.get(role, {}).get(RESOURCE, 0)

    wide = [r for r in per_role if r in roles and roles[r].scope in (SCOPE_ORGANISATION, SCOPE_SYSTEM)]
    best = max((level(r) for r in per_role), default=0)
    return Actor(person_id, reads_all=any(level(r) >= 1 for r in wide), reads_own=best >= 1 and person_id is not None,
                 writes_own=best >= 2 and person_id is not None, writes_all=level(ADMINISTRATOR) >= 2)


def actor_of(session, account) -> Actor:
    """The actor of ``account`` outside a request (headless runs, tests)."""
    from app.extensions import current_host
    from app.roles import SYSTEM_ADMIN
    from app.security import role_levels

    if SYSTEM_ADMIN in {r.name for r in account.roles}:
        return SYSTEM_ACTOR
    return actor_from(role_levels(session, account, account.org_id), account.person_id, current_host().roles)


def request_actor() -> Actor:
    """The actor of the signed-in user of the request, from the rights the request computed."""
    from flask import current_app, g
    from flask_login import current_user

    from app.scoping import current_scope

    scope = current_scope()
    if scope is None or scope.is_system:
        return SYSTEM_ACTOR
    current_app.appbuilder.sm.level(RESOURCE)  # computes the request's rights once, role by role
    return actor_from(g.get("ejournal_role_levels") or {}, current_user.person_id,
                      current_app.extensions["ejournal"].roles)


# --- values -----------------------------------------------------------------------------


def _text(value, field: str, what, required: bool = False) -> str:
    text = " ".join(str(value if value is not None else "").split()) if field != "description" \
        else str(value if value is not None else "").strip()
    if required and not text:
        raise RuleError(RULE, _l("Укажите %(what)s.", what=what))
    if len(text) > LIMITS[field]:
        raise RuleError(RULE, _l("%(what)s: не длиннее %(n)s символов.", what=str(what).capitalize(), n=LIMITS[field]))
    return text


def parse_date(value) -> dt.date:
    if value in (None, ""):
        raise RuleError(RULE, _l("Укажите дату записи (получения документа, события)."))
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        text = str(value).strip()
        try:
            value = dt.datetime.strptime(text, "%d.%m.%Y").date() if "." in text else dt.date.fromisoformat(text)
        except ValueError:
            raise RuleError(RULE, _l("Дата «%(text)s» не распознана: укажите её в виде ДД.ММ.ГГГГ.",
                                     text=text[:20])) from None
    today = clock.today()
    if value > today:
        raise RuleError(RULE, _l("Дата %(date)s ещё не наступила: в портфолио вносится то, что уже состоялось.",
                                 date=value.strftime("%d.%m.%Y")))
    if value < EARLIEST:
        raise RuleError(RULE, _l("Дата %(date)s — слишком ранняя: проверьте год.", date=value.strftime("%d.%m.%Y")))
    return value


def parse_hours(value) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        hours = int(text)
    except ValueError:
        raise RuleError(RULE, _l("Количество часов — целое число, например 72.")) from None
    if not 1 <= hours <= MAX_HOURS:
        raise RuleError(RULE, _l("Количество часов — от 1 до %(n)s.", n=MAX_HOURS))
    return hours


def _values(section, title, date, description, hours, issuer, document) -> dict:
    if section not in SECTIONS:
        raise RuleError(RULE, _l("Выберите раздел портфолио из списка."))
    return {
        "section": section,
        "title": _text(title, "title", _l("название записи"), required=True),
        "date": parse_date(date),
        "description": _text(description, "description", _l("описание")),
        "hours": parse_hours(hours),
        "issuer": _text(issuer, "issuer", _l("организация")),
        "document": _text(document, "document", _l("номер документа")),
    }


# --- writes -------------------------------------------------------------------------------


def _staff(session, staff_id) -> Staff:
    try:
        staff = session.get(Staff, int(staff_id))
    except (TypeError, ValueError):
        staff = None
    if staff is None:
        raise RuleError(RULE, _l("Преподаватель не найден."))
    return staff


def _check_writer(actor: Actor, staff_id: int) -> None:
    if not actor.may_write(staff_id):
        raise RuleError(RULE, _l("Портфолио ведёт сам преподаватель: изменять чужое портфолио может только "
                                 "администратор."))


def _entry(session, actor: Actor, entry_id) -> PortfolioEntry:
    try:
        entry = session.get(PortfolioEntry, int(entry_id))
    except (TypeError, ValueError):
        entry = None
    if entry is None or not actor.may_read(entry.staff_id):
        raise RuleError(RULE, _l("Запись портфолио не найдена."))
    _check_writer(actor, entry.staff_id)
    return entry


def _touch(session, staff: Staff) -> None:
    """Mark today as a day the portfolio of ``staff`` was corrected."""
    day, moment = clock.today(), clock.now()
    row = session.scalar(select(PortfolioUpdate).where(PortfolioUpdate.staff_id == staff.id,
                                                       PortfolioUpdate.day == day))
    if row is None:
        session.add(PortfolioUpdate(org_id=staff.org_id, staff_id=staff.id, day=day, at=moment))
    else:
        row.at = moment


def add_entry(session, actor: Actor, staff_id, section, title, date, description="", hours=None, issuer="",
              document="") -> PortfolioEntry:
    """A new entry in the portfolio of the teacher ``staff_id``."""
    staff = _staff(session, staff_id)
    _check_writer(actor, staff.id)
    values = _values(section, title, date, description, hours, issuer, document)
    entry = PortfolioEntry(org_id=staff.org_id, staff_id=staff.id, updated_at=clock.now(), **values)
    session.add(entry)
    _touch(session, staff)
    session.flush()
    return entry


def update_entry(session, actor: Actor, entry_id, section, title, date, description="", hours=None, issuer="",
                 document="") -> PortfolioEntry:
    entry = _entry(session, actor, entry_id)
    values = _values(section, title, date, description, hours, issuer, document)
    changed = False
    for key, value in values.items():
        if getattr(entry, key) != value:
            setattr(entry, key, value)
            changed = True
    if changed:  # saving the form unchanged is no correction of the portfolio
        entry.updated_at = clock.now()
        _touch(session, entry.staff)
        session.flush()
    return entry


def delete_entry(session, actor: Actor, entry_id) -> None:
    """The audit log keeps what the entry said (R16: nothing is lost silently)."""
    entry = _entry(session, actor, entry_id)
    staff = entry.staff
    session.delete(entry)
    _touch(session, staff)
    session.flush()


# --- reads ----------------------------------------------------------------------------


def section_order():
    return case({code: i for i, code in enumerate(SECTIONS)}, value=PortfolioEntry.section, else_=len(SECTIONS))


def current_year(session, org_id: int) -> AcademicYear | None:
    """The year holding today, else the latest that has begun (the summer after it)."""
    today = clock.today()
    years = list(session.scalars(select(AcademicYear).where(AcademicYear.org_id == org_id, AcademicYear.start <= today)
                                 .order_by(AcademicYear.start.desc())))
    return next((y for y in years if y.end >= today), years[0] if years else None)


def current_semester(session, year: AcademicYear | None) -> Period | None:
    """The semester of ``year`` holding today; in a session or the holidays, the one just ended."""
    if year is None:
        return None
    today = clock.today()
    semesters = list(session.scalars(
        select(Period).where(Period.year_id == year.id, Period.plugin == name, Period.type_code == "semester",
                             Period.start <= today).order_by(Period.start.desc(), Period.id.desc())))
    return next((p for p in semesters if p.end >= today), semesters[0] if semesters else None)


def teacher_ids(org_id: int, year: AcademicYear | None):
    """A SELECT of the ids of the organisation's teachers: staff whose account has the
    Учитель or Куратор role, who teach in ``year`` or lead one of its groups."""
    from flask_appbuilder.security.sqla.models import Role, assoc_user_role

    by_role = (select(Account.person_id).join(assoc_user_role, assoc_user_role.c.user_id == Account.id)
               .join(Role, Role.id == assoc_user_role.c.role_id)
               .where(Account.org_id == org_id, Account.person_id.is_not(None), Role.name.in_((TEACHER, CURATOR))))
    parts = [by_role]
    if year is not None:
        parts.append(select(TeachingAssignment.teacher_id).where(TeachingAssignment.year_id == year.id))
        parts.append(select(LearnerGroup.leader_id).where(LearnerGroup.year_id == year.id,
                                                          LearnerGroup.leader_id.is_not(None)))
    return union(*parts)


def teachers_select(org_id: int, year: AcademicYear | None, semester: Period | None):
    """(Staff, entries, updates in ``semester``, last update) of the organisation's teachers,
    by name; one statement, whatever the number of teachers and entries."""
    ids = teacher_ids(org_id, year).subquery()
    entries = (select(PortfolioEntry.staff_id, func.count(PortfolioEntry.id).label("n"))
               .group_by(PortfolioEntry.staff_id).subquery())
    last = (select(PortfolioUpdate.staff_id, func.max(PortfolioUpdate.at).label("at"))
            .group_by(PortfolioUpdate.staff_id).subquery())
    if semester is not None:
        counted = (select(PortfolioUpdate.staff_id, func.count(PortfolioUpdate.id).label("n"))
                   .where(PortfolioUpdate.day >= semester.start, PortfolioUpdate.day <= semester.end)
                   .group_by(PortfolioUpdate.staff_id).subquery())
        updates = func.coalesce(counted.c.n, 0)
    else:
        counted, updates = None, literal(0)
    statement = (select(Staff, func.coalesce(entries.c.n, 0), updates, last.c.at)
                 .where(Staff.org_id == org_id, Staff.id.in_(select(ids.c[0])))
                 .outerjoin(entries, entries.c.staff_id == Staff.id)
                 .outerjoin(last, last.c.staff_id == Staff.id))
    if counted is not None:
        statement = statement.outerjoin(counted, counted.c.staff_id == Staff.id)
    return statement.order_by(Staff.last_name, Staff.first_name, Staff.middle_name, Staff.id)


def last_update(session, staff_id: int) -> dt.datetime | None:
    return session.scalar(select(func.max(PortfolioUpdate.at)).where(PortfolioUpdate.staff_id == staff_id))


def required_updates(organisation) -> int:
    from app.extensions import current_host

    return int(current_host().setting(organisation, name, UPDATES_SETTING))
