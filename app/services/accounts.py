"""Issuing accounts (seeds 002, 004; R11): consent first, then unique logins and
one-time passwords, by group for learners and parents, one by one for staff.

Who may issue:
- learners and parents of a group: the Администратор and the Секретарь for any
  group of their organisation; the leader of the group (Классный руководитель,
  Куратор, Воспитатель) for the groups he leads only;
- staff: the Администратор and the Специалист по кадрам.

Passwords are returned once, for the slips, and stored only as hashes.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from .. import clock
from ..exceptions import RuleError
from ..models import AcademicYear, Account, Consent, Guardian, GuardianLink, Learner, LearnerGroup, Person, Staff
from ..models.consent import SIGNED_BY_GUARDIAN, SIGNED_BY_SELF
from ..registry import SCOPE_ORGANISATION, WRITE
from ..roles import ADMINISTRATOR, AUTHORITY_OFFICER, HR, LEARNER, PARENT, SECRETARY, SYSTEM_ADMIN
from ..scoping import Scope, acting_as
from .kinds import agreed, lower_first, organisation_kinds, words_of
from .passwords import check_password, one_time_password

ORG_ISSUERS = {ADMINISTRATOR, SECRETARY}
STAFF_ISSUERS = {ADMINISTRATOR, HR}
ROLE_LEARNER = LEARNER
ROLE_PARENT = PARENT
# Roles a staff account may be given here: never the system's own.
NOT_FOR_STAFF = {SYSTEM_ADMIN, "Public", AUTHORITY_OFFICER, ROLE_LEARNER, ROLE_PARENT}
AGE_OF_OWN_CONSENT = 14
# What a consent covers unless the form says otherwise; ``%(group)s`` is the person's kind
# of group («класс», «учебная группа»), «класс (группа)» where it is not one.
SCOPE_TEXT = ("Фамилия, имя, отчество, дата рождения, %(group)s, отметки, посещаемость, "
              "контактные данные — для ведения электронного журнала и дневника")
DEFAULT_SCOPE = SCOPE_TEXT % {"group": "класс (группа)"}


def default_scope(kind=None) -> str:
    """The default scope of a consent in the words of ``kind`` (a ``GroupKind``): a college
    student's names the «учебная группа»; without a kind, ``DEFAULT_SCOPE``."""
    return SCOPE_TEXT % {"group": lower_first(kind.name)} if kind is not None else DEFAULT_SCOPE


def _kind_of_person(session, person):
    """The kind of group a consent's person belongs to: a learner's group's; anyone else's,
    the organisation's one kind (None where it keeps several)."""
    if person is not None and person.kind == "learner" and person.group_id is not None:
        return words_of(session.get(LearnerGroup, person.group_id))
    kinds = organisation_kinds(person.org_id if person is not None else None)
    return kinds[0] if len(kinds) == 1 else None


# --- consent -----------------------------------------------------------------

def _age(birth: dt.date | None, day: dt.date) -> int | None:
    if birth is None:
        return None
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def consent_rule(person: Person, consents, day: dt.date) -> tuple[Consent | None, str]:
    """The one rule of R11 on consent: (the consent that allows an account, or
    None with the Russian reason).

    A consent counts on ``day`` when signed on or before it and not withdrawn.
    - A learner under 14 (or whose birth date is unknown): a guardian's consent
      for the child; the child cannot consent alone.
    - A learner of 14 or more: his own consent or a guardian's.
    - Staff, parents and any adult: only the person's own consent.
    """
    in_force = [c for c in consents if c.person_id == person.id and c.in_force(day)]  # a page passes each its own
    if person.kind == "learner":
        age = _age(person.birth_date, day)
        if age is None or age < AGE_OF_OWN_CONSENT:
            ok = [c for c in in_force if c.signed_by == SIGNED_BY_GUARDIAN]
            reason = _l("нет действующего согласия законного представителя на обработку персональных данных")
        else:
            ok = in_force
            reason = _l("нет действующего согласия на обработку персональных данных")
    else:
        ok = [c for c in in_force if c.signed_by == SIGNED_BY_SELF]
        reason = _l("нет действующего собственного согласия на обработку персональных данных")
    if ok:
        return max(ok, key=lambda c: (c.signed_on, c.id)), ""
    return None, str(reason)


def consents_of(session, person_ids) -> list[Consent]:
    if not person_ids:
        return []
    return list(session.scalars(select(Consent).where(Consent.person_id.in_(list(person_ids)))
                                .order_by(Consent.signed_on, Consent.id)))


def by_person(consents) -> dict[int, list[Consent]]:
    """person id → his consents (a page of a group checks each person against his own)."""
    out: dict[int, list[Consent]] = {}
    for c in consents:
        out.setdefault(c.person_id, []).append(c)
    return out


def _check_withdrawal(consent: Consent, day: dt.date) -> None:
    if consent.withdrawn_on is not None:
        raise RuleError("R11", _l("Согласие уже отозвано %(day)s.", day=f"{consent.withdrawn_on:%d.%m.%Y}"))
    if day < consent.signed_on:
        raise RuleError("R11", _l("Дата отзыва раньше даты подписания согласия."))


def accounts_closed_by_withdrawal(session, consent: Consent, day: dt.date) -> list[Account]:
    """The accounts that withdrawing ``consent`` on ``day`` would close (nothing changes)."""
    _check_withdrawal(consent, day)
    person = session.get(Person, consent.person_id)
    others = [c for c in consents_of(session, [person.id]) if c.id != consent.id]
    remaining, _ = consent_rule(person, others, day)
    if remaining is not None:
        return []
    with _organisation_wide():
        return list(session.scalars(select(Account).where(Account.person_id == person.id,
                                                          Account.active.is_(True)).order_by(Account.id)))


def withdraw_consent(session, consent: Consent, day: dt.date) -> list[Account]:
    """Withdraw ``consent`` on ``day``; when the person has no other consent in
    force, close his accounts in the same transaction (audited). Returns them."""
    blocked = accounts_closed_by_withdrawal(session, consent, day)
    consent.withdrawn_on = day
    with _organisation_wide():
        for account in blocked:
            account.active = False
            account.session_epoch = (account.session_epoch or 0) + 1  # open sessions end too
    session.commit()
    return blocked


# --- who may issue -------------------------------------------------------------

def may_issue_any_group(role_names: set[str]) -> bool:
    return bool(role_names & ORG_ISSUERS)


def may_issue_staff(role_names: set[str]) -> bool:
    return bool(role_names & STAFF_ISSUERS)


def issuable_groups(session, scope: Scope, role_names: set[str], resource: str = "IssueLogins") -> list[LearnerGroup]:
    """Groups of the open years the user may issue logins for (``resource`` «Consents»:
    keep consents in). The Администратор and the Секретарь: every group; anyone else
    where his right reaches: a class teacher's right his class, a teacher's the
    classes he teaches."""
    from ..security import reach_of

    q = (select(LearnerGroup).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
         .where(AcademicYear.closed.is_(False)).order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id))
    if not may_issue_any_group(role_names) or scope.kind != SCOPE_ORGANISATION:
        if scope.user_id is None:
            return []
        with acting_as(None):
            groups = reach_of(session, session.get(Account, scope.user_id), resource, WRITE)
        if not groups:
            return []
        q = q.where(LearnerGroup.id.in_(groups))
    return list(session.scalars(q))


def checked_group(session, scope: Scope, role_names: set[str], group_id, resource: str = "IssueLogins",
                  issuable: list[LearnerGroup] | None = None) -> LearnerGroup:
    """The group ``group_id`` if the user may issue logins there (``issuable``: the
    ``issuable_groups`` the caller has already read)."""
    if issuable is None:
        issuable = issuable_groups(session, scope, role_names, resource)
    group = next((g for g in issuable if g.id == group_id), None)
    if group is None:
        raise RuleError("R11", _l("Выдавать логины и вести согласия можно только для своих %(groups)s.",
                                  groups=agreed(organisation_kinds(), "groups_of", _l("классов и групп"))))
    return group


def group_people(session, group: LearnerGroup) -> tuple[list[Learner], list[Guardian], dict[int, list[int]]]:
    """Current learners of the group, their guardians, and guardian → learner ids."""
    learners = list(session.scalars(select(Learner).where(Learner.group_id == group.id, Learner.left_on.is_(None))
                                    .order_by(Learner.last_name, Learner.first_name, Learner.id)))
    ids = [x.id for x in learners]
    links = session.execute(select(GuardianLink.guardian_id, GuardianLink.learner_id)
                            .where(GuardianLink.learner_id.in_(ids))).all() if ids else []
    children: dict[int, list[int]] = {}
    for guardian_id, learner_id in links:
        children.setdefault(guardian_id, []).append(learner_id)
    guardians = list(session.scalars(select(Guardian).where(Guardian.id.in_(list(children)))
                                     .order_by(Guardian.last_name, Guardian.first_name, Guardian.id))) if children else []
    return learners, guardians, children


def accounts_by_person(session, person_ids) -> dict[int, Account]:
    if not person_ids:
        return {}
    with _organisation_wide():
        rows = session.scalars(select(Account).where(Account.person_id.in_(list(person_ids))).order_by(Account.id))
        return {a.person_id: a for a in rows}


class _organisation_wide:
    """Inside the issuing service, after its own check of the group, a class
    teacher must see the accounts of his learners and parents (his scope shows
    him only his own): widen the scope to his organisation for that block. The
    user stays the same, so the audit log names him."""

    def __enter__(self):
        from ..scoping import current_scope

        scope = current_scope()
        wide = scope
        if scope is not None and not scope.is_system and scope.learner_ids is not None:
            wide = dataclasses.replace(scope, kind=SCOPE_ORGANISATION, group_ids=None, learner_ids=None)
        self._ctx = acting_as(wide) if wide is not scope else None
        if self._ctx:
            self._ctx.__enter__()
        return self

    def __exit__(self, *exc):
        if self._ctx:
            self._ctx.__exit__(*exc)


# --- logins ------------------------------------------------------------------

def translit(text: str) -> str:
    """Latin letters of a Russian name, by ICAO Doc 9303 (Russian passports since 2014)."""
    import iuliia

    return iuliia.ICAO_DOC_9303.translate(text or "")


def login_base(person: Person) -> str:
    """«Иванов Иван Петрович» → ivanov.ip"""
    last = re.sub(r"[^a-z]", "", translit(person.last_name).lower()) or "user"
    initials = "".join(re.sub(r"[^a-z]", "", translit(p).lower())[:1] for p in (person.first_name, person.middle_name) if p)
    return f"{last}.{initials}" if initials else last


def unique_login(session, person: Person, taken: set[str]) -> str:
    """The base login, or base2, base3 … when it is taken (in any organisation)."""
    base = login_base(person)
    with acting_as(None):  # logins are unique over the whole system
        existing = set(session.scalars(select(func.lower(Account.username)).where(
            func.lower(Account.username).like(base + "%"))))
    existing |= taken
    login, n = base, 1
    while login in existing:
        n += 1
        login = f"{base}{n}"
    taken.add(login)
    return login


@dataclass
class Slip:
    full_name: str
    login: str
    password: str
    role: str
    group: str = ""
    reissued: bool = False


@dataclass
class IssueResult:
    slips: list[Slip] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (ФИО, reason)


def _set_one_time_password(account: Account, password: str) -> None:
    account.password = generate_password_hash(
        password, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"))
    account.must_change_password = True  # after the password: setting it clears the flag
    account.session_epoch = (account.session_epoch or 0) + 1  # the old password's sessions end


def _email_for(session, person: Person, login: str) -> str:
    email = (person.email or "").strip()
    if email:
        with acting_as(None):
            if session.scalar(select(func.count()).select_from(Account).where(Account.email == email)) == 0:
                return email
    return f"{login}@ejournal.invalid"  # FAB wants a unique e-mail; the card may have none


def _issue_one(session, person: Person, role_name: str, org_id: int, taken: set[str], existing: Account | None,
               *, staff: bool, group: str = "", extra_roles: tuple[str, ...] = ()) -> Slip:
    password = one_time_password(12 if staff else 10)
    if existing is not None:
        check_password(password, existing.username, staff=staff)
        _set_one_time_password(existing, password)
        existing.active = True
        return Slip(person.full_name, existing.username, password, role_name, group, reissued=True)
    sm = current_app.appbuilder.sm
    roles = [sm.find_role(name) for name in (role_name, *extra_roles)]
    if None in roles:
        missing = (role_name, *extra_roles)[roles.index(None)]
        raise RuleError("R11", _l("Роль «%(role)s» не найдена.", role=missing))
    login = unique_login(session, person, taken)
    check_password(password, login, staff=staff)
    account = Account(username=login, first_name=person.first_name, last_name=person.last_name,
                      email=_email_for(session, person, login), active=True, roles=roles)
    account.org_id, account.person_id = org_id, person.id
    _set_one_time_password(account, password)
    session.add(account)
    return Slip(person.full_name, login, password, role_name, group)


def issue_for_group(session, scope: Scope, role_names: set[str], group_id: int, learner_ids, guardian_ids,
                    day: dt.date) -> IssueResult:
    """Issue (or re-issue) accounts for the chosen learners and parents of one group.

    Every chosen id must belong to the group (a tampered form is refused as a
    whole, nothing written); people without a valid consent are skipped with the
    reason. Nothing is committed here: the caller commits once the slips with the
    new passwords are safely built, so a crash in between changes no password."""
    group = checked_group(session, scope, role_names, group_id)
    learners, guardians, _children = group_people(session, group)
    learner_ids, guardian_ids = {int(i) for i in learner_ids}, {int(i) for i in guardian_ids}
    by_id = {p.id: p for p in learners + guardians}
    if not learner_ids <= {x.id for x in learners} or not guardian_ids <= {x.id for x in guardians}:
        raise RuleError("R11", _l("Выбраны люди не из группы «%(group)s».", group=group.name))
    if not learner_ids and not guardian_ids:
        raise RuleError("R11", _l("Отметьте обучающихся или родителей, которым выдать логины."))
    chosen = [by_id[i] for i in sorted(learner_ids | guardian_ids, key=lambda i: (by_id[i].kind != "learner",
                                                                                   by_id[i].last_name, i))]
    consents = consents_of(session, [p.id for p in chosen])
    result = IssueResult()
    taken: set[str] = set()
    with _organisation_wide():
        existing = accounts_by_person(session, [p.id for p in chosen])
        for person in chosen:
            _consent, reason = consent_rule(person, consents, day)
            if _consent is None:
                result.skipped.append((person.full_name, reason))
                continue
            role = ROLE_LEARNER if person.kind == "learner" else ROLE_PARENT
            result.slips.append(_issue_one(session, person, role, group.org_id, taken, existing.get(person.id),
                                           staff=False, group=group.name))
        session.flush()
    return result


def issuable_staff(session) -> list[Staff]:
    return list(session.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name, Staff.id)))


def staff_roles(host, session=None, role_names: set[str] | None = None, org_id: int | None = None) -> list[str]:
    """Roles an employee's account may get here; with the issuer's roles, only those
    he may grant (the Специалист по кадрам does not make an Администратор)."""
    names = sorted(name for name, spec in host.roles.items() if spec.staff and name not in NOT_FOR_STAFF)
    if role_names is None:
        return names
    from .grants import grantable_roles

    allowed = grantable_roles(session, host, role_names, org_id)
    return [name for name in names if name in allowed]


def issue_for_staff(session, scope: Scope, role_names: set[str], staff_id: int, role_name: str, host,
                    day: dt.date) -> IssueResult:
    """Issue (or re-issue) the account of one employee with ``role_name`` (not committed)."""
    if not may_issue_staff(role_names) or scope.kind != SCOPE_ORGANISATION:
        raise RuleError("R11", _l("Учётные записи сотрудников выдают Администратор и Специалист по кадрам."))
    if role_name not in staff_roles(host, session, role_names, scope.default_org_id):
        raise RuleError("R11", _l("Роль «%(role)s» нельзя назначить сотруднику здесь.", role=role_name))
    person = session.get(Staff, staff_id)
    if person is None or person.org_id not in scope.write_org_ids:
        raise RuleError("R11", _l("Сотрудник не найден или недоступен."))
    result = IssueResult()
    consent, reason = consent_rule(person, consents_of(session, [person.id]), day)
    if consent is None:
        result.skipped.append((person.full_name, reason))
        return result
    existing = accounts_by_person(session, [person.id]).get(person.id)
    result.slips.append(_issue_one(session, person, role_name, person.org_id, set(), existing, staff=True,
                                   group=person.position or ""))
    session.flush()  # committed by the caller with the slips built, as for a group
    return result


def issue_staff_account(session, person: Staff, role_names, taken: set[str]) -> Slip:
    """A new account of an employee with ``role_names``: a unique login and a one-time
    password (must be changed at the first login), as «Выдача логинов» issues it. The
    consent and the issuer's right to the roles are the caller's checks (``issue_for_staff``,
    the import of staff). Not committed."""
    role_names = list(role_names)
    slip = _issue_one(session, person, role_names[0], person.org_id, taken, None, staff=True,
                      group=person.position or "", extra_roles=tuple(role_names[1:]))
    slip.role = ", ".join(role_names)
    return slip


# --- overdue (seed 004 3.3.2.4) -----------------------------------------------------

def working_days_between(start: dt.date, end: dt.date) -> int:
    """Mon–Fri days after ``start`` up to and including ``end``."""
    if end <= start:
        return 0
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    for i in range(1, rest + 1):
        if (start + dt.timedelta(days=weeks * 7 + i)).weekday() < 5:
            count += 1
    return count


def overdue_cutoff(today: dt.date, working_days: int) -> dt.date:
    """The latest date of enrolment/hiring that is already overdue on ``today``:
    more than ``working_days`` working days have passed since it."""
    day, counted = today, 0
    while counted < working_days:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    # ``day`` is exactly N working days before today; anything before it is late.
    return day - dt.timedelta(days=1)


def check_consent_access(session, scope: Scope, role_names: set[str], person: Person | None) -> Person:
    """Consents are kept by the Администратор and Секретарь for anyone of their
    organisation, and by a group's leader for its learners and their guardians."""

    def refused() -> RuleError:
        kind = _kind_of_person(session, person) or words_of(None)
        return RuleError("R11", _l("Согласия ведёт Секретарь, Администратор или %(leader)s этого %(learner)s.",
                                   leader=lower_first(kind.leader), learner=kind.learner_of))

    if person is None:
        raise refused()
    if may_issue_any_group(role_names) and scope.kind == SCOPE_ORGANISATION and person.org_id in scope.write_org_ids:
        return person
    groups = {g.id for g in issuable_groups(session, scope, role_names, "Consents")}
    if person.kind == "learner" and person.group_id in groups:
        return person
    if person.kind == "guardian" and groups:
        linked = session.scalar(select(func.count()).select_from(GuardianLink).join(
            Learner, Learner.id == GuardianLink.learner_id).where(
            GuardianLink.guardian_id == person.id, Learner.group_id.in_(groups)))
        if linked:
            return person
    raise refused()


def add_consent(session, scope: Scope, role_names: set[str], person_id: int, *, signed_by: str, signed_on: dt.date,
                guardian_id: int | None = None, signer_name: str = "", scope_text: str = "",
                document_ref: str = "") -> Consent:
    with _organisation_wide():
        person = check_consent_access(session, scope, role_names, session.get(Person, person_id))
    if signed_by not in (SIGNED_BY_SELF, SIGNED_BY_GUARDIAN):
        raise RuleError("R11", _l("Укажите, кто подписал согласие."))
    if signed_by == SIGNED_BY_GUARDIAN and person.kind != "learner":
        raise RuleError("R11", _l("Законный представитель подписывает согласие только за обучающегося."))
    if signed_on > clock.today():
        raise RuleError("R11", _l("Дата подписания согласия не может быть в будущем."))
    if signed_by == SIGNED_BY_SELF:
        # Whatever the form still holds of a representative, the person signed himself.
        guardian_id, signer_name = None, person.full_name
    elif guardian_id is not None:
        linked = session.scalar(select(func.count()).select_from(GuardianLink).where(
            GuardianLink.guardian_id == guardian_id, GuardianLink.learner_id == person.id))
        if not linked:
            raise RuleError("R11", _l("Этот законный представитель не связан с обучающимся."))
        if not signer_name:
            signer_name = session.get(Person, guardian_id).full_name
    consent = Consent(org_id=person.org_id, person_id=person.id, signed_by=signed_by, guardian_id=guardian_id,
                      signer_name=(signer_name or "").strip(),
                      signed_on=signed_on, scope=_scope_text(session, person, scope_text),
                      document_ref=(document_ref or "").strip())
    session.add(consent)
    session.commit()
    return consent


def _scope_text(session, person, text: str) -> str:
    """The scope typed, or the default in the person's words: the form sends ``DEFAULT_SCOPE``
    untouched, which a college student's consent reads as «…, учебная группа, …»."""
    text = (text or "").strip()
    return default_scope(_kind_of_person(session, person)) if not text or text == DEFAULT_SCOPE else text


def checked_consent(session, scope: Scope, role_names: set[str], consent_id: int) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise RuleError("R11", _l("Согласие не найдено или недоступно."))
    with _organisation_wide():
        check_consent_access(session, scope, role_names, session.get(Person, consent.person_id))
    return consent
