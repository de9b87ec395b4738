"""Начисление родительской платы: a preschool group's month, a row per child.

HTML, PDF and XLSX come from the report engine; the charges from ``charges.fee_month``.
A child whose payable days are not all covered by a norm gets no sum but a note
saying which days lack one: the report never shows such a charge as zero."""
from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l

from app.exceptions import ReportError
from app.models import LearnerGroup
from app.registry import ReportParam, ReportSpec, Table
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR

from . import name
from .charges import days_text, fee_month, money_text
from .models import GROUP_TYPES
from .reports import KINDS

ROLES = (ADMINISTRATOR, DIRECTOR, DEPUTY, AUTHORITY_OFFICER)


def _norms_text(month) -> str:
    if not month.norms:
        return str(_l("норматив не установлен"))
    return "; ".join(
        str(_l("%(rate)s руб. в день с %(start)s", rate=money_text(n.daily_rate),
               start=max(n.valid_from, month.month.start).strftime("%d.%m.%Y")))
        for n in month.norms)


def fee_charges(session, params) -> list[Table]:
    group = session.get(LearnerGroup, params["group"])
    if group is None or group.kind not in KINDS:
        raise ReportError(_l("Родительская плата начисляется для дошкольных групп."))
    month = fee_month(session, group, params["month"])
    columns = [str(_l("№")), str(_l("ФИО ребёнка")), str(_l("Дней посещено")), str(_l("Дней к оплате")),
               str(_l("Льгота, %")), str(_l("Начислено, руб.")), str(_l("Примечание"))]
    rows = []
    for n, charge in enumerate(month.charges, 1):
        note = ""
        if not charge.computed:
            note = str(_l("Не рассчитано: нет норматива на %(days)s", days=days_text(charge.unpriced)))
        rows.append([n, charge.learner.full_name, len(charge.attended), len(charge.payable), charge.discount_text(),
                     charge.amount, note])
    computed = [c.amount for c in month.charges if c.computed]
    missing = len(month.charges) - len(computed)
    # Some children not computed: the total is of the others, and says so; none computed: no total.
    total = sum(computed, start=Decimal("0.00")) if computed or not missing else None
    total_note = str(_l("Не рассчитано детей: %(n)s (нет норматива)", n=missing)) if missing else ""
    rows.append(["", str(_l("Итого")), sum(len(c.attended) for c in month.charges),
                 sum(len(c.payable) for c in month.charges), "", total, total_note])
    title = str(_l("%(group)s — %(type)s; норматив: %(norms)s", group=group.name,
                   type=GROUP_TYPES.get(month.group_type, month.group_type), norms=_norms_text(month)))
    if month.authority_id is None:
        title += ". " + str(_l("Организация не подчинена органу управления образованием: нормативов нет."))
    return [Table(title, columns, rows)]


def report_specs() -> list[ReportSpec]:
    return [ReportSpec("preschool.fee_charges", name, "Начисление родительской платы", roles=ROLES, run=fee_charges,
                       params=(ReportParam("group", "Группа", "group", kinds=KINDS),
                               ReportParam("month", "Месяц", "month")))]
