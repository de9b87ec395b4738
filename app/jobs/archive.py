"""Сдача журналов в архив as a job: many PDFs are rendered, so the page hands the
work to a worker (``app.services.archive.freeze_year``), which runs it as the signer,
with his scope resolved anew, as ``flask archive freeze`` does.

Registered in ``runner.handlers`` as the kind "archive"; until it is, the page
freezes the year in its own request.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app
from flask_babel import gettext as _

from ..models import AcademicYear, Account, Organisation
from ..scoping import acting_as
from .runner import Handler

KIND = "archive"


def params_for(org: Organisation, year: AcademicYear, on: dt.date) -> dict:
    return {"org_id": org.id, "year_id": year.id, "on": on.isoformat()}


def run(session, job, progress) -> None:
    from ..scoping import resolve_scope
    from ..services import archive as svc

    host = current_app.extensions["ejournal"]
    params = dict(job.params or {})
    with acting_as(None):
        account = session.get(Account, job.account_id)
        org = session.get(Organisation, params.get("org_id"))
        year = session.get(AcademicYear, params.get("year_id"))
    if account is None or not account.active or org is None or year is None:
        raise svc.ArchiveError(_("учебный год или учётная запись больше недоступны."))
    if svc.level_of(session, account, org.id) < 2:
        raise svc.ArchiveError(_("сдавать журналы в архив вам не разрешено."))
    with current_app.test_request_context(), acting_as(resolve_scope(session, account, host)):
        svc.freeze_year(session, host, org, year, account, dt.date.fromisoformat(params["on"]), progress=progress)
        session.commit()


HANDLER = Handler(run, "Не удалось сдать журналы в архив: %(error)s", attempts=1)
