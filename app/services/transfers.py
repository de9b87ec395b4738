"""Transfer of a learner to another organisation (issue 15, item 4; seed 002: the
Секретарь «осуществляет электронный перевод обучающихся … из одной ОО в другую»).

1. The sending organisation issues the transfer: the learner leaves by a departure
   order of its movement book («выбыл в другую ОО: …»), and a ``snapshot`` of his
   personal card, guardians, and the current year's marks, attendance and final
   marks is stored on the transfer.
2. The receiving organisation sees the incoming transfer and accepts the learner
   into one of its classes: a learner of its own is created from the card, with
   the guardians (one already there with the same СНИЛС is linked, not copied),
   enrolled by an arrival order of its book («прибыл из …»). The logins of the
   learner and of his guardians move to the new organisation; a guardian who still
   has a child on the sending organisation's roll keeps his login there (one login
   is one person of one organisation): the receiving school issues him a login of
   its own («Выдача логинов»).
3. Until accepted, the sending organisation may cancel the transfer: the learner is
   enrolled back into his class by an order of its book.

Neither side reads the other's rows: the receiving side reads the transfer and its
snapshot only. The two steps that must reach past the user's organisation — the
list of organisations to send to, and moving the logins — run in a narrow block
(``_across``) on rows named by the transfer, and say so.

No Flask request here: the views pass the actor and commit.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.exceptions import RuleError
from app.models import (
    AcademicYear, Account, Assignment, AssignmentType, Attendance, AttendanceCode, FinalMark, Guardian,
    GuardianLink, Learner, LearnerGroup, Lesson, Mark, Organisation, Period, Subject,
)
from app.models.movement import DEPART, ENROL
from app.models.transfer import ACCEPTED, CANCELLED, ISSUED, Transfer
from app.registry import SCOPE_SYSTEM
from app.scoping import Scope, acting_as, current_scope
from app.services.movement import apply_order

RULE = "R14"
CARD_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "gender", "phone", "email", "snils")


def _across():
    """Reads and writes past the user's organisation, for the steps that need them only:
    uncut, yet audited as the user's (the audit log names him)."""
    scope = current_scope()
    if scope is None:
        return acting_as(None)
    return acting_as(Scope(SCOPE_SYSTEM, user_id=scope.user_id, username=scope.username, person_id=scope.person_id,
                           restricted_read=frozenset(), restricted_write=frozenset()))


def _name(org: Organisation) -> str:
    return org.short_name or org.name


# --------------------------------------------------------------------------
# Where to
# --------------------------------------------------------------------------
def destinations(session, org_id: int) -> list[tuple[int, str]]:
    """The organisations a learner may be sent to: every other one of the installation
    (a family moves to another town too), their names only."""
    with _across():
        return [(oid, short or name) for oid, name, short in session.execute(
            select(Organisation.id, Organisation.name, Organisation.short_name)
            .where(Organisation.id != org_id)
            .order_by(Organisation.name))]


# --------------------------------------------------------------------------
# The snapshot
# --------------------------------------------------------------------------
def _iso(day):
    return day.isoformat() if day else None


def snapshot_of(session, learner: Learner) -> dict:
    """What goes with the learner: his card, his guardians, and of the school year of his
    class the marks (by subject, by date), the attendance (each entry and totals by code)
    and the final marks. Plain JSON, read by the receiving side as it is."""
    card = {key: (_iso(getattr(learner, key)) if key == "birth_date" else getattr(learner, key)) for key in CARD_FIELDS}
    group = session.get(LearnerGroup, learner.group_id) if learner.group_id else None
    card.update(group=group.name if group else "", enrolled_on=_iso(learner.enrolled_on))
    guardians = [
        {"id": g.id, **{key: (_iso(getattr(g, key)) if key == "birth_date" else getattr(g, key)) for key in CARD_FIELDS},
         "relation": link.relation or ""}
        for link, g in session.execute(
            select(GuardianLink, Guardian).join(Guardian, Guardian.id == GuardianLink.guardian_id)
            .where(GuardianLink.learner_id == learner.id).order_by(Guardian.last_name, Guardian.first_name))]
    year = session.get(AcademicYear, group.year_id) if group is not None else None
    out = {"card": card, "guardians": guardians, "year": year.name if year else "", "marks": [],
           "attendance": [], "attendance_totals": [], "finals": []}
    if year is None:
        return out
    in_year = (Lesson.date >= year.start, Lesson.date <= year.end)
    out["marks"] = [
        {"subject": subject, "date": _iso(day), "value": value, "type": type_name or "", "weight": float(weight or 1),
         "debt": bool(debt)}
        for subject, day, value, type_name, weight, debt in session.execute(
            select(Subject.name, Lesson.date, Mark.value, AssignmentType.name, Assignment.weight, Mark.is_debt)
            .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
            .join(Subject, Subject.id == Lesson.subject_id)
            .outerjoin(AssignmentType, AssignmentType.id == Assignment.type_id)
            .where(Mark.learner_id == learner.id, *in_year).order_by(Subject.name, Lesson.date, Mark.id))
        if value]
    attendance = [
        {"date": _iso(day), "code": code, "name": name, "subject": subject or ""}
        for day, code, name, subject in session.execute(
            select(Attendance.date, AttendanceCode.code, AttendanceCode.name, Subject.name)
            .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
            .outerjoin(Lesson, Lesson.id == Attendance.lesson_id).outerjoin(Subject, Subject.id == Lesson.subject_id)
            .where(Attendance.learner_id == learner.id, Attendance.date >= year.start, Attendance.date <= year.end)
            .order_by(Attendance.date, Attendance.id))]
    out["attendance"] = attendance
    counts = Counter((a["code"], a["name"]) for a in attendance)
    out["attendance_totals"] = [{"code": code, "name": name, "count": n} for (code, name), n in sorted(counts.items())]
    out["finals"] = [
        {"subject": subject, "period": period, "value": value}
        for subject, period, value in session.execute(
            select(Subject.name, Period.name, FinalMark.value)
            .join(Subject, Subject.id == FinalMark.subject_id).join(Period, Period.id == FinalMark.period_id)
            .where(FinalMark.learner_id == learner.id, Period.year_id == year.id)
            .order_by(Subject.name, Period.start, Period.order))]
    return out


def marks_by_subject(snapshot: dict) -> list[tuple[str, list[dict], list[dict]]]:
    """(subject, its marks, its final marks), subjects in alphabetical order, for the page."""
    subjects = sorted({m["subject"] for m in snapshot.get("marks", [])} | {f["subject"] for f in snapshot.get("finals", [])})
    return [(s, [m for m in snapshot.get("marks", []) if m["subject"] == s],
             [f for f in snapshot.get("finals", []) if f["subject"] == s]) for s in subjects]


# --------------------------------------------------------------------------
# Issue, accept, cancel
# --------------------------------------------------------------------------
def issue(session, learner: Learner, to_org_id: int | None, *, number: str | None, date: dt.date | None,
          event_date: dt.date | None = None, entered_by: int | None = None) -> Transfer:
    """The sending organisation transfers ``learner`` to ``to_org_id``: the departure order
    and the transfer with its snapshot. Refusals raise ``RuleError`` before anything changes."""
    to_name = dict(destinations(session, learner.org_id)).get(to_org_id) if isinstance(to_org_id, int) else None
    if to_name is None:
        raise RuleError(RULE, _l("Выберите организацию, в которую переводится обучающийся."))
    if learner.group_id is None or learner.left_on is not None:
        raise RuleError(RULE, _l("Перевести можно только обучающегося, который числится в классе."))
    if session.scalar(select(Transfer.id).where(Transfer.learner_id == learner.id, Transfer.status == ISSUED)):
        raise RuleError(RULE, _l("Перевод этого обучающегося уже оформлен и ждёт приёма."))
    from_org = session.get(Organisation, learner.org_id)
    snapshot = snapshot_of(session, learner)  # before the order: his class as it was
    order = apply_order(session, learner, DEPART, number=number, date=date, event_date=event_date,
                        destination=str(_l("выбыл в другую ОО: %(org)s", org=to_name)), entered_by=entered_by)
    transfer = Transfer(from_org_id=learner.org_id, to_org_id=to_org_id, from_org_name=_name(from_org),
                        to_org_name=to_name, learner_id=learner.id, learner_name=learner.full_name,
                        number=order.number, date=order.date, event_date=order.event_date, status=ISSUED,
                        issued_by=entered_by, snapshot=snapshot)
    session.add(transfer)
    session.flush()
    return transfer


def incoming(session, org_id: int) -> list[Transfer]:
    """The transfers to ``org_id``, those waiting first, newest first (one query)."""
    return session.scalars(select(Transfer).where(Transfer.to_org_id == org_id)
                           .order_by((Transfer.status == ISSUED).desc(), Transfer.date.desc(), Transfer.id.desc())
                           .limit(200)).all()


def outgoing(session, org_id: int) -> list[Transfer]:
    """The transfers from ``org_id``, newest first (one query)."""
    return session.scalars(select(Transfer).where(Transfer.from_org_id == org_id)
                           .order_by(Transfer.date.desc(), Transfer.id.desc()).limit(200)).all()


def _party(transfer: Transfer | None, side: str) -> Transfer:
    scope = current_scope()
    org_id = getattr(transfer, f"{side}_org_id", None)
    if transfer is None or (scope is not None and not scope.is_system and org_id not in scope.write_org_ids):
        raise RuleError(RULE, _l("Перевод не найден: он оформлен не для вашей организации."))
    return transfer


def accept(session, transfer: Transfer | None, group: LearnerGroup | None, *, number: str | None,
           date: dt.date | None, event_date: dt.date | None = None, entered_by: int | None = None) -> Learner:
    """The receiving organisation accepts the learner into ``group``: its own learner,
    his guardians, the arrival order, and the logins moved over."""
    transfer = _party(transfer, "to")
    if transfer.status != ISSUED:
        raise RuleError(RULE, _l("Этот перевод уже принят.") if transfer.status == ACCEPTED
                        else _l("Этот перевод отменён организацией, из которой выбыл обучающийся."))
    if group is None:
        raise RuleError(RULE, _l("Выберите класс, в который принимается обучающийся."))
    if group.org_id != transfer.to_org_id:
        raise RuleError(RULE, _l("Выбранная группа относится к другой организации."))
    card = transfer.snapshot.get("card", {})
    learner = Learner(org_id=transfer.to_org_id, **_person_fields(card))
    session.add(learner)
    session.flush()
    order = apply_order(session, learner, ENROL, number=number, date=date, event_date=event_date or date,
                        to_group=group, destination=str(_l("прибыл из %(org)s", org=transfer.from_org_name)),
                        entered_by=entered_by)
    guardians = _guardians(session, transfer, learner)
    transfer.status, transfer.to_learner_id, transfer.to_group_id = ACCEPTED, learner.id, group.id
    transfer.accepted_number, transfer.accepted_on, transfer.accepted_by = order.number, order.date, entered_by
    session.flush()
    _move_logins(session, transfer, learner, guardians)
    return learner


def _person_fields(card: dict) -> dict:
    fields = {key: card.get(key) for key in CARD_FIELDS}
    fields["birth_date"] = dt.date.fromisoformat(card["birth_date"]) if card.get("birth_date") else None
    fields["last_name"] = fields["last_name"] or "—"
    fields["first_name"] = fields["first_name"] or "—"
    return fields


def _guardians(session, transfer: Transfer, learner: Learner) -> dict[int, Guardian]:
    """The guardians of the snapshot in the receiving organisation: one already there with
    the same СНИЛС (a sibling studies there) is linked, the others are copied."""
    listed = transfer.snapshot.get("guardians", [])
    snils = [g["snils"] for g in listed if g.get("snils")]
    known = {g.snils: g for g in session.scalars(select(Guardian).where(
        Guardian.org_id == transfer.to_org_id, Guardian.snils.in_(snils)))} if snils else {}
    out = {}
    for entry in listed:
        guardian = known.get(entry.get("snils")) if entry.get("snils") else None
        if guardian is None:
            guardian = Guardian(org_id=transfer.to_org_id, **_person_fields(entry))
            session.add(guardian)
            session.flush()
        session.add(GuardianLink(org_id=transfer.to_org_id, guardian_id=guardian.id, learner_id=learner.id,
                                 relation=entry.get("relation") or ""))
        out[entry["id"]] = guardian
    session.flush()
    return out


def _move_logins(session, transfer: Transfer, learner: Learner, guardians: dict[int, Guardian]) -> list[str]:
    """The learner's login and his guardians' move to the receiving organisation, keeping
    their passwords. A guardian with another child still on the sending roll keeps his
    login there; a person of the receiving side who already has a login keeps his own."""
    moved = []
    with _across():
        old_ids = [transfer.learner_id, *guardians]
        accounts = session.scalars(select(Account).where(
            Account.person_id.in_(old_ids), Account.org_id == transfer.from_org_id).order_by(Account.id)).all()
        if not accounts:
            return moved
        staying = set(session.scalars(
            select(GuardianLink.guardian_id).join(Learner, Learner.id == GuardianLink.learner_id).where(
                GuardianLink.guardian_id.in_(list(guardians)), GuardianLink.learner_id != transfer.learner_id,
                Learner.org_id == transfer.from_org_id, Learner.group_id.is_not(None), Learner.left_on.is_(None))))
        new_ids = {transfer.learner_id: learner.id, **{old: g.id for old, g in guardians.items()}}
        taken = set(session.scalars(select(Account.person_id).where(Account.person_id.in_(list(new_ids.values())))))
        for account in accounts:
            if account.person_id in staying or new_ids[account.person_id] in taken:
                continue
            account.org_id, account.person_id = transfer.to_org_id, new_ids[account.person_id]
            moved.append(account.username)
        session.flush()
    return moved


def cancel(session, transfer: Transfer | None, *, date: dt.date | None, entered_by: int | None = None) -> Learner:
    """The sending organisation cancels a transfer not yet accepted: the learner is
    enrolled back into his class by an order of its book."""
    transfer = _party(transfer, "from")
    if transfer.status != ISSUED:
        raise RuleError(RULE, _l("Отменить можно только перевод, который ещё не принят."))
    learner = session.scalar(select(Learner).where(Learner.id == transfer.learner_id))
    if learner is None or learner.group is None:
        raise RuleError(RULE, _l("Обучающийся не найден."))
    enrolled = learner.enrolled_on
    apply_order(session, learner, ENROL, number=None, date=date, event_date=date, to_group=learner.group,
                destination=str(_l("перевод в %(org)s отменён", org=transfer.to_org_name)), entered_by=entered_by)
    learner.enrolled_on = enrolled or learner.enrolled_on  # back on the roll as he was: the earlier days stay his
    transfer.status = CANCELLED
    session.flush()
    return learner
