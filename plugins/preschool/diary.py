"""The diary's month of a kindergarten child: which days the group worked, the
days the child attended (the day was taken and no absence), and, from the
parental fees, the month's charge."""
from __future__ import annotations

import datetime as dt

from app import hookimpl
from app.models import LearnerGroup


@hookimpl
def extra_diary_month(host, session, learner, month: dt.date, days: list[dict], lines: list) -> None:
    from flask_babel import gettext as _

    from .attendance import preschool_kinds
    from .charges import fee_month, money_text

    group = session.get(LearnerGroup, learner.group_id) if learner.group_id else None
    if group is None or group.kind not in preschool_kinds(host):
        return
    fees = fee_month(session, group, month)
    sheet = fees.month
    child = next((c for c in sheet.children if c.learner.id == learner.id), None)
    working = set(sheet.working)
    for day in days:
        if day["date"] not in working:
            day["state"] = "closed"
        elif child is not None and day["date"] in child.categories:
            day["state"] = "absent"
        elif child is not None and day["date"] in child.attended:
            day["state"] = "present"
    if child is not None:
        lines.append((_("Посещено дней"), str(len(child.attended))))
        lines.append((_("Рабочих дней группы"), str(len(sheet.working))))
    charge = next((c for c in fees.charges if c.learner.id == learner.id), None)
    if charge is None or not fees.norms:  # no norm of the authority for the month: nothing to say
        return
    if charge.discounts:
        lines.append((_("Льгота по родительской плате, %"), charge.discount_text()))
    lines.append((_("Родительская плата за месяц"),
                  _("%(sum)s руб.", sum=money_text(charge.amount)) if charge.computed
                  else _("не рассчитана: норматив установлен не на все дни")))
