"""Parameters, rights and running of reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock
from ..exceptions import ReportError
from ..models import AcademicYear, LearnerGroup, Organisation, Period, Subject
from ..registry import ReportParam, ReportSpec, Table
from ..scoping import Scope

MONTHS = ["январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь", "октябрь",
          "ноябрь", "декабрь"]


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


def can_run(spec: ReportSpec, role_names: set[str], scope: Scope) -> bool:
    return scope.is_system or bool(set(spec.roles) & role_names)


def allowed_reports(session, host, role_names: set[str], scope: Scope) -> list[ReportSpec]:
    """The reports of the user's organisations' plugins that one of the user's roles may run."""
    plugins = {"core"}
    for enabled in session.scalars(select(Organisation.plugins)):
        plugins.update(enabled or [])
    role_names = set(role_names) | {other for name in role_names if name in host.roles
                                    for other in host.roles[name].runs_reports_of}
    return sorted((s for s in host.reports.values() if can_run(s, role_names, scope) and s.plugin in plugins),
                  key=lambda s: s.title)


def choices(session, param: ReportParam, values: dict) -> list[Choice] | None:
    """What the user may pick for ``param`` (``None``: free input, e.g. a date).

    The queries run under the user's scope, so a teacher is offered only
    own classes and a Сотрудник УО only the authority's organisations."""
    org = values.get("organisation")
    if param.kind == "organisation":
        rows = session.execute(select(Organisation.id, Organisation.short_name, Organisation.name)
                               .order_by(Organisation.short_name, Organisation.id)).all()
        return [Choice(str(i), short or name) for i, short, name in rows]
    if param.kind == "group":
        rows = session.execute(
            select(LearnerGroup.id, LearnerGroup.name, AcademicYear.name)
            .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
            .where(LearnerGroup.org_id == org, *([LearnerGroup.kind.in_(param.kinds)] if param.kinds else []))
            .order_by(AcademicYear.start.desc(), LearnerGroup.level, LearnerGroup.name)).all()
        return [Choice(str(i), f"{name} ({year})") for i, name, year in rows]
    if param.kind == "subject":
        rows = session.execute(select(Subject.id, Subject.name).where(Subject.org_id == org).order_by(Subject.name)).all()
        return [Choice(str(i), name) for i, name in rows]
    if param.kind == "period":
        rows = session.execute(
            select(Period.id, Period.name, AcademicYear.name)
            .join(AcademicYear, AcademicYear.id == Period.year_id)
            .where(Period.org_id == org)
            .order_by(AcademicYear.start.desc(), Period.order, Period.id)).all()
        return [Choice(str(i), f"{name} ({year})") for i, name, year in rows]
    if param.kind == "month":
        return [Choice(f"{m:%Y-%m}", f"{MONTHS[m.month - 1]} {m.year}") for m in _months(session, org)]
    return None


def _months(session, org) -> list[dt.date]:
    """The first days of the months of the organisation's current academic year that
    have begun, the current month first: the year holding today, else the latest one
    that has begun (the summer after a year; a next year may already be entered)."""
    today = clock.today()
    years = session.execute(select(AcademicYear.start, AcademicYear.end).where(AcademicYear.org_id == org)
                            .order_by(AcademicYear.start.desc())).all()
    year = next((y for y in years if y.start <= today <= y.end), None) \
        or next((y for y in years if y.start <= today), None)
    if year is None:
        return []
    out, month = [], year.start.replace(day=1)
    while month <= min(year.end, today):
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out[::-1]


def default_value(session, param: ReportParam, scope: Scope, offered: list[Choice] | None) -> str | None:
    if param.kind == "organisation" and scope.default_org_id is not None:
        return str(scope.default_org_id)
    if param.kind == "month":
        current = clock.today().strftime("%Y-%m")
        # Today outside every year: the latest month offered.
        return offered[0].value if offered and all(c.value != current for c in offered) else current
    if param.kind == "date":
        return clock.today().isoformat()
    if offered:
        return offered[0].value
    return None


def _parse_date(text: str, label: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise ReportError(_("«%(label)s»: укажите дату в виде ГГГГ-ММ-ДД.", label=label)) from None


def form_params(spec: ReportSpec) -> list[ReportParam]:
    """The report's parameters as asked for, the organisation first (the other
    choices depend on it); one is added when the report covers one organisation
    and does not declare it."""
    params = sorted(spec.params, key=lambda p: p.kind != "organisation")
    if not any(p.kind == "organisation" for p in params) and not spec.across_organisations:
        params = [ReportParam("organisation", _("Организация"), "organisation"), *params]
    return params


def parse_params(session, spec: ReportSpec, raw: dict, scope: Scope) -> tuple[dict, list[tuple[str, str]]]:
    """Check ``raw`` (strings from a form or the command line) against what
    the user may reach; return the values the report gets and the
    (label, shown value) pairs printed in the report's header."""
    values: dict = {}
    shown: list[tuple[str, str]] = []
    for param in form_params(spec):
        offered = choices(session, param, values)
        if param.kind == "date_range":
            start = _parse_date(raw.get(f"{param.name}_from"), param.label)
            end = _parse_date(raw.get(f"{param.name}_to"), param.label)
            if end < start:
                raise ReportError(_("«%(label)s»: конец периода раньше начала.", label=param.label))
            values[f"{param.name}_from"], values[f"{param.name}_to"] = start, end
            shown.append((param.label, f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"))
            continue
        text = (raw.get(param.name) or "").strip() or default_value(session, param, scope, offered)
        if param.kind == "date":
            values[param.name] = _parse_date(text, param.label)
            shown.append((param.label, f"{values[param.name]:%d.%m.%Y}"))
            continue
        if offered is None:
            values[param.name] = text
            shown.append((param.label, text or ""))
            continue
        match = next((c for c in offered if c.value == text), None)
        if match is None:
            raise ReportError(_("«%(label)s»: значение не найдено или вам недоступно.", label=param.label))
        values[param.name] = dt.date.fromisoformat(text + "-01") if param.kind == "month" else int(text)
        shown.append((param.label, match.label))
    return values, shown


def run_report(session, spec: ReportSpec, values: dict) -> list[Table]:
    return list(spec.run(session, values))
