"""Доска объявлений: who sees an announcement, who may post one.

An announcement is shown, from its first to its last day, to its audience only:
the whole organisation, its staff, its parents, its learners, or chosen groups
(the learners of those groups and their parents). Its author always sees it.

Posting (seeds 002, 004): the administration (Администратор, Директор, Завуч),
the Секретарь and the Психолог / социальный педагог post for any audience; a
group's leader (Классный руководитель, Куратор, Воспитатель) posts for own groups.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask import current_app
from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..exceptions import RuleError
from ..models import AUDIENCES, Announcement, AnnouncementGroup, LearnerGroup
from ..registry import SCOPE_CHILDREN, SCOPE_SELF
from ..roles import ADMINISTRATOR, DEPUTY, DIRECTOR, PSYCHOLOGIST, SECRETARY
from .kinds import agreed, lower_first, organisation_kinds

RULE = _l("Объявления")
POSTERS = (ADMINISTRATOR, DIRECTOR, DEPUTY, SECRETARY, PSYCHOLOGIST)


def _one_kind():
    """The one kind of group of the reader's organisation (a college's учебная группа), or
    None: a school with a preschool group, or no organisation — the texts then keep the
    words common to all («классы и группы»)."""
    kinds = organisation_kinds()
    return kinds[0] if len(kinds) == 1 else None


def _learners() -> str:
    return agreed(organisation_kinds(), "learner_plural", _("Обучающиеся"))


def _chosen_groups() -> str:
    kinds = organisation_kinds()
    return _("Выбранные %(groups)s (%(learners)s и их родители)",
             groups=lower_first(agreed(kinds, "name_plural", _("классы и группы"))),
             learners=lower_first(agreed(kinds, "learner_plural", _("Обучающиеся"))))


# Read when shown, in the words of the reader's organisation: «Студенты», «Выбранные
# учебные группы (студенты и их родители)».
AUDIENCE_LABELS = {
    "all": _l("Вся организация"),
    "staff": _l("Сотрудники"),
    "parents": _l("Родители"),
    "learners": LazyString(_learners),
    "groups": LazyString(_chosen_groups),
}
PAGE_SIZE = 20
MAX_DAYS = 366


@dataclass(frozen=True)
class Reader:
    """What decides which announcements an account sees."""

    account_id: int
    org_id: int | None
    audiences: frozenset
    group_ids: tuple
    manages_all: bool


def _host():
    return current_app.extensions["ejournal"]


def reader_of(account, scope=None) -> Reader:
    """The account's audiences from its roles; groups from the request's scope
    (a parent's children's groups, a learner's own group)."""
    from ..scoping import current_scope

    scope = scope or current_scope()
    roles = _host().roles
    names = {r.name for r in account.roles}
    specs = [roles[n] for n in names if n in roles]
    audiences = {"all"}
    if any(s.staff for s in specs):
        audiences.add("staff")
    if any(s.scope == SCOPE_CHILDREN for s in specs):
        audiences.add("parents")
    if any(s.scope == SCOPE_SELF for s in specs):
        audiences.add("learners")
    groups: tuple = ()
    if ("parents" in audiences or "learners" in audiences) and scope is not None and scope.group_ids:
        groups = tuple(scope.group_ids)
    return Reader(account.id, account.org_id, frozenset(audiences), groups, bool(names & set(POSTERS)))


def _visible(reader: Reader, on: dt.date):
    in_group = (Announcement.id.in_(select(AnnouncementGroup.announcement_id)
                                    .where(AnnouncementGroup.group_id.in_(reader.group_ids)))
                if reader.group_ids else false())
    return and_(
        Announcement.org_id == reader.org_id,
        Announcement.shown_from <= on, Announcement.shown_to >= on,
        or_(Announcement.audience.in_(sorted(reader.audiences)),
            and_(Announcement.audience == "groups", in_group),
            Announcement.author_id == reader.account_id),
    )


def current_for(session, reader: Reader, on: dt.date | None = None, limit: int = 5) -> list[Announcement]:
    """The announcements shown to ``reader`` today: one query, newest first."""
    if reader.org_id is None:
        return []
    on = on or clock.today()
    return session.scalars(select(Announcement).where(_visible(reader, on))
                           .order_by(Announcement.shown_from.desc(), Announcement.id.desc()).limit(limit)).all()


def listing(session, reader: Reader, page: int = 0, on: dt.date | None = None, page_size: int = PAGE_SIZE):
    """(total, announcements) of the list page. Posters of the whole organisation see
    every announcement, past and future too; others what is shown to them and their own."""
    if reader.org_id is None:
        return 0, []
    on = on or clock.today()
    if reader.manages_all:
        where = Announcement.org_id == reader.org_id
    else:
        where = or_(_visible(reader, on), and_(Announcement.org_id == reader.org_id,
                                               Announcement.author_id == reader.account_id))
    total = session.scalar(select(func.count(Announcement.id)).where(where)) or 0
    rows = session.scalars(select(Announcement).where(where)
                           .options(selectinload(Announcement.groups).selectinload(AnnouncementGroup.group))
                           .order_by(Announcement.shown_from.desc(), Announcement.id.desc())
                           .limit(page_size).offset(page * page_size)).all()
    return total, rows


def get_for(session, reader: Reader, announcement_id: int, on: dt.date | None = None) -> Announcement | None:
    """One announcement if the reader may see it (else None: a 404 for the page)."""
    on = on or clock.today()
    where = Announcement.org_id == reader.org_id if reader.manages_all else or_(
        _visible(reader, on), Announcement.author_id == reader.account_id)
    return session.scalar(select(Announcement).where(Announcement.id == announcement_id, where))


def led_groups(session, account) -> list[LearnerGroup]:
    if account.person_id is None:
        return []
    return session.scalars(select(LearnerGroup).where(LearnerGroup.leader_id == account.person_id,
                                                      LearnerGroup.org_id == account.org_id)
                           .order_by(LearnerGroup.level, LearnerGroup.name)).all()


def group_choices(session, account) -> list[LearnerGroup]:
    """Groups the account may address: all of the organisation for a poster, else own led groups."""
    names = {r.name for r in account.roles}
    if names & set(POSTERS):
        return session.scalars(select(LearnerGroup).where(LearnerGroup.org_id == account.org_id)
                               .order_by(LearnerGroup.level, LearnerGroup.name)).all()
    return led_groups(session, account)


def audience_choices(account) -> list[str]:
    names = {r.name for r in account.roles}
    return list(AUDIENCES) if names & set(POSTERS) else ["groups"]


def may_post(session, account) -> bool:
    return bool({r.name for r in account.roles} & set(POSTERS)) or bool(led_groups(session, account))


def _own_groups_only():
    """The refusal of a leader's announcement beyond the groups he leads."""
    kind = _one_kind()
    if kind is None:
        return _l("%(leader)s публикует объявления только для своих %(groups)s.", leader=_l("Классный руководитель"),
                  groups=_l("классов и групп"))
    return _l("%(leader)s публикует объявления только для своих %(groups)s.", leader=kind.leader,
              groups=kind.groups_of)


def _wrong_group():
    kind = _one_kind()
    if kind is None or kind.gender == "m":
        return _l("%(group)s указан неверно.", group=kind.name if kind is not None else _l("Класс"))
    return _l("%(group)s указана неверно.", group=kind.name)


def post(session, account, title: str, body: str, audience: str, shown_from: dt.date | None,
         shown_to: dt.date | None, group_ids=(), today: dt.date | None = None) -> Announcement:
    """Publish an announcement; RuleError (nothing written) when a rule refuses it."""
    today = today or clock.today()
    title, body = (title or "").strip(), (body or "").strip()
    if account.org_id is None:
        raise RuleError(RULE, _l("Объявления публикуют сотрудники организации."))
    if not title:
        raise RuleError(RULE, _l("Укажите заголовок объявления."))
    if len(title) > 200 or len(body) > 20000:
        raise RuleError(RULE, _l("Заголовок — не длиннее 200 знаков, текст — не длиннее 20 000."))
    if audience not in AUDIENCES:
        raise RuleError(RULE, _l("Выберите, кому адресовано объявление."))
    if shown_from is None or shown_to is None:
        raise RuleError(RULE, _l("Укажите даты начала и окончания показа."))
    if shown_to < shown_from:
        raise RuleError(RULE, _l("Окончание показа раньше его начала."))
    if shown_to < today:
        raise RuleError(RULE, _l("Окончание показа уже прошло."))
    if (shown_to - shown_from).days > MAX_DAYS:
        raise RuleError(RULE, _l("Объявление показывается не дольше года."))
    if audience not in audience_choices(account):
        raise RuleError(RULE, _own_groups_only())
    try:
        wanted = sorted({int(g) for g in group_ids or ()})
    except (TypeError, ValueError):
        raise RuleError(RULE, _wrong_group()) from None
    if audience == "groups":
        allowed = {g.id for g in group_choices(session, account)}
        if not wanted:
            kind = _one_kind()
            raise RuleError(RULE, _l("Выберите %(groups)s.", groups=lower_first(kind.name_plural) if kind is not None
                                     else _l("классы или группы")))
        if not set(wanted) <= allowed:
            raise RuleError(RULE, _own_groups_only())
    else:
        wanted = []
    author = " ".join(p for p in (account.last_name, account.first_name) if p)
    item = Announcement(org_id=account.org_id, author_id=account.id, author_name=author, title=title, body=body,
                        audience=audience, shown_from=shown_from, shown_to=shown_to)
    item.groups = [AnnouncementGroup(org_id=account.org_id, group_id=g) for g in wanted]
    session.add(item)
    session.flush()
    from .activity import record

    record(session, account, "announcement")
    return item


def withdraw(session, account, item: Announcement, today: dt.date | None = None) -> None:
    """Stop showing an announcement (it is kept: R16). Its author or a poster of the organisation."""
    today = today or clock.today()
    names = {r.name for r in account.roles}
    if item.author_id != account.id and not names & set(POSTERS):
        raise RuleError(RULE, _l("Снять объявление может его автор или администрация."))
    item.shown_to = min(item.shown_to, today - dt.timedelta(days=1))
    if item.shown_from > item.shown_to:
        item.shown_from = item.shown_to
