"""A report as a job: decided in the request, made in a worker.

A PDF or XLSX of more rows than the organisation's rule «report_job_rows» (or
of a report whose spec says ``background=True``: a whole-school export) is not
rendered in the web request: the request records a job and the user waits on
its page. The worker runs the report again as the user, with the user's scope
resolved anew (as ``flask report run`` does), so it reaches exactly what the
page would have.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from ..exceptions import ReportError
from ..models import Account, Organisation
from ..scoping import acting_as
from .runner import Handler, store_file

# Downloads that may go to a job; CSV and JSON are cheap at any size.
JOB_FORMATS = ("pdf", "xlsx")
SETTING = "report_job_rows"
DEFAULT_ROWS = 300


def report_rows(tables) -> int:
    return sum(len(t.rows) for t in tables)


def rows_limit(session, host, org_id: int | None) -> int:
    """The organisation's «report_job_rows» (its default without an organisation)."""
    org = None
    if org_id is not None:
        with acting_as(None):
            org = session.scalar(select(Organisation).where(Organisation.id == org_id))
    if org is None:
        setting = host.rule_settings.get(("core", SETTING))
        return int(setting.default) if setting else DEFAULT_ROWS
    return int(host.setting(org, "core", SETTING))


def needs_job(session, host, spec, values: dict, tables, fmt: str, default_org_id: int | None) -> bool:
    if fmt not in JOB_FORMATS:
        return False
    if spec.background:
        return True
    return report_rows(tables) > rows_limit(session, host, values.get("organisation") or default_org_id)


def enqueue_report(session, account_id: int, org_id: int | None, spec, args: dict, fmt: str):
    """Queue ``spec`` with the page's arguments ``args`` as a download in ``fmt``."""
    from . import enqueue

    raw = {k: v for k, v in args.items() if k not in ("format", "run")}
    return enqueue(session, kind="report", title=f"{spec.title} ({fmt.upper()})", account_id=account_id,
                   org_id=org_id, params={"report": spec.id, "args": raw, "format": fmt})


def run(session, job, progress) -> None:
    from ..reports import allowed_reports, parse_params, run_report
    from ..reports.formats import download_name, render
    from ..scoping import resolve_scope
    from ..security import role_names_of

    host = current_app.extensions["ejournal"]
    params = dict(job.params or {})
    spec = host.reports.get(params.get("report"))
    fmt = params.get("format") or "pdf"
    with acting_as(None):
        account = session.get(Account, job.account_id)
    if spec is None or account is None or not account.active:
        raise ReportError(_("отчёт больше недоступен."))
    # A request of its own: the templates, Babel and the scope expect one.
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)) as scope:
        if spec not in allowed_reports(session, host, role_names_of(session, account), scope):
            raise ReportError(_("этот отчёт вам недоступен."))
        values, header = parse_params(session, spec, params.get("args") or {}, scope)
        progress(30)
        tables = run_report(session, spec, values, replica=True)
        progress(60)
        data, mime, ext = render(spec, values, header, tables, fmt, session=session)
    store_file(job, data, download_name(spec, header, ext), mime)


HANDLER = Handler(run, "Не удалось сформировать отчёт: %(error)s", attempts=1)
