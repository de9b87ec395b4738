"""Движение обучающихся from the movement book: the dynamics by class and the
ledger of orders (сводная ведомость учёта движения учащихся)."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from app.models import AcademicYear, Learner, LearnerGroup
from app.models.movement import DEPART, ENROL, GRADUATE, KINDS, TRANSFER, MovementOrder
from app.registry import Table

ARRIVALS = (ENROL, TRANSFER)
DEPARTURES = (DEPART, TRANSFER, GRADUATE)


def movement_dynamics(session, params) -> list[Table]:
    """Per class of the year holding the range: learners at its start, arrived,
    left, at its end. The end is counted from the learners; the start follows
    from the orders, so the table always adds up."""
    org, start, end = params["organisation"], params["dates_from"], params["dates_to"]
    groups = session.execute(
        select(LearnerGroup.id, LearnerGroup.name)
        .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(LearnerGroup.org_id == org, LearnerGroup.kind == "class", AcademicYear.start <= end,
               AcademicYear.end >= start)
        .order_by(LearnerGroup.level, LearnerGroup.name)).all()
    ids = [g for g, _name in groups]
    at_end = dict(session.execute(
        select(Learner.group_id, func.count(Learner.id))
        .where(Learner.group_id.in_(ids), or_(Learner.enrolled_on.is_(None), Learner.enrolled_on <= end),
               or_(Learner.left_on.is_(None), Learner.left_on > end))
        .group_by(Learner.group_id)).all())
    in_range = (MovementOrder.event_date >= start, MovementOrder.event_date <= end)
    arrived = dict(session.execute(
        select(MovementOrder.to_group_id, func.count(MovementOrder.id))
        .where(MovementOrder.to_group_id.in_(ids), MovementOrder.kind.in_(ARRIVALS), *in_range)
        .group_by(MovementOrder.to_group_id)).all())
    left = dict(session.execute(
        select(MovementOrder.from_group_id, func.count(MovementOrder.id))
        .where(MovementOrder.from_group_id.in_(ids), MovementOrder.kind.in_(DEPARTURES), *in_range)
        .group_by(MovementOrder.from_group_id)).all())
    rows, total = [], [0, 0, 0, 0]
    for gid, name in groups:
        e, a, l_ = at_end.get(gid, 0), arrived.get(gid, 0), left.get(gid, 0)
        values = [e - a + l_, a, l_, e]
        total = [x + y for x, y in zip(total, values)]
        rows.append([name, *values])
    rows.append([_("Итого"), *total])
    return [Table(_("Динамика движения обучающихся"),
                  [_("Класс"), _("На начало"), _("Прибыло"), _("Выбыло"), _("На конец")], rows)]


def movement_ledger(session, params) -> list[Table]:
    """Every order of the range, in the order of the book."""
    org, start, end = params["organisation"], params["dates_from"], params["dates_to"]
    src, dst = aliased(LearnerGroup), aliased(LearnerGroup)
    rows = session.execute(
        select(MovementOrder.date, MovementOrder.number, MovementOrder.kind, Learner.last_name, Learner.first_name,
               Learner.middle_name, src.name, dst.name, MovementOrder.event_date, MovementOrder.destination)
        .join(Learner, Learner.id == MovementOrder.learner_id)
        .outerjoin(src, src.id == MovementOrder.from_group_id)
        .outerjoin(dst, dst.id == MovementOrder.to_group_id)
        .where(MovementOrder.org_id == org, MovementOrder.date >= start, MovementOrder.date <= end)
        .order_by(MovementOrder.date, MovementOrder.number, Learner.last_name, Learner.first_name)).all()
    out = [[date, number, _(KINDS.get(kind, kind)), " ".join(p for p in (last, first, middle) if p), src_name or "",
            dst_name or "", event, destination or ""]
           for date, number, kind, last, first, middle, src_name, dst_name, event, destination in rows]
    return [Table(_("Сводная ведомость учёта движения учащихся"),
                  [_("Дата приказа"), _("№ приказа"), _("Вид"), _("ФИО"), _("Из класса"), _("В класс"),
                   _("Дата движения"), _("Куда выбыл / откуда прибыл")], out)]
