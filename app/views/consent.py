"""Люди → «Согласия на обработку ПД» (seed 002): recorded per person by the
Секретарь, the Администратор or the leader of the learner's group; withdrawing
the last consent in force closes the person's account at once (R11)."""
from __future__ import annotations

import datetime as dt

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from .. import clock
from ..exceptions import RuleError
from ..idempotency import once
from ..models import Person
from ..registry import READ, WRITE
from ..services import accounts as svc
from .base import own_path
from .people_pages import GroupPeopleView, refusal_flashed


def _date(name: str, default: dt.date | None = None) -> dt.date:
    text = (request.form.get(name) or "").strip()
    if not text and default is not None:
        return default
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RuleError("R11", _l("Укажите дату в виде ГГГГ-ММ-ДД.")) from None


class ConsentView(GroupPeopleView):
    route_base = "/consents"
    class_permission_name = "Consents"
    method_permission_name = {"index": READ, "add": WRITE, "edit": WRITE, "withdraw": WRITE, "delete": WRITE}

    @staticmethod
    def menu_label():
        return _l("Согласия на обработку ПД")

    @expose("/")
    @has_access
    def index(self):
        session, scope, roles = self._context()
        show_staff = request.args.get("staff") == "1" and svc.may_issue_any_group(roles) and scope.kind == "organisation"
        groups, group = self._groups(session, scope, roles, choose=not show_staff)
        people, children = [], {}
        if group is not None:
            learners, guardians, children = svc.group_people(session, group)
            people = learners + guardians
        elif show_staff:
            people = svc.issuable_staff(session)
        today = clock.today()
        by_person = svc.by_person(svc.consents_of(session, [p.id for p in people]))
        guardians_of: dict[int, list] = {}
        for guardian_id, learner_ids in children.items():
            for learner_id in learner_ids:
                guardians_of.setdefault(learner_id, []).append(next(p for p in people if p.id == guardian_id))
        rows = [{"person": p, "consents": by_person.get(p.id, []), "valid": svc.consent_rule(p, by_person.get(p.id, ()), today),
                 "guardians": guardians_of.get(p.id, [])} for p in people]
        return self.render_template("accounts/consents.html", groups=groups, group=group, rows=rows, today=today,
                                    show_staff=show_staff, can_staff=svc.may_issue_any_group(roles)
                                    and scope.kind == "organisation", default_scope=svc.DEFAULT_SCOPE)

    def _back(self):
        return redirect(own_path(request.form.get("back"), url_for(".index")))

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        session, scope, roles = self._context()
        with refusal_flashed(session):
            guardian = request.form.get("guardian", type=int)
            svc.add_consent(session, scope, roles, request.form.get("person", type=int) or 0,
                            signed_by=request.form.get("signed_by", ""), signed_on=_date("signed_on"),
                            guardian_id=guardian, signer_name=request.form.get("signer_name", ""),
                            scope_text=request.form.get("scope", ""), document_ref=request.form.get("document_ref", ""))
            flash(_("Согласие записано."), "success")
        return self._back()

    @expose("/<int:consent_id>/edit", methods=["POST"])
    @has_access
    def edit(self, consent_id: int):
        """Corrections of the paper's reference and scope; dates are not edited
        (a wrong date: delete the record and enter it again)."""
        session, scope, roles = self._context()
        with refusal_flashed(session):
            consent = svc.checked_consent(session, scope, roles, consent_id)
            text = (request.form.get("scope") or "").strip()
            if not text:
                raise RuleError("R11", _l("Укажите, на что дано согласие."))
            consent.scope = text
            consent.document_ref = (request.form.get("document_ref") or "").strip()
            session.commit()
            flash(_("Согласие исправлено."), "success")
        return self._back()

    @expose("/<int:consent_id>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, consent_id: int):
        """Asks first, naming the accounts that will be closed; withdraws on «confirm»."""
        session, scope, roles = self._context()
        with refusal_flashed(session):
            consent = svc.checked_consent(session, scope, roles, consent_id)
            day = _date("withdrawn_on", clock.today())
            if request.form.get("confirm") != "yes":
                closing = svc.accounts_closed_by_withdrawal(session, consent, day)
                person = session.get(Person, consent.person_id)
                return self.render_template("accounts/consent_withdraw.html", consent=consent, person=person,
                                            day=day, closing=closing, back=request.form.get("back") or "")
            blocked = svc.withdraw_consent(session, consent, day)
            flash(_("Согласие отозвано."), "success")
            for account in blocked:
                flash(_("Учётная запись %(login)s заблокирована: нет действующего согласия.", login=account.username),
                      "warning")
        return self._back()

    @expose("/<int:consent_id>/delete", methods=["POST"])
    @has_access
    def delete(self, consent_id: int):
        """A consent entered by mistake; one in force is withdrawn first (closing accounts)."""
        session, scope, roles = self._context()
        with refusal_flashed(session):
            consent = svc.checked_consent(session, scope, roles, consent_id)
            if consent.withdrawn_on is None:
                svc.withdraw_consent(session, consent, max(clock.today(), consent.signed_on))
            session.delete(consent)
            session.commit()
            flash(_("Запись о согласии удалена."), "success")
        return self._back()
