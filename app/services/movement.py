"""Rules of the movement book (R14, seed 004 3.3.3.2 and 3.3.4.4) and the closing
of a school year. No Flask request here: the views pass the actor and commit.

Applying an order changes the learner's class through the core columns
(``Learner.group_id``, ``enrolled_on``, ``left_on``); nothing of a departed or
graduated learner is deleted: his group stays, ``left_on`` is set and the
journal greys his cells after that day.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from app.exceptions import RuleError
from app.extensions import current_host
from app.models import AcademicYear, Account, Learner, LearnerGroup, Period, TeachingAssignment
from app.models.movement import (
    DEPART, ENROL, GRADUATE, KINDS, LEAVE, PROMOTE, REINSTATE, REPEAT, RETURN, TRANSFER, MovementOrder,
)
from app.registry import MovementRules
from app.services.kinds import level_label_in

RULE = "R14"
# Every order entered by hand (promotion only by closing the year); a kind of group offers
# those its ``MovementRules.orders`` names, else the school's set.
MANUAL_KINDS = (ENROL, DEPART, TRANSFER, GRADUATE, REPEAT, LEAVE, RETURN, REINSTATE)
DEFAULT_KINDS = (ENROL, DEPART, TRANSFER, GRADUATE, REPEAT)
# The orders that change whether a learner is on the roll: the last of them says where he stands.
STATE_KINDS = (ENROL, DEPART, GRADUATE, LEAVE, RETURN, REINSTATE)


# --------------------------------------------------------------------------
# Orders
# --------------------------------------------------------------------------
def next_number(session, org_id: int, on: dt.date) -> str:
    """A generated order number «Д-2026-007»: the next of the calendar year in the book."""
    prefix = f"Д-{on.year}-"
    taken = session.scalars(select(MovementOrder.number).where(
        MovementOrder.org_id == org_id, MovementOrder.number.like(f"{prefix}%")).distinct()).all()
    last = max((int(m.group(1)) for n in taken if (m := re.fullmatch(rf"{re.escape(prefix)}(\d+)", n))), default=0)
    return f"{prefix}{last + 1:03d}"


def rules_of(kind: str | None) -> MovementRules:
    """The movement rules the plugin of a group kind declares (the defaults without them)."""
    declared = current_host().group_kinds.get(kind) if kind else None
    return (declared.movement if declared is not None else None) or MovementRules()


def manual_kinds(group_kind: str | None) -> tuple[str, ...]:
    """The orders entered by hand for a learner of a kind of group, as its plugin declares."""
    declared = rules_of(group_kind).orders
    offered = DEFAULT_KINDS if declared is None else declared
    return tuple(k for k in MANUAL_KINDS if k in offered)


def kind_names(group_kinds: Iterable[str | None] = ()) -> dict[str, str]:
    """Order code → its name (untranslated) for learners of ``group_kinds``: the kinds' own
    name where they all agree («Отчисление» in a college), else the core's («Выбытие»)."""
    rules = [rules_of(kind) for kind in dict.fromkeys(group_kinds)]
    names = {}
    for code, core in KINDS.items():
        own = {r.labels.get(code, core) for r in rules}
        names[code] = own.pop() if len(own) == 1 else core
    return names


def _open_year(group: LearnerGroup | None) -> bool:
    return group is not None and group.year is not None and not group.year.closed


def on_leave(session, learner: Learner) -> MovementOrder | None:
    """The learner's academic leave not yet ended by a return, or None."""
    if learner.id is None or learner.left_on is None:
        return None
    last = session.scalar(select(MovementOrder).where(
        MovementOrder.learner_id == learner.id, MovementOrder.kind.in_(STATE_KINDS))
        .order_by(MovementOrder.id.desc()).limit(1))
    return last if last is not None and last.kind == LEAVE else None


def on_leave_in(session, group_ids) -> dict[int, list[Learner]]:
    """Group → its learners on academic leave (on the roll, off the current list), in one query."""
    group_ids = list(group_ids)
    if not group_ids:
        return {}
    last = (select(MovementOrder.learner_id, func.max(MovementOrder.id).label("last_id"))
            .where(MovementOrder.kind.in_(STATE_KINDS)).group_by(MovementOrder.learner_id).subquery())
    out: dict[int, list[Learner]] = defaultdict(list)
    for learner in session.scalars(
            select(Learner).join(last, last.c.learner_id == Learner.id)
            .join(MovementOrder, MovementOrder.id == last.c.last_id)
            .where(Learner.group_id.in_(group_ids), Learner.left_on.is_not(None), MovementOrder.kind == LEAVE)
            .order_by(Learner.last_name, Learner.first_name, Learner.middle_name)):
        out[learner.group_id].append(learner)
    return out


@dataclass(frozen=True)
class _Words:
    """How the refusals name the learner and his group (the kind's words)."""

    learner: str
    rules: MovementRules


def _words(group: LearnerGroup | None) -> _Words:
    kind = current_host().group_kinds.get(group.kind) if group is not None else None
    return _Words(kind.learner if kind is not None else "Обучающийся", rules_of(group.kind if group else None))


def apply_order(session, learner: Learner, kind: str, *, number: str | None, date: dt.date | None,
                event_date: dt.date | None = None, to_group: LearnerGroup | None = None,
                destination: str | None = None, entered_by: int | None = None) -> MovementOrder:
    """Record an order about ``learner`` and change his class accordingly.

    Refusals raise ``RuleError`` (R14) before anything changes.
    """
    if kind not in MANUAL_KINDS:
        raise RuleError(RULE, _l("Перевод в следующий класс оформляется закрытием учебного года."))
    group = to_group if kind == ENROL else learner.group
    if group is not None and kind not in manual_kinds(group.kind):
        raise RuleError(RULE, _l("Такой приказ для обучающихся этой группы не оформляется."))
    if date is None:
        raise RuleError(RULE, _l("Укажите дату приказа."))
    if to_group is not None and to_group.org_id != learner.org_id:
        raise RuleError(RULE, _l("Выбранная группа относится к другой организации."))
    event_date = event_date or date
    destination = (destination or "").strip() or None
    current = learner.group
    words = _words(current or to_group)
    rules = words.rules
    active = learner.group_id is not None and learner.left_on is None
    leave = on_leave(session, learner) if not active else None
    if kind != ENROL and learner.enrolled_on and event_date < learner.enrolled_on:
        raise RuleError(RULE, _l("Дата движения (%(day)s) раньше даты зачисления (%(enrolled)s).",
                                 day=f"{event_date:%d.%m.%Y}", enrolled=f"{learner.enrolled_on:%d.%m.%Y}"))
    order = MovementOrder(org_id=learner.org_id, kind=kind, learner_id=learner.id, date=date, event_date=event_date,
                          destination=destination, entered_by=entered_by)
    not_on_roll = _l("%(learner)s не числится %(none)s.", learner=words.learner, none=rules.in_no_group)
    if kind == ENROL:
        if to_group is None or not _open_year(to_group):
            raise RuleError(RULE, _l("Для зачисления выберите класс или группу открытого учебного года."))
        if (active or leave) and learner.group_id != to_group.id:
            raise RuleError(RULE, _l("%(learner)s уже числится %(in)s %(group)s: оформите перевод, а не зачисление.",
                                     learner=words.learner, group=current.name, **{"in": rules.in_group}))
        if (active or leave) and _has_order(session, learner.id, ENROL, to_group.year_id):
            raise RuleError(RULE, _l("Приказ о зачислении этого обучающегося уже внесён."))
        order.to_group_id, order.year_id = to_group.id, to_group.year_id
        learner.group_id, learner.enrolled_on, learner.left_on = to_group.id, event_date, None
    elif kind in (DEPART, GRADUATE):
        # A student on academic leave may be expelled without coming back first.
        if not active and not (kind == DEPART and leave):
            raise RuleError(RULE, not_on_roll)
        if kind == DEPART and not destination:
            raise RuleError(RULE, _l(rules.departure_note_missing))
        graduating = rules.graduating_levels
        if kind == GRADUATE and graduating and current.level not in graduating:
            raise RuleError(RULE, _l("Выпуск оформляется только с выпускных уровней обучения: %(levels)s.",
                                     levels=", ".join(level_label_in(current.org_id, current.kind, level)
                                                      for level in graduating)))
        if leave and event_date < leave.event_date:
            raise RuleError(RULE, _l("Дата движения раньше начала академического отпуска (%(day)s).",
                                     day=f"{leave.event_date:%d.%m.%Y}"))
        order.from_group_id, order.year_id = current.id, current.year_id
        learner.left_on = event_date  # the class stays: his marks and attendance stay with it
    elif kind == TRANSFER:
        if not active:
            raise RuleError(RULE, _l("%(learner)s в академическом отпуске: сначала оформите выход из него.",
                                     learner=words.learner) if leave else not_on_roll)
        if to_group is None or to_group.id == current.id or to_group.kind != current.kind:
            raise RuleError(RULE, _l("Выберите %(other)s, куда переводится %(learner)s.",
                                     other=rules.other_group, learner=words.learner.lower()))
        if to_group.year_id != current.year_id or not _open_year(to_group):
            raise RuleError(RULE, _l("Перевести можно только %(into)s того же, открытого учебного года.",
                                     into=rules.into_group))
        order.from_group_id, order.to_group_id, order.year_id = current.id, to_group.id, current.year_id
        if not destination and rules.transfer_note is not None:
            order.destination = rules.transfer_note(session, current, to_group)
        learner.group_id = to_group.id
    elif kind == REPEAT:
        if not active or not _open_year(current):
            raise RuleError(RULE, _l("Обучающийся не числится в классе открытого учебного года."))
        if _has_order(session, learner.id, REPEAT, current.year_id):
            raise RuleError(RULE, _l("Приказ об оставлении на повторное обучение уже внесён."))
        # Takes effect when the year is closed: the learner stays in the same grade.
        order.from_group_id, order.year_id = current.id, current.year_id
    elif kind == LEAVE:
        if leave:
            raise RuleError(RULE, _l("%(learner)s уже в академическом отпуске с %(day)s.",
                                     learner=words.learner, day=f"{leave.event_date:%d.%m.%Y}"))
        if not active:
            raise RuleError(RULE, not_on_roll)
        order.from_group_id, order.year_id = current.id, current.year_id
        # Off the group's current list from the first day of the leave: the journal and the
        # lists count a learner up to ``left_on``; the book tells leave from departure.
        learner.left_on = event_date - dt.timedelta(days=1)
    elif kind == RETURN:
        if not leave:
            raise RuleError(RULE, _l("%(learner)s не в академическом отпуске.", learner=words.learner))
        if event_date < leave.event_date:
            raise RuleError(RULE, _l("Дата движения раньше начала академического отпуска (%(day)s).",
                                     day=f"{leave.event_date:%d.%m.%Y}"))
        target = to_group or current
        if target.kind != current.kind or not _open_year(target):
            raise RuleError(RULE, _l("Выберите группу открытого учебного года, в которую выходит %(learner)s.",
                                     learner=words.learner.lower()))
        order.from_group_id, order.to_group_id, order.year_id = current.id, target.id, target.year_id
        learner.group_id, learner.left_on = target.id, None
    elif kind == REINSTATE:
        if active or leave:
            raise RuleError(RULE, _l("%(learner)s уже числится %(in)s %(group)s.", learner=words.learner,
                                     group=current.name, **{"in": rules.in_group}))
        if learner.left_on is None or _last_state(session, learner.id) == GRADUATE:
            raise RuleError(RULE, _l("Восстановить можно только отчисленного (выбывшего)."))
        if event_date <= learner.left_on:
            raise RuleError(RULE, _l("Дата восстановления должна быть позже даты отчисления (%(day)s).",
                                     day=f"{learner.left_on:%d.%m.%Y}"))
        if to_group is None or not _open_year(to_group) or (current is not None and to_group.kind != current.kind):
            raise RuleError(RULE, _l("Для восстановления выберите группу открытого учебного года."))
        order.from_group_id = current.id if current is not None else None
        order.to_group_id, order.year_id = to_group.id, to_group.year_id
        learner.group_id, learner.left_on = to_group.id, None
    order.number = (number or "").strip() or next_number(session, learner.org_id, date)
    session.add(order)
    session.flush()
    return order


def _last_state(session, learner_id: int) -> str | None:
    return session.scalar(select(MovementOrder.kind).where(
        MovementOrder.learner_id == learner_id, MovementOrder.kind.in_(STATE_KINDS))
        .order_by(MovementOrder.id.desc()).limit(1))


def _has_order(session, learner_id: int, kind: str, year_id: int | None) -> bool:
    return session.scalar(select(MovementOrder.id).where(
        MovementOrder.learner_id == learner_id, MovementOrder.kind == kind, MovementOrder.year_id == year_id)
        .limit(1)) is not None


# --------------------------------------------------------------------------
# Reading the book
# --------------------------------------------------------------------------
@dataclass
class BookRow:
    order: MovementOrder
    learner: str
    learner_id: int
    from_group: str
    to_group: str
    year: str
    entered_by: str = ""


def _rows(session, query) -> list[BookRow]:
    src, dst = aliased(LearnerGroup), aliased(LearnerGroup)
    q = (query.add_columns(Learner.last_name, Learner.first_name, Learner.middle_name, src.name, dst.name,
                           AcademicYear.name, Account.last_name, Account.first_name)
         .join(Learner, Learner.id == MovementOrder.learner_id)
         .outerjoin(Account, Account.id == MovementOrder.entered_by)
         .outerjoin(src, src.id == MovementOrder.from_group_id)
         .outerjoin(dst, dst.id == MovementOrder.to_group_id)
         .outerjoin(AcademicYear, AcademicYear.id == MovementOrder.year_id))
    out = []
    for order, last, first, middle, src_name, dst_name, year, by_last, by_first in session.execute(q):
        out.append(BookRow(order, " ".join(p for p in (last, first, middle) if p), order.learner_id,
                           src_name or "", dst_name or "", year or "", _name(by_last, by_first)))
    return out


def book_page(session, *, kind: str | None = None, group_id: int | None = None, query: str = "", page: int = 0,
              page_size: int = 50) -> tuple[int, list[BookRow]]:
    """One page of the book, newest orders first, with its total count."""
    q = select(MovementOrder)
    if kind in KINDS:
        q = q.where(MovementOrder.kind == kind)
    if group_id:
        q = q.where((MovementOrder.from_group_id == group_id) | (MovementOrder.to_group_id == group_id))
    if query:
        q = q.where(MovementOrder.learner_id.in_(
            select(Learner.id).where(Learner.last_name.ilike(f"{query.strip()}%"))))
    total = session.scalar(select(func.count()).select_from(q.subquery()))
    q = q.order_by(MovementOrder.date.desc(), MovementOrder.id.desc()).offset(page * page_size).limit(page_size)
    return total, _rows(session, q)


@dataclass
class History:
    learner: Learner
    orders: list[BookRow]
    classes: list[tuple[str, str]]  # (year, class) in year order


def learner_history(session, learner: Learner) -> History:
    """Every order about the learner in date order, and his classes by year."""
    orders = _rows(session, select(MovementOrder).where(MovementOrder.learner_id == learner.id)
                   .order_by(MovementOrder.event_date, MovementOrder.date, MovementOrder.id))
    group_ids = {o.order.from_group_id for o in orders} | {o.order.to_group_id for o in orders}
    if learner.group_id:
        group_ids.add(learner.group_id)
    group_ids.discard(None)
    classes = session.execute(
        select(AcademicYear.name, LearnerGroup.name).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(LearnerGroup.id.in_(group_ids)).order_by(AcademicYear.start, LearnerGroup.level, LearnerGroup.name)
    ).all() if group_ids else []
    return History(learner, orders, [tuple(c) for c in classes])


# --------------------------------------------------------------------------
# Deadlines (R14, seed 004 3.3.3.2)
# --------------------------------------------------------------------------
def add_working_days(day: dt.date, n: int) -> dt.date:
    """``day`` plus ``n`` working days (Monday to Friday)."""
    while n > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def deadline(order: MovementOrder, kind: str | None, level: int | None, year: AcademicYear | None) -> dt.date | None:
    """When the order had to be in the system: by the rules of the group's kind, or
    within two working days of the event (transfers between groups have no deadline)."""
    rules = rules_of(kind)
    if rules.deadline is not None:
        return rules.deadline(order.kind, order.date, order.event_date, level, year)
    return add_working_days(order.event_date, 2) if order.kind in (ENROL, DEPART) else None


@dataclass
class Overdue:
    what: str
    learner: str
    learner_id: int | None
    group: str
    number: str
    day: dt.date | None  # the event or order day
    due: dt.date | None
    entered: dt.date | None


OVERDUE_LIMIT = 200


def overdue_items(session, org_id: int, today: dt.date) -> list[Overdue]:
    """Late orders and movements without an order, newest first (a bounded number of queries)."""
    since = today - dt.timedelta(days=400)
    src, dst = aliased(LearnerGroup), aliased(LearnerGroup)
    items: list[Overdue] = []
    rows = session.execute(
        select(MovementOrder, Learner.last_name, Learner.first_name, Learner.middle_name, src.kind, src.level,
               src.name, dst.kind, dst.level, dst.name, AcademicYear)
        .join(Learner, Learner.id == MovementOrder.learner_id)
        .outerjoin(src, src.id == MovementOrder.from_group_id).outerjoin(dst, dst.id == MovementOrder.to_group_id)
        .outerjoin(AcademicYear, AcademicYear.id == MovementOrder.year_id)
        .where(MovementOrder.org_id == org_id, MovementOrder.date >= since)
        .order_by(MovementOrder.date.desc(), MovementOrder.id.desc())).all()
    for order, last, first, middle, src_kind, src_level, src_name, dst_kind, dst_level, dst_name, year in rows:
        kind, level = (dst_kind, dst_level) if order.kind == ENROL else (src_kind, src_level)
        due = deadline(order, kind, level, year)
        entered = order.created_at.date() if order.created_at else None
        if due is not None and entered is not None and entered > due:
            items.append(Overdue(str(_l("Приказ внесён позже срока: %(kind)s", kind=_l(kind_names([kind])[order.kind]))),
                                 _name(last, first, middle), order.learner_id, dst_name or src_name or "",
                                 order.number, order.event_date, due, entered))
    # Movements without an order: enrolled or left in the last year, no order of that kind.
    ordered = {(lid, kind) for lid, kind in session.execute(
        select(MovementOrder.learner_id, MovementOrder.kind).where(
            MovementOrder.org_id == org_id, MovementOrder.kind.in_([ENROL, DEPART, GRADUATE, LEAVE, REINSTATE])))}
    for learner, kind, level, group_name, year in session.execute(
            select(Learner, LearnerGroup.kind, LearnerGroup.level, LearnerGroup.name, AcademicYear)
            .join(LearnerGroup, LearnerGroup.id == Learner.group_id)
            .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
            .where(Learner.org_id == org_id, ((Learner.enrolled_on >= since) | (Learner.left_on >= since)))
            .order_by(Learner.last_name, Learner.first_name)):
        if learner.enrolled_on and learner.enrolled_on >= since \
                and not {(learner.id, ENROL), (learner.id, REINSTATE)} & ordered:
            enrolment = MovementOrder(kind=ENROL, date=learner.enrolled_on, event_date=learner.enrolled_on)
            due = deadline(enrolment, kind, level, year)
            if due is not None and today > due:
                items.append(Overdue(str(_l("Зачисление без приказа")), learner.full_name, learner.id, group_name,
                                     "", learner.enrolled_on, due, None))
        if learner.left_on and learner.left_on >= since \
                and not {(learner.id, DEPART), (learner.id, GRADUATE), (learner.id, LEAVE)} & ordered:
            due = add_working_days(learner.left_on, 2)
            if today > due:
                items.append(Overdue(str(_l("Выбытие без приказа")), learner.full_name, learner.id, group_name,
                                     "", learner.left_on, due, None))
    # A past school year still open after 31 August: promotion orders are missing.
    for year in session.scalars(select(AcademicYear).where(AcademicYear.org_id == org_id,
                                                           AcademicYear.closed.is_(False),
                                                           AcademicYear.end < today).order_by(AcademicYear.start)):
        due = dt.date(year.end.year, 8, 31)
        if today > due:
            items.append(Overdue(str(_l("Не оформлен перевод на следующий учебный год %(year)s", year=year.name)),
                                 "", None, "", "", year.end, due, None))
    return items[:OVERDUE_LIMIT]


def _name(*parts) -> str:
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------
# Closing a school year
# --------------------------------------------------------------------------
def next_year_name(year: AcademicYear) -> str:
    return f"{year.start.year + 1}/{year.start.year + 2}"


@dataclass
class GroupPlan:
    group: LearnerGroup
    action: str  # "promote" | "graduate"
    new_name: str | None
    promoted: list[Learner] = field(default_factory=list)
    graduated: list[Learner] = field(default_factory=list)
    repeaters: list[Learner] = field(default_factory=list)
    # On academic leave: they stay on the roll of this group and move on by a return order.
    on_leave: list[Learner] = field(default_factory=list)


@dataclass
class ClosingPlan:
    year: AcademicYear
    new_year_name: str
    groups: list[GroupPlan]
    assignments: int  # teaching assignments copied to the promoted classes

    @property
    def counts(self) -> dict[str, int]:
        return {"promoted": sum(len(g.promoted) for g in self.groups),
                "graduated": sum(len(g.graduated) for g in self.groups),
                "repeaters": sum(len(g.repeaters) for g in self.groups),
                "on_leave": sum(len(g.on_leave) for g in self.groups)}


def plan_closing(session, year: AcademicYear) -> ClosingPlan:
    """What closing ``year`` will do, without changing anything (the preview)."""
    if year.closed:
        raise RuleError(RULE, _l("Учебный год %(year)s уже закрыт.", year=year.name))
    groups = session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id)
                             .order_by(LearnerGroup.level, LearnerGroup.name)).all()
    group_ids = [g.id for g in groups]
    learners = defaultdict(list)
    for learner in session.scalars(select(Learner).where(Learner.group_id.in_(group_ids), Learner.left_on.is_(None))
                                   .order_by(Learner.last_name, Learner.first_name, Learner.middle_name)):
        learners[learner.group_id].append(learner)
    repeat = set(session.scalars(select(MovementOrder.learner_id).where(
        MovementOrder.year_id == year.id, MovementOrder.kind == REPEAT)))
    leave = on_leave_in(session, group_ids)
    plans = []
    for g in groups:
        rules = rules_of(g.kind)
        graduating = g.level in rules.graduating_levels
        new_name = None if graduating else rules.next_name(g.name, g.level) if rules.next_name else g.name
        plan = GroupPlan(g, GRADUATE if graduating else PROMOTE, new_name)
        for learner in learners[g.id]:
            if learner.id in repeat:
                plan.repeaters.append(learner)
            elif graduating:
                plan.graduated.append(learner)
            else:
                plan.promoted.append(learner)
        plan.on_leave = leave.get(g.id, [])
        plans.append(plan)
    promoted_ids = [p.group.id for p in plans if p.action == PROMOTE]
    assignments = session.scalar(select(func.count(TeachingAssignment.id)).where(
        TeachingAssignment.year_id == year.id, TeachingAssignment.group_id.in_(promoted_ids))) or 0
    return ClosingPlan(year, next_year_name(year), plans, assignments)


@dataclass
class ClosingResult:
    new_year: AcademicYear
    group_map: dict  # old group id -> new group id (promoted classes)
    promote_number: str
    graduate_number: str
    counts: dict


def close_year(session, host, year: AcademicYear, on: dt.date, entered_by: int | None = None) -> ClosingResult:
    """Close ``year`` and open the next one, all in the caller's transaction.

    Grades 1–8 and 10 go up a grade into new classes of the next year (5А → 6А,
    class teachers and teaching assignments copied for review); grades 9 and 11
    are graduated (``left_on`` set, their class and records stay); learners with
    an order to repeat the year go to the class of the same grade in the next
    year. The next year's periods come from the plugins' calendars; the
    organisation's settings and subjects belong to the organisation and carry
    over as they are. Then the ``academic_year_opened`` hook lets other parts
    (the curriculum) copy their own data. The caller commits or rolls back.
    """
    plan = plan_closing(session, year)
    org = year.organisation
    new_year = _next_year(session, host, year, org)
    existing = {g.name: g for g in session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == new_year.id))}

    def group_for(kind: str, name: str, level: int, leader_id: int | None) -> LearnerGroup:
        group = existing.get(name)
        if group is None:
            group = existing[name] = LearnerGroup(org_id=year.org_id, year_id=new_year.id, kind=kind,
                                                  name=name, level=level, leader_id=leader_id)
            session.add(group)
        return group

    group_map: dict[int, LearnerGroup] = {}
    for p in plan.groups:
        if p.action == PROMOTE:
            group_map[p.group.id] = group_for(p.group.kind, p.new_name, p.group.level + 1, p.group.leader_id)
    for p in plan.groups:
        if p.repeaters:
            kept = group_for(p.group.kind, p.group.name, p.group.level, None)
            # A kind whose groups keep their name from level to level (a college's «ИСП-25»)
            # has its promoted group under that name: repeaters must not be promoted with it.
            if kept.level != p.group.level:
                raise RuleError(RULE, _l("В новом учебном году группа %(group)s уже переходит на следующий уровень "
                                         "под тем же названием: оставленным на повторное обучение нужна группа с "
                                         "другим названием.", group=p.group.name))
    session.flush()

    promote_no = next_number(session, year.org_id, on)
    orders = []
    if plan.counts["promoted"]:
        for p in plan.groups:
            for learner in p.promoted:
                target = group_map[p.group.id]
                orders.append(MovementOrder(org_id=year.org_id, number=promote_no, date=on, event_date=new_year.start,
                                            kind=PROMOTE, learner_id=learner.id, year_id=year.id,
                                            from_group_id=p.group.id, to_group_id=target.id, entered_by=entered_by,
                                            destination=str(_l("Переведён в %(group)s", group=target.name))))
                learner.group_id = target.id
        session.add_all(orders)
        session.flush()
    graduate_no = next_number(session, year.org_id, on) if plan.counts["graduated"] else ""
    graduation_day = min(on, year.end)
    for p in plan.groups:
        for learner in p.graduated:
            session.add(MovementOrder(org_id=year.org_id, number=graduate_no, date=on, event_date=graduation_day,
                                      kind=GRADUATE, learner_id=learner.id, year_id=year.id,
                                      from_group_id=p.group.id, entered_by=entered_by,
                                      destination=rules_of(p.group.kind).graduation_note % {"level": p.group.level}))
            learner.left_on = graduation_day
        for learner in p.repeaters:
            learner.group_id = existing[p.group.name].id  # the order to repeat is already in the book
    # Teaching assignments of the promoted classes, for the Завуч to review. Subgroups are
    # split anew at the start of each year (R9): a subgroup's teacher is copied for the class.
    copied = set()
    for ta in session.scalars(select(TeachingAssignment).where(
            TeachingAssignment.year_id == year.id, TeachingAssignment.group_id.in_(list(group_map)))
            .order_by(TeachingAssignment.id)):
        key = (ta.teacher_id, ta.subject_id, ta.group_id)
        if key in copied:
            continue
        copied.add(key)
        session.add(TeachingAssignment(org_id=year.org_id, year_id=new_year.id, teacher_id=ta.teacher_id,
                                       subject_id=ta.subject_id, group_id=group_map[ta.group_id].id,
                                       hours_per_week=ta.hours_per_week))
    year.closed = True
    session.flush()
    host.academic_year_opened(session, year, new_year, {old: new.id for old, new in group_map.items()})
    session.flush()
    return ClosingResult(new_year, {old: new.id for old, new in group_map.items()}, promote_no if orders else "",
                         graduate_no, plan.counts)


def _next_year(session, host, year: AcademicYear, org) -> AcademicYear:
    """The next academic year with its periods from every enabled plugin's calendar
    (an existing next year, created ahead by hand, is taken as it is)."""
    name = next_year_name(year)
    found = session.scalar(select(AcademicYear).where(AcademicYear.org_id == year.org_id, AcademicYear.name == name))
    if found is not None:
        if found.closed:
            raise RuleError(RULE, _l("Следующий учебный год %(year)s уже закрыт.", year=name))
        return found
    start_year = year.start.year + 1
    templates = [(plugin, t) for plugin in (org.plugins or []) for t in host.calendar(plugin, start_year)]
    start = min((t.start for _, t in templates), default=dt.date(start_year, 9, 1))
    end = max((t.end for _, t in templates), default=dt.date(start_year + 1, 6, 30))
    new_year = AcademicYear(org_id=year.org_id, name=name, start=start, end=end)
    session.add(new_year)
    session.flush()
    session.add_all([
        Period(org_id=year.org_id, year_id=new_year.id, plugin=plugin, type_code=t.type_code, name=t.name,
               start=t.start, end=t.end, order=t.order, is_final=host.period_types[t.type_code].is_final)
        for plugin, t in templates
    ])
    return new_year


def moved_out(group_id: int, start: dt.date, learner):
    """For one query of a class's list: (the ids of those transferred or promoted out of
    the class after ``start``, a column of ``learner``'s last such order's day or NULL)."""
    where = (MovementOrder.from_group_id == group_id, MovementOrder.kind.in_([TRANSFER, PROMOTE]),
             MovementOrder.event_date > start)
    ids = select(MovementOrder.learner_id).where(*where)
    last = select(func.max(MovementOrder.event_date)).where(MovementOrder.learner_id == learner.id, *where)
    return ids, last.scalar_subquery()

