"""Demo of issue 5 (accounts): consents on file, accounts issued earlier, and
a few learners enrolled last week still waiting for their logins.

- every learner has a consent signed by a guardian on 1 September (document
  «ПД-<n>»), every guardian and employee his own;
- learners and staff got their accounts when enrolled or hired (issued earlier: their one-time
  passwords are unknown, a re-issue on «Выдача логинов» prints new ones);
- in each school, three learners of one class were enrolled eight days ago and
  have no account yet: they are on «Не выданы учётные записи в срок», and the
  class teacher issues them on «Выдача логинов»; one of them has no consent yet;
  the last employee hired, eight days ago, waits for the Администратор.

Rows go in by bulk INSERT: a school's worth of ORM objects and hashes would
slow ``make run`` down.
"""
from __future__ import annotations

import datetime as dt
import secrets

from flask import current_app
from flask_appbuilder.security.sqla.models import assoc_user_role
from sqlalchemy import insert, select
from werkzeug.security import generate_password_hash

from app.models import Account, Consent, Learner, LearnerGroup, Organisation, Person, Staff
from app.models.base import now
from app.roles import TEACHER, TECHNICIAN
from app.services.accounts import DEFAULT_SCOPE, ROLE_LEARNER, login_base
from app.services.kinds import taught_kinds


def populate_accounts_demo(session, authority, today: dt.date) -> None:
    orgs = session.scalars(select(Organisation).where(Organisation.authority_id == authority.id)
                           .order_by(Organisation.id)).all()
    sm = current_app.appbuilder.sm
    learner_role = sm.find_role(ROLE_LEARNER)
    # One unusable hash for every account issued "earlier": nobody knows it.
    unusable = generate_password_hash(secrets.token_urlsafe(24),
                                      method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
    taken = {u.lower() for u in session.scalars(select(Account.username))}
    stamp = now()
    september = dt.date(today.year if today.month >= 9 else today.year - 1, 9, 1)
    for org in orgs:
        people = session.execute(select(Person.id, Person.kind).where(Person.org_id == org.id)
                                 .order_by(Person.id)).all()
        has_account = set(session.scalars(select(Account.person_id).where(Account.org_id == org.id,
                                                                          Account.person_id.is_not(None))))
        newcomers: list[int] = []
        # Newcomers of the senior group taught by subject, whose accounts are still due.
        group_id = session.scalar(select(LearnerGroup.id).where(LearnerGroup.org_id == org.id,
                                                                LearnerGroup.kind.in_(taught_kinds()))
                                  .order_by(LearnerGroup.level.desc(), LearnerGroup.name).limit(1))
        if group_id is not None:
            newcomers = list(session.scalars(select(Learner.id).where(Learner.group_id == group_id,
                                                                      Learner.id.not_in(sorted(has_account) or [0]))
                                             .order_by(Learner.id.desc()).limit(3)))
            if newcomers:
                session.execute(Learner.__table__.update().where(Learner.__table__.c.id.in_(newcomers))
                                .values(enrolled_on=today - dt.timedelta(days=8)))
        no_consent = set(newcomers[:1])
        consents = []
        for n, (pid, kind) in enumerate(people, start=1):
            if pid in no_consent:
                continue
            consents.append({"org_id": org.id, "person_id": pid, "signed_on": september, "scope": DEFAULT_SCOPE,
                             "signed_by": "guardian" if kind == "learner" else "self",
                             "document_ref": f"ПД-{n}", "signer_name": ""})
        if consents:
            session.execute(insert(Consent), consents)
        waiting = set(newcomers) | has_account
        learners = session.execute(select(Learner.id, Learner.last_name, Learner.first_name, Learner.middle_name)
                                   .where(Learner.org_id == org.id).order_by(Learner.id)).all()
        staff = session.execute(select(Staff.id, Staff.last_name, Staff.first_name, Staff.middle_name, Staff.position)
                                .where(Staff.org_id == org.id, Staff.id.not_in(sorted(has_account) or [0]))
                                .order_by(Staff.id)).all()
        if staff:  # the last one hired eight days ago waits for his login
            session.execute(Staff.__table__.update().where(Staff.__table__.c.id == staff[-1][0])
                            .values(hired_on=today - dt.timedelta(days=8)))
        roles_of: dict[int, str] = {}
        # A position named after a group's leader (a kindergarten's «Воспитатель») is that role.
        leaders = {kind.leader.lower(): kind.leader for kind in current_app.extensions["ejournal"].group_kinds.values()}
        for pid, last, first, middle, position in staff[:-1]:
            text = (position or "").lower()
            roles_of[pid] = (TEACHER if "учитель" in text or "преподаватель" in text
                             else next((role for start, role in leaders.items() if text.startswith(start)), TECHNICIAN))
            learners.append((pid, last, first, middle))
        rows = []
        for pid, last, first, middle in learners:
            if pid in waiting:
                continue
            base = login_base(Person(last_name=last, first_name=first, middle_name=middle))
            login, k = base, 1
            while login in taken:
                k += 1
                login = f"{base}{k}"
            taken.add(login)
            rows.append({"username": login, "first_name": first, "last_name": last, "active": True,
                         "email": f"{login}@ejournal.invalid", "password": unusable, "org_id": org.id,
                         "person_id": pid, "must_change_password": True, "password_changed_at": stamp,
                         "session_epoch": 0, "login_count": 0, "fail_login_count": 0,
                         "created_on": stamp, "changed_on": stamp})
        if rows and learner_role is not None:
            session.execute(insert(Account), rows)
            ids = session.execute(select(Account.id, Account.person_id).where(
                Account.org_id == org.id, Account.email.like("%@ejournal.invalid"))).all()
            role_ids = {name: sm.find_role(name).id for name in set(roles_of.values())}
            session.execute(insert(assoc_user_role), [
                {"user_id": i, "role_id": role_ids[roles_of[pid]] if pid in roles_of else learner_role.id}
                for i, pid in ids])
    session.flush()
