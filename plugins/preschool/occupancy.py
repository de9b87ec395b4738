"""Наполняемость дошкольных групп: every preschool group of the organisations the
user sees, in their current academic year, with its places and the children in it.

The authority's officer sees his organisations, a Заведующий or Завуч his own (the
core's read filter cuts every query). Four queries whatever the number of
organisations and groups: organisations, groups of the current years, regimes,
children by group.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app import clock
from app.extensions import current_host
from app.models import AcademicYear, Learner, LearnerGroup, Organisation
from app.registry import Table
from app.services.kinds import level_label

from .attendance import preschool_kinds
from .models import GROUP_TYPES, GroupRegime
from .regime import regime_text


def occupancy(session, params) -> list[Table]:
    today = clock.today()
    host = current_host()
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    groups = session.execute(
        select(LearnerGroup).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(LearnerGroup.kind.in_(sorted(preschool_kinds(host))), AcademicYear.start <= today,
               AcademicYear.end >= today)
        .order_by(LearnerGroup.org_id, LearnerGroup.level, LearnerGroup.name)).scalars().all()
    ids = [g.id for g in groups]
    regimes = {r.group_id: r for r in session.scalars(select(GroupRegime).where(GroupRegime.group_id.in_(ids)))} \
        if ids else {}
    children = dict(session.execute(
        select(Learner.group_id, func.count(Learner.id))
        .where(Learner.group_id.in_(ids), Learner.left_on.is_(None)).group_by(Learner.group_id)).all()) \
        if ids else {}
    columns = [str(_l("Организация")), str(_l("Группа")), str(_l("Возрастная группа")), str(_l("Вид группы")),
               str(_l("Режим работы")), str(_l("Мест")), str(_l("Детей")), str(_l("Свободных мест")),
               str(_l("Заполнено, %"))]
    rows, total_places, total_children, free = [], 0, 0, 0
    unknown = False
    for group in groups:
        org = orgs.get(group.org_id)
        regime = regimes.get(group.id)
        places = regime.places if regime is not None else None
        count = children.get(group.id, 0)
        total_children += count
        if places:
            total_places += places
            free += max(places - count, 0)
        else:
            unknown = True
        rows.append([
            (org.short_name or org.name) if org is not None else "",
            group.name,
            level_label(host, org, group.kind, group.level),
            str(GROUP_TYPES.get(regime.group_type if regime is not None else "full", "")),
            regime_text(regime.weekdays, regime.opens, regime.closes) if regime is not None else regime_text(),
            places, count,
            max(places - count, 0) if places else None,
            round(100 * count / places, 1) if places else None,
        ])
    if rows:
        rows.append(["", str(_l("Итого")), "", "", "", total_places or None, total_children, free or None,
                     round(100 * total_children / total_places, 1) if total_places else None])
    title = str(_l("Наполняемость дошкольных групп на %(day)s", day=today.strftime("%d.%m.%Y")))
    if unknown:
        title += ". " + str(_l("Где число мест не указано в режиме работы группы, свободные места не считаются."))
    return [Table(title, columns, rows)]
