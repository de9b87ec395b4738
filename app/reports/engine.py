"""Parameters, rights and running of reports."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from .. import clock, reference
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


def _host():
    from flask import current_app

    return current_app.extensions["ejournal"]


def current_year(session, org) -> AcademicYear | None:
    """The organisation's current academic year: the one holding today, else the latest
    that has begun (the summer after a year; a next year may already be entered), else
    the first to come."""
    if org is None:
        return None
    today = clock.today()
    years = sorted(reference.rows(session, AcademicYear, org), key=lambda y: y.start, reverse=True)
    return next((y for y in years if y.start <= today <= y.end), None) \
        or next((y for y in years if y.start <= today), None) or (years[-1] if years else None)


def _chosen_group(session, values: dict, year: AcademicYear | None) -> LearnerGroup | None:
    """The group picked before (a ``group`` parameter comes before the period), if it
    is one of the organisation's groups of the current year the user sees."""
    group_id = values.get("group")
    if year is None or group_id in (None, "") or not str(group_id).isdigit():
        return None
    return session.scalar(select(LearnerGroup).where(LearnerGroup.id == int(group_id),
                                                     LearnerGroup.year_id == year.id))


def _declared(host, period: Period) -> bool:
    """The period's type is one its plugin declares (a stray «quarter» of a college is not)."""
    kind = host.period_types.get(period.type_code)
    return kind is not None and kind.plugin == period.plugin


def _whole_year(host, period: Period) -> bool:
    kind = host.period_types.get(period.type_code)
    return bool(kind and kind.whole_year)


def current_first(host, periods: list[Period]) -> list[Period]:
    """``periods`` in order, the current one first: the study period holding today (the
    shortest, when several do), else the one just ended, else the first."""
    today = clock.today()
    ordered = sorted(periods, key=lambda p: (_whole_year(host, p), p.start, p.order, p.id))
    study = [p for p in ordered if not _whole_year(host, p)] or ordered
    holding = sorted((p for p in study if p.start <= today <= p.end), key=lambda p: (p.end - p.start, p.start))
    ended = [p for p in study if p.end < today]
    current = (holding[0] if holding else None) or (max(ended, key=lambda p: (p.end, p.start)) if ended else None) \
        or (study[0] if study else None)
    return ([current] + [p for p in ordered if p is not current]) if current is not None else ordered


def period_choices(session, param: ReportParam, values: dict) -> list[Period]:
    """The periods offered for ``param``: of the organisation's current year only; with a
    group picked, of the group's own scheme (its plugin, the types it studies by); the
    current one first."""
    host = _host()
    org = values.get("organisation")
    year = current_year(session, org)
    if year is None:
        return []
    group = _chosen_group(session, values, year)
    if group is not None and group.kind in host.group_kinds:
        plugins = {host.group_kinds[group.kind].plugin}
        study_types = host.study_period_types(session, group)
    else:
        organisation = reference.organisation(session, org)
        plugins = set(organisation.plugins or []) if organisation is not None else set()
        if param.kinds:
            plugins &= {host.group_kinds[k].plugin for k in param.kinds if k in host.group_kinds}
        study_types = None
    rows = [p for p in reference.rows(session, Period, org) if p.year_id == year.id and p.plugin in plugins]
    wanted = set(param.periods or ("study",))
    offered = []
    for period in rows:
        if not _declared(host, period):
            continue
        study = "study" in wanted and not period.is_final and (not study_types or period.type_code in study_types)
        if study or ("whole_year" in wanted and _whole_year(host, period)) or period.type_code in wanted:
            offered.append(period)
    return current_first(host, offered)


def current_period(session, org) -> Period | None:
    """The organisation's current study period: of its first plugin that has periods in
    the current year (a school's quarter, not its preschool's month)."""
    host = _host()
    organisation = reference.organisation(session, org)
    year = current_year(session, org)
    if organisation is None or year is None:
        return None
    rows = [p for p in reference.rows(session, Period, org)
            if p.year_id == year.id and not p.is_final and _declared(host, p)]
    for plugin in organisation.plugins or []:
        own = [p for p in rows if p.plugin == plugin]
        if own:
            return current_first(host, own)[0]
    return None


def current_dates(session, org) -> tuple[dt.date, dt.date]:
    """The bounds of the current period of ``org`` (None: of the organisations the user
    sees — the bounds most of them share); without periods, the month so far."""
    if org is not None:
        orgs = [org]
    else:
        orgs = session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
    found: dict[tuple[dt.date, dt.date], int] = {}
    for o in orgs:
        period = current_period(session, o)
        if period is not None:
            found[(period.start, period.end)] = found.get((period.start, period.end), 0) + 1
    if found:
        return max(found, key=lambda bounds: found[bounds])
    today = clock.today()
    return today.replace(day=1), today


def choices(session, param: ReportParam, values: dict) -> list[Choice] | None:
    """What the user may pick for ``param`` (``None``: free input, e.g. a date).

    The queries run under the user's scope, so a teacher is offered only
    own classes and a Сотрудник УО only the authority's organisations. Groups and
    periods are of the organisation's current year; periods follow the group
    picked before them (``values["group"]``)."""
    org = values.get("organisation")
    if param.kind == "organisation":
        rows = session.execute(select(Organisation.id, Organisation.short_name, Organisation.name)
                               .order_by(Organisation.short_name, Organisation.id)).all()
        return [Choice(str(i), short or name) for i, short, name in rows]
    if param.kind == "group":
        year = current_year(session, org)
        if year is None:
            return []
        rows = session.execute(
            select(LearnerGroup.id, LearnerGroup.name)
            .where(LearnerGroup.org_id == org, LearnerGroup.year_id == year.id,
                   *([LearnerGroup.kind.in_(param.kinds)] if param.kinds else []))
            .order_by(LearnerGroup.level, LearnerGroup.name)).all()
        return [Choice(str(i), f"{name} ({year.name})") for i, name in rows]
    if param.kind == "subject":
        rows = session.execute(select(Subject.id, Subject.name).where(Subject.org_id == org).order_by(Subject.name)).all()
        return [Choice(str(i), name) for i, name in rows]
    if param.kind == "period":
        year_names = {y.id: y.name for y in reference.rows(session, AcademicYear, org)}
        return [Choice(str(p.id), f"{p.name} ({year_names.get(p.year_id, '')})")
                for p in period_choices(session, param, values)]
    if param.kind == "month":
        return [Choice(f"{m:%Y-%m}", f"{MONTHS[m.month - 1]} {m.year}") for m in _months(session, org)]
    return None


def _months(session, org) -> list[dt.date]:
    """The first days of the months of the organisation's current academic year that
    have begun, the current month first: the year holding today, else the latest one
    that has begun (the summer after a year; a next year may already be entered)."""
    today = clock.today()
    years = sorted(reference.rows(session, AcademicYear, org), key=lambda y: y.start, reverse=True)
    year = next((y for y in years if y.start <= today <= y.end), None) \
        or next((y for y in years if y.start <= today), None)
    if year is None:
        return []
    out, month = [], year.start.replace(day=1)
    while month <= min(year.end, today):
        out.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return out[::-1]


def default_value(session, param: ReportParam, scope: Scope, offered: list[Choice] | None,
                  values: dict | None = None):
    """What the form starts with: the user's organisation, the current month, today, the
    current period (first of ``offered``); for a ``date_range`` the bounds of the current
    period as a pair of ISO dates."""
    if param.kind == "organisation" and scope.default_org_id is not None:
        return str(scope.default_org_id)
    if param.kind == "month":
        current = clock.today().strftime("%Y-%m")
        # Today outside every year: the latest month offered.
        return offered[0].value if offered and all(c.value != current for c in offered) else current
    if param.kind == "date":
        return clock.today().isoformat()
    if param.kind == "date_range":
        org = (values or {}).get("organisation") or scope.default_org_id
        start, end = current_dates(session, org)
        return start.isoformat(), end.isoformat()
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
    choices depend on it) and a group before a period (its periods follow the
    group's scheme); one is added when the report covers one organisation and
    does not declare it."""
    rank = {"organisation": 0, "group": 1}
    params = sorted(spec.params, key=lambda p: rank.get(p.kind, 2))
    if not any(p.kind == "organisation" for p in params) and not spec.across_organisations:
        params = [ReportParam("organisation", _("Организация"), "organisation"), *params]
    return params


def parse_params(session, spec: ReportSpec, raw: dict, scope: Scope) -> tuple[dict, list[tuple[str, str]]]:
    """Check ``raw`` (strings from a form or the command line) against what
    the user may reach; return the values the report gets and the
    (label, shown value) pairs printed in the report's header. A missing
    value takes its default (the current period, today)."""
    values: dict = {}
    shown: list[tuple[str, str]] = []
    for param in form_params(spec):
        offered = choices(session, param, values)
        if param.kind == "date_range":
            default = default_value(session, param, scope, offered, values)
            start = _parse_date((raw.get(f"{param.name}_from") or "").strip() or default[0], param.label)
            end = _parse_date((raw.get(f"{param.name}_to") or "").strip() or default[1], param.label)
            if end < start:
                raise ReportError(_("«%(label)s»: конец периода раньше начала.", label=param.label))
            values[f"{param.name}_from"], values[f"{param.name}_to"] = start, end
            shown.append((param.label, f"{start:%d.%m.%Y} — {end:%d.%m.%Y}"))
            continue
        text = (raw.get(param.name) or "").strip() or default_value(session, param, scope, offered, values)
        if param.kind == "date":
            values[param.name] = _parse_date(text, param.label)
            shown.append((param.label, f"{values[param.name]:%d.%m.%Y}"))
            continue
        if offered is None:
            values[param.name] = text
            shown.append((param.label, text or ""))
            continue
        match = next((c for c in offered if c.value == text), None)
        if match is None and param.kind == "period":
            if not offered:
                raise ReportError(_("«%(label)s»: в текущем учебном году нет подходящих периодов.",
                                    label=param.label))
            raise ReportError(_("«%(label)s»: такой период не предлагается — он из другого учебного года "
                                "или не из тех, по которым учится группа. Выберите один из предложенных.",
                                label=param.label))
        if match is None:
            raise ReportError(_("«%(label)s»: значение не найдено или вам недоступно.", label=param.label))
        values[param.name] = dt.date.fromisoformat(text + "-01") if param.kind == "month" else int(text)
        shown.append((param.label, match.label))
    return values, shown


def run_report(session, spec: ReportSpec, values: dict, replica: bool = False) -> list[Table]:
    """The report's tables. ``replica``: read on the reports' replica when REPORTS_DATABASE_URL
    names one (the page and the jobs); the year-end archive keeps reading ``session``, the
    primary, since what it signs must hold the latest marks."""
    if not replica:
        return list(spec.run(session, values))
    from ..replica import reading

    with reading(session) as reader:
        return list(spec.run(reader, values))
