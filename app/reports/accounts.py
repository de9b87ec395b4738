"""Учётные записи, не выданные в срок (seed 004 3.3.2.4, R11): learners enrolled
and staff hired more than ``account_issue_working_days`` working days ago
(Mon–Fri) who still have no account. Two queries, whatever the size."""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import exists, select

from .. import clock
from ..models import Account, Learner, LearnerGroup, Organisation, Staff
from ..registry import Table
from ..services.accounts import overdue_cutoff, working_days_between


def accounts_overdue(session, params, today: dt.date | None = None) -> list[Table]:
    host = current_app.extensions["ejournal"]
    org_id = params["organisation"]
    org = session.get(Organisation, org_id)
    days = int(host.setting(org, "core", "account_issue_working_days"))
    today = today or params.get("today") or clock.today()
    cutoff = overdue_cutoff(today, days)
    no_account = ~exists().where(Account.person_id == Learner.id)
    learners = session.execute(
        select(Learner.last_name, Learner.first_name, Learner.middle_name, LearnerGroup.name, Learner.enrolled_on)
        .outerjoin(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .where(Learner.org_id == org_id, Learner.enrolled_on.is_not(None), Learner.enrolled_on <= cutoff,
               Learner.left_on.is_(None), no_account)
        .order_by(LearnerGroup.name, Learner.last_name, Learner.first_name, Learner.id)).all()
    staff_no_account = ~exists().where(Account.person_id == Staff.id)
    staff = session.execute(
        select(Staff.last_name, Staff.first_name, Staff.middle_name, Staff.position, Staff.hired_on)
        .where(Staff.org_id == org_id, Staff.hired_on.is_not(None), Staff.hired_on <= cutoff, staff_no_account)
        .order_by(Staff.last_name, Staff.first_name, Staff.id)).all()
    columns = [_("ФИО"), _("Кто"), _("Класс или должность"), _("Дата зачисления или приёма"), _("Прошло рабочих дней")]
    rows = []
    for kind, items in ((_("обучающийся"), learners), (_("сотрудник"), staff)):
        for last, first, middle, where, since in items:
            name = " ".join(p for p in (last, first, middle) if p)
            rows.append([name, kind, where or "", since, working_days_between(since, today)])
    return [Table(_("Не выданы учётные записи в срок: больше %(n)s рабочих дней", n=days), columns, rows)]
