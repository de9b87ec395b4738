"""Внутренняя почта: who may write to whom, sending, replies, inbox, read receipts.

Reach (seeds 001, 002, 004), always inside the sender's organisation:

- administration (Администратор, Директор, Завуч), Секретарь, Психолог / социальный
  педагог: everyone of the organisation;
- a teacher: colleagues (every staff member), and the learners and parents of own
  groups (taught or led);
- other staff: colleagues;
- a parent: the teachers of own children (subject teachers and the group's leader)
  and the administration;
- a learner: own teachers and the administration.

``reachable_recipients`` is the one place deciding it: the form offers its result
and ``send`` refuses anything outside it. Its queries run without the request's
loader criteria (a parent's scope shows no other account) and are restricted to
the sender's organisation here, explicitly.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..exceptions import RuleError
from ..extensions import db
from ..models import (
    Account, GuardianLink, Learner, LearnerGroup, MailMessage, MailRecipient, MailThread, Organisation,
    TeachingAssignment,
)
from ..models.base import now
from ..registry import SCOPE_CHILDREN, SCOPE_GROUPS, SCOPE_SELF
from ..roles import ADMINISTRATOR, CLASS_TEACHER, DEPUTY, DIRECTOR, PSYCHOLOGIST, SECRETARY
from ..scoping import acting_as, current_scope
from .kinds import kinds_of, taught_kinds_of

RULE = _l("Почта")
ADMINISTRATION = (ADMINISTRATOR, DIRECTOR, DEPUTY)
# Roles that reach everyone of the organisation besides the administration (seed 002:
# the secretary and the psychologist write to parents and learners).
WIDE = (*ADMINISTRATION, SECRETARY, PSYCHOLOGIST)
MAX_RECIPIENTS = 2000
MAX_BODY = 20000
PAGE_SIZE = 20

# Inbox order of seed 002: administration, class teacher, subject teacher, parent, learner
# (other staff between teachers and parents).
RANK_ADMIN, RANK_LEADER, RANK_TEACHER, RANK_STAFF, RANK_PARENT, RANK_LEARNER, RANK_OTHER = range(7)


def _org_kinds(taught: bool) -> list:
    """The kinds of group of the organisation of whoever reads (taught by subject only, if
    ``taught``); none outside a request's organisation (the demo, the system administrator)."""
    scope = current_scope()
    org = db.session.get(Organisation, scope.default_org_id) if scope and scope.default_org_id else None
    if org is None:
        return []
    return (taught_kinds_of if taught else kinds_of)(org.plugins)


def _kind_word(attribute: str, school_label, taught: bool = True) -> LazyString:
    """A label in the words of the organisation's kinds of group («Преподаватели», «Студенты»),
    read when shown: the sections are declared once and read by every organisation. Where
    its kinds disagree (a school with a preschool group) or none is known, the school's label."""

    def render() -> str:
        words = list(dict.fromkeys(getattr(kind, attribute) for kind in _org_kinds(taught)
                                   if getattr(kind, attribute)))
        return words[0] if len(words) == 1 else str(school_label)

    return LazyString(render)


def _leaders_label() -> LazyString:
    """The section of the groups' leaders: a school's «Классные руководители»; elsewhere the
    leader's role name («Куратор») heads it, as the kinds declare no plural of it."""

    def render() -> str:
        words = {kind.leader for kind in _org_kinds(True) if kind.leader}
        if len(words) == 1 and CLASS_TEACHER not in words:
            return words.pop()
        return str(_l("Классные руководители"))

    return LazyString(render)


SECTION_LABELS = {
    RANK_ADMIN: _l("Администрация"),
    RANK_LEADER: _leaders_label(),
    RANK_TEACHER: _kind_word("teachers", _l("Учителя")),
    RANK_STAFF: _l("Сотрудники"),
    RANK_PARENT: _l("Родители"),
    RANK_LEARNER: _kind_word("learner_plural", _l("Обучающиеся"), taught=False),
    RANK_OTHER: _l("Другие"),
}
# The same, for one sender in the inbox.
SENDER_LABELS = {
    RANK_ADMIN: _l("Администрация"),
    RANK_LEADER: _kind_word("leader", _l("Классный руководитель")),
    RANK_TEACHER: _kind_word("teacher", _l("Учитель")),
    RANK_STAFF: _l("Сотрудник"),
    RANK_PARENT: _l("Родитель"),
    RANK_LEARNER: _kind_word("learner", _l("Обучающийся"), taught=False),
    RANK_OTHER: _l("Другие"),
}


@dataclass
class Entry:
    """An account of the organisation as the directory sees it."""

    id: int
    name: str
    email: str = ""
    person_id: int | None = None
    roles: set = field(default_factory=set)
    admin: bool = False
    wide: bool = False
    staff: bool = False
    teacher: bool = False
    parent: bool = False
    learner: bool = False
    groups: set = field(default_factory=set)  # taught or led; own group; children's groups
    led: set = field(default_factory=set)

    @property
    def rank(self) -> int:
        """The account's own section (for the form)."""
        if self.admin:
            return RANK_ADMIN
        if self.led:
            return RANK_LEADER
        if self.teacher:
            return RANK_TEACHER
        if self.staff:
            return RANK_STAFF
        if self.parent:
            return RANK_PARENT
        if self.learner:
            return RANK_LEARNER
        return RANK_OTHER


@dataclass(frozen=True)
class Recipient:
    id: int
    name: str
    rank: int
    section: str
    groups: tuple[str, ...]
    group_ids: tuple[int, ...]


@dataclass
class Directory:
    entries: dict[int, Entry]
    group_names: dict[int, str]


def _host():
    return current_app.extensions["ejournal"]


def directory(session, org_id: int) -> Directory:
    """Every active account of ``org_id`` with its roles and groups: five queries."""
    host = _host()
    with acting_as(None):
        role_model = current_app.appbuilder.sm.role_model
        rows = session.execute(
            select(Account.id, Account.last_name, Account.first_name, Account.email, Account.person_id,
                   role_model.name)
            .join(Account.roles).where(Account.org_id == org_id, Account.active.is_(True))
            .order_by(Account.last_name, Account.first_name, Account.id)).all()
        groups = session.execute(select(LearnerGroup.id, LearnerGroup.name, LearnerGroup.leader_id)
                                 .where(LearnerGroup.org_id == org_id)).all()
        taught = session.execute(select(TeachingAssignment.teacher_id, TeachingAssignment.group_id)
                                 .where(TeachingAssignment.org_id == org_id).distinct()).all()
        learner_groups = dict(session.execute(select(Learner.id, Learner.group_id)
                                              .where(Learner.org_id == org_id, Learner.group_id.is_not(None))).all())
        links = session.execute(select(GuardianLink.guardian_id, GuardianLink.learner_id)
                                .where(GuardianLink.org_id == org_id)).all()
    by_person_led: dict[int, set] = {}
    for gid, _name, leader in groups:
        if leader is not None:
            by_person_led.setdefault(leader, set()).add(gid)
    by_person_taught: dict[int, set] = {}
    for teacher, gid in taught:
        by_person_taught.setdefault(teacher, set()).add(gid)
    children_groups: dict[int, set] = {}
    for guardian, learner in links:
        if learner in learner_groups:
            children_groups.setdefault(guardian, set()).add(learner_groups[learner])
    entries: dict[int, Entry] = {}
    for aid, last, first, email, person, role in rows:
        e = entries.get(aid)
        if e is None:
            e = entries[aid] = Entry(aid, f"{last} {first}".strip(), email or "", person)
        e.roles.add(role)
    for e in entries.values():
        specs = [host.roles[r] for r in e.roles if r in host.roles]
        e.admin = bool(e.roles & set(ADMINISTRATION))
        e.wide = bool(e.roles & set(WIDE))
        e.staff = any(s.staff for s in specs)
        e.teacher = any(s.scope == SCOPE_GROUPS for s in specs)
        e.parent = any(s.scope == SCOPE_CHILDREN for s in specs)
        e.learner = any(s.scope == SCOPE_SELF for s in specs)
        person = e.person_id
        if person is not None:
            e.led = by_person_led.get(person, set())
            if e.led:
                e.teacher = e.teacher or e.staff
            if e.teacher:
                e.groups |= by_person_taught.get(person, set()) | e.led
            if e.parent:
                e.groups |= children_groups.get(person, set())
            if e.learner and person in learner_groups:
                e.groups.add(learner_groups[person])
    return Directory(entries, {gid: name for gid, name, _leader in groups})


def may_reach(sender: Entry, other: Entry) -> bool:
    if other.id == sender.id:
        return False
    if sender.wide:
        return True
    if other.staff and (sender.staff or sender.teacher):
        return True  # colleagues
    if sender.teacher and (other.parent or other.learner) and sender.groups & other.groups:
        return True
    if (sender.parent or sender.learner) and (other.admin or (other.teacher and sender.groups & other.groups)):
        return True
    return False


def sender_rank(sender: Entry, recipient: Entry) -> int:
    """Where a message of ``sender`` sits in ``recipient``'s inbox (seed 002's order):
    the class teacher is the leader of the recipient's (or his child's) group."""
    if sender.admin:
        return RANK_ADMIN
    if sender.led and (recipient.staff and not (recipient.parent or recipient.learner) or sender.led & recipient.groups):
        return RANK_LEADER
    if sender.teacher:
        return RANK_TEACHER
    if sender.staff:
        return RANK_STAFF
    if sender.parent:
        return RANK_PARENT
    if sender.learner:
        return RANK_LEARNER
    return RANK_OTHER


def reachable_recipients(session, account) -> list[Recipient]:
    """Whom ``account`` may write to, ordered by section and name."""
    if account is None or account.org_id is None:
        return []
    book = directory(session, account.org_id)
    me = book.entries.get(account.id)
    if me is None:
        return []
    return _reachable(book, me)


def _reachable(book: Directory, me: Entry) -> list[Recipient]:
    out = []
    for other in book.entries.values():
        if may_reach(me, other):
            gids = tuple(sorted(other.groups, key=lambda g: book.group_names.get(g, "")))
            out.append(Recipient(other.id, other.name, other.rank, str(SECTION_LABELS[other.rank]),
                                 tuple(book.group_names.get(g, "") for g in gids), gids))
    out.sort(key=lambda r: (r.rank, r.groups[:1] if r.rank >= RANK_PARENT else (), r.name))
    return out


def _clean_ids(values) -> list[int]:
    ids = []
    for value in values or ():
        try:
            ids.append(int(value))
        except (TypeError, ValueError):
            raise RuleError(RULE, _l("Получатель указан неверно.")) from None
    return list(dict.fromkeys(ids))


def participants(session, thread_id: int) -> set[int]:
    """Accounts that wrote or received a message of the thread."""
    senders = set(session.scalars(select(MailMessage.sender_id).where(MailMessage.thread_id == thread_id)))
    received = set(session.scalars(select(MailRecipient.account_id).join(MailMessage)
                                   .where(MailMessage.thread_id == thread_id)))
    return senders | received


def thread_for(session, account, thread_id: int) -> MailThread | None:
    """The thread if ``account`` takes part in it, else None (a private thread is not found)."""
    thread = session.get(MailThread, thread_id)
    if thread is None or account.id not in participants(session, thread_id):
        return None
    return thread


def send(session, account, recipient_ids, body: str, subject: str = "", thread_id: int | None = None,
         kind: str = "message", about_person_id: int | None = None, extra_allowed: set[int] | None = None):
    """Send a message (a new thread, or a reply when ``thread_id`` is given).

    Every recipient must be reachable (``reachable_recipients``); a reply may also
    answer whoever wrote to the sender in the thread. Refusals raise RuleError and
    write nothing. Returns the message; the caller commits."""
    body = (body or "").strip()
    subject = (subject or "").strip()
    if account is None or account.org_id is None:
        raise RuleError(RULE, _l("Почтой пользуются сотрудники, обучающиеся и родители организации."))
    ids = _clean_ids(recipient_ids)
    if not ids:
        raise RuleError(RULE, _l("Выберите хотя бы одного получателя."))
    if len(ids) > MAX_RECIPIENTS:
        raise RuleError(RULE, _l("Слишком много получателей (не больше %(n)s).", n=MAX_RECIPIENTS))
    if not body:
        raise RuleError(RULE, _l("Напишите текст сообщения."))
    if len(body) > MAX_BODY:
        raise RuleError(RULE, _l("Сообщение слишком длинное (не больше %(n)s знаков).", n=MAX_BODY))
    book = directory(session, account.org_id)
    me = book.entries.get(account.id)
    if me is None:
        raise RuleError(RULE, _l("Ваша учётная запись не активна."))
    allowed = {r.id for r in _reachable(book, me)} | (extra_allowed or set())
    thread = None
    if thread_id is not None:
        thread = thread_for(session, account, thread_id)
        if thread is None:
            raise RuleError(RULE, _l("Переписка не найдена."))
        # Whoever wrote to me in this thread may be answered.
        allowed |= set(session.scalars(
            select(MailMessage.sender_id).join(MailRecipient, MailRecipient.message_id == MailMessage.id)
            .where(MailMessage.thread_id == thread.id, MailRecipient.account_id == account.id)))
    for rid in ids:
        if rid not in allowed or rid not in book.entries:
            raise RuleError(RULE, _l("Получатель № %(id)s вам недоступен: писать можно только тем, кого "
                                     "предлагает форма (своим классам, учителям своего ребёнка, администрации).",
                                     id=rid))
    if thread is None:
        if not subject:
            raise RuleError(RULE, _l("Укажите тему сообщения."))
        thread = MailThread(org_id=account.org_id, subject=subject[:200])
        session.add(thread)
    message = MailMessage(org_id=account.org_id, thread=thread, sender_id=account.id, sender_name=me.name,
                          body=body, kind=kind, about_person_id=about_person_id)
    session.add(message)
    for rid in ids:
        other = book.entries[rid]
        session.add(MailRecipient(org_id=account.org_id, message=message, account_id=rid, name=other.name,
                                  sender_rank=sender_rank(me, other)))
    # Checked above against the directory: the scoping guard, which lets a parent
    # see only his own account, would refuse the recipients' accounts.
    with acting_as(None):
        session.flush()
    from .activity import record

    record(session, account, "message")
    return message


def unread_count(session, account_id: int) -> int:
    return session.scalar(select(func.count(MailRecipient.id))
                          .where(MailRecipient.account_id == account_id, MailRecipient.read_at.is_(None))) or 0


def inbox(session, account_id: int, page: int = 0, page_size: int = PAGE_SIZE):
    """(total, rows) of the inbox: by the sender's role (seed 002), then newest first."""
    where = MailRecipient.account_id == account_id
    total = session.scalar(select(func.count(MailRecipient.id)).where(where)) or 0
    rows = session.execute(
        select(MailRecipient.id, MailRecipient.sender_rank, MailRecipient.read_at, MailMessage.id,
               MailMessage.sender_name, MailMessage.created_at, MailMessage.kind, MailThread.id, MailThread.subject)
        .join(MailMessage, MailMessage.id == MailRecipient.message_id)
        .join(MailThread, MailThread.id == MailMessage.thread_id)
        .where(where)
        .order_by(MailRecipient.sender_rank, MailMessage.created_at.desc(), MailMessage.id.desc())
        .limit(page_size).offset(page * page_size)).all()
    return total, rows


def sent(session, account_id: int, page: int = 0, page_size: int = PAGE_SIZE):
    """(total, messages) sent by the account, newest first, with their recipients' read receipts."""
    where = MailMessage.sender_id == account_id
    total = session.scalar(select(func.count(MailMessage.id)).where(where)) or 0
    messages = session.scalars(
        select(MailMessage).where(where).options(selectinload(MailMessage.recipients), selectinload(MailMessage.thread))
        .order_by(MailMessage.created_at.desc(), MailMessage.id.desc()).limit(page_size).offset(page * page_size)).all()
    return total, messages


def open_thread(session, account, thread_id: int):
    """The thread's messages the account sent or received, marking received ones read.
    None when the account takes no part in the thread."""
    thread = thread_for(session, account, thread_id)
    if thread is None:
        return None, []
    mine = select(MailRecipient.message_id).where(MailRecipient.account_id == account.id)
    messages = session.scalars(
        select(MailMessage).where(MailMessage.thread_id == thread.id)
        .where((MailMessage.sender_id == account.id) | MailMessage.id.in_(mine))
        .options(selectinload(MailMessage.recipients)).order_by(MailMessage.created_at, MailMessage.id)).all()
    stamp = now()
    for message in messages:
        for r in message.recipients:
            if r.account_id == account.id and r.read_at is None:
                r.read_at = stamp
    return thread, messages


def reply_targets(session, account, messages) -> list[int]:
    """Whom «Ответить» addresses: the other participants of the visible messages
    whom the account may write to (reachable, or who wrote to him here)."""
    wrote_to_me = {m.sender_id for m in messages if any(r.account_id == account.id for r in m.recipients)}
    reachable = {r.id for r in reachable_recipients(session, account)}
    ids: list[int] = []
    for m in messages:
        for aid in [m.sender_id, *(r.account_id for r in m.recipients)]:
            if aid != account.id and aid not in ids and (aid in reachable or aid in wrote_to_me):
                ids.append(aid)
    return ids


def display_time(value: dt.datetime | None) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


__all__ = ["reachable_recipients", "send", "inbox", "sent", "open_thread", "unread_count", "directory", "RULE",
           "PAGE_SIZE", "RuleError"]
