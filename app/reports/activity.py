"""Отчёт об активности пользователей за месяц (seeds 000, 001: «активность учителей,
воспитателя» and «активность родителей и учащихся», built once a month).

Counted from the daily counters of ``app.services.activity``: how many accounts of
each category there are, how many signed in during the month, their logins and
their key actions; then each teacher, and parents and learners by group. A few
queries whatever the size of the organisation.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..models import ActivityDay
from ..registry import ReportParam, ReportSpec, Table
from ..roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR
from ..services.mail import directory

ROLES = (ADMINISTRATOR, DIRECTOR, DEPUTY, AUTHORITY_OFFICER)
ACTIONS = ("marks", "attendance", "homework", "message", "announcement", "diary")


def _month_end(start: dt.date) -> dt.date:
    return (start.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _category(entry) -> str:
    if entry.teacher:
        return "teachers"
    if entry.parent:
        return "parents"
    if entry.learner:
        return "learners"
    return "staff"


def _pct(part: int, whole: int):
    return round(100 * part / whole, 1) if whole else None


def user_activity(session, params) -> list[Table]:
    org = params["organisation"]
    start = params["month"]
    end = _month_end(start)
    book = directory(session, org)
    from ..services.activity import flush

    flush()  # the buffered logins and diary views first: the report is never short
    rows = session.execute(
        select(ActivityDay.account_id, ActivityDay.kind, func.sum(ActivityDay.count), func.count(ActivityDay.day))
        .where(ActivityDay.org_id == org, ActivityDay.day >= start, ActivityDay.day <= end)
        .group_by(ActivityDay.account_id, ActivityDay.kind)).all()
    per: dict[int, dict[str, int]] = {}
    login_days: dict[int, int] = {}
    for account_id, kind, total, days in rows:
        per.setdefault(account_id, {})[kind] = int(total or 0)
        if kind == "login":
            login_days[account_id] = int(days or 0)

    labels = {"teachers": _("Учителя"), "parents": _("Родители"), "learners": _("Обучающиеся"),
              "staff": _("Администрация и другие сотрудники")}
    summary = {k: [0, 0, 0] + [0] * len(ACTIONS) for k in labels}  # accounts, signed in, logins, actions…
    for entry in book.entries.values():
        acts = per.get(entry.id, {})
        line = summary[_category(entry)]
        line[0] += 1
        line[1] += 1 if acts.get("login") else 0
        line[2] += acts.get("login", 0)
        for i, kind in enumerate(ACTIONS):
            line[3 + i] += acts.get(kind, 0)
    action_labels = [_("Отметки"), _("Посещаемость"), _("Домашние задания"), _("Сообщения"), _("Объявления"),
                     _("Просмотры дневника")]
    first = Table(
        _("Активность пользователей за месяц"),
        [_("Категория"), _("Учётных записей"), _("Входили в систему"), _("Доля входивших, %"), _("Входов"),
         *action_labels],
        [[labels[k], v[0], v[1], _pct(v[1], v[0]), v[2], *v[3:]] for k, v in summary.items()])

    teachers = sorted((e for e in book.entries.values() if e.teacher), key=lambda e: e.name)
    second = Table(
        _("Активность учителей"),
        [_("Учитель"), _("Дней со входом"), _("Входов"), _("Отметки"), _("Посещаемость"), _("Домашние задания"),
         _("Сообщения"), _("Объявления")],
        [[e.name, login_days.get(e.id, 0), per.get(e.id, {}).get("login", 0),
          *[per.get(e.id, {}).get(k, 0) for k in ("marks", "attendance", "homework", "message", "announcement")]]
         for e in teachers])

    by_group: dict[int, list[int]] = {}
    for entry in book.entries.values():
        if not (entry.parent or entry.learner) or entry.teacher:
            continue
        acts = per.get(entry.id, {})
        for gid in entry.groups:
            line = by_group.setdefault(gid, [0, 0, 0, 0, 0, 0])
            offset = 0 if entry.learner else 3
            line[offset] += 1
            line[offset + 1] += 1 if acts.get("login") else 0
            line[offset + 2] += acts.get("diary", 0)
    third = Table(
        _("Активность обучающихся и родителей по классам и группам"),
        [_("Класс / группа"), _("Обучающихся с учётной записью"), _("Из них входили"), _("Просмотры дневника"),
         _("Родителей с учётной записью"), _("Из них входили"), _("Просмотры дневника")],
        [[book.group_names.get(gid, ""), *line]
         for gid, line in sorted(by_group.items(), key=lambda item: book.group_names.get(item[0], ""))])
    return [first, second, third]


def activity_reports() -> list[ReportSpec]:
    return [ReportSpec("core.user_activity", "core", "Отчёт об активности пользователей за месяц", ROLES,
                       user_activity, (ReportParam("month", "Месяц", "month"),), landscape=True)]
