"""Люди → «Выдача логинов»: accounts for the learners and parents of a group
(and, for the Администратор and Специалист по кадрам, for staff), handed out as
a PDF of slips to cut. The one-time passwords exist only in that PDF."""
from __future__ import annotations

import io
import os
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..exceptions import RuleError, ScopeError
from ..extensions import db
from ..models import LearnerGroup
from ..registry import READ, WRITE
from ..roles import LEARNER
from ..services import accounts as svc
from ..services.kinds import kind_of
from .people_pages import GroupPeopleView


def login_url() -> str:
    """Where to log in, printed on the slips: EJOURNAL_SITE_URL, else this site."""
    base = current_app.config.get("EJOURNAL_SITE_URL") or os.environ.get("EJOURNAL_SITE_URL") or request.host_url
    return base.rstrip("/") + "/login/"


def slips_pdf(result: svc.IssueResult, title: str, organisation: str, kind=None) -> bytes:
    """Slips, eight to an A4 page with dashed cut lines; Cyrillic through the
    embedded DejaVu font (the document lives in the font folder, NOTES.md). ``kind``: the
    kind of group the slips are for — its learner is a «Студент», and its leader (a
    «Куратор», a «Воспитатель») hands out a forgotten password; None: staff slips."""
    from xhtml2pdf import pisa

    font_dir = Path(current_app.config["PDF_FONT_DIR"])
    slips = result.slips
    pages = [slips[i:i + 8] for i in range(0, len(slips), 8)] or [[]]
    rows = [[page[i:i + 2] for i in range(0, len(page), 2)] for page in pages]
    if kind is not None:
        for slip in result.slips:
            if slip.role == LEARNER:
                slip.role = kind.learner
    html = render_template("accounts/slips.html", pages=rows, title=title, organisation=organisation,
                           url=login_url(), skipped=result.skipped,
                           leader=kind.leader[:1].lower() + kind.leader[1:] if kind is not None else None)
    out = io.BytesIO()
    res = pisa.CreatePDF(html, dest=out, encoding="utf-8", path=str(font_dir / "slips.html"))
    if res.err:
        raise RuntimeError(f"xhtml2pdf: {res.err} errors")
    return out.getvalue()


def _pdf_response(pdf: bytes, name: str):
    response = current_app.response_class(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response  # not cached, as every answer but static files (app/http.py): it holds passwords


class IssueLoginsView(GroupPeopleView):
    route_base = "/issue-logins"
    class_permission_name = "IssueLogins"
    method_permission_name = {"index": READ, "issue": WRITE, "issue_staff": WRITE}

    @staticmethod
    def menu_label():
        return _l("Выдача логинов")

    @expose("/")
    @has_access
    def index(self):
        session, scope, roles = self._context()
        host = current_app.extensions["ejournal"]
        groups, group = self._groups(session, scope, roles)
        rows = []
        today = clock.today()
        if group is not None:
            learners, guardians, children = svc.group_people(session, group)
            people = learners + guardians
            consents = svc.by_person(svc.consents_of(session, [p.id for p in people]))
            accounts = svc.accounts_by_person(session, [p.id for p in people])
            names = {x.id: x.short_name for x in learners}
            for p in people:
                consent, reason = svc.consent_rule(p, consents.get(p.id, ()), today)
                account = accounts.get(p.id)
                rows.append({"person": p, "kind": p.kind, "consent": consent, "reason": reason, "account": account,
                             "children": ", ".join(names[i] for i in children.get(p.id, []))})
        staff = []
        if svc.may_issue_staff(roles) and scope.kind == "organisation":
            people = svc.issuable_staff(session)
            consents = svc.by_person(svc.consents_of(session, [p.id for p in people]))
            accounts = svc.accounts_by_person(session, [p.id for p in people])
            for p in people:
                consent, reason = svc.consent_rule(p, consents.get(p.id, ()), today)
                staff.append({"person": p, "consent": consent, "reason": reason, "account": accounts.get(p.id)})
        return self.render_template("accounts/issue_logins.html", groups=groups, group=group, rows=rows,
                                    staff=staff, staff_roles=svc.staff_roles(host, session, roles, scope.default_org_id))

    @expose("/issue", methods=["POST"])
    @has_access
    def issue(self):
        session, scope, roles = self._context()
        group_id = request.form.get("group", type=int)
        try:
            result = svc.issue_for_group(session, scope, roles, group_id, request.form.getlist("learner", type=int),
                                         request.form.getlist("guardian", type=int), clock.today())
        except (RuleError, ScopeError) as exc:
            session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".index", group=group_id))
        return self._slips(result, group_id)

    @expose("/staff", methods=["POST"])
    @has_access
    def issue_staff(self):
        session, scope, roles = self._context()
        host = current_app.extensions["ejournal"]
        try:
            result = svc.issue_for_staff(session, scope, roles, request.form.get("staff", type=int),
                                         request.form.get("role", ""), host, clock.today())
        except (RuleError, ScopeError) as exc:
            session.rollback()
            flash(str(exc), "danger")
            return redirect(url_for(".index"))
        return self._slips(result, None)

    def _slips(self, result: svc.IssueResult, group_id):
        """The new passwords are committed only with their slips built: should the
        PDF fail (or the process die) first, every old password still works."""
        session = db.session
        for name, reason in result.skipped:
            flash(_("Не выдан логин: %(name)s — %(reason)s", name=name, reason=reason), "warning")
        if not result.slips:
            session.commit()
            return redirect(url_for(".index", group=group_id))
        org = current_user.organisation
        group = session.get(LearnerGroup, group_id) if group_id is not None else None
        try:
            pdf = slips_pdf(result, _("Логины и пароли для входа в электронный журнал"), org.name if org else "",
                            kind_of(group) if group is not None else None)
        except Exception:
            session.rollback()
            raise
        session.commit()
        return _pdf_response(pdf, f"logins-{clock.today():%Y%m%d}.pdf")
