"""Загрузка сотрудников из XLSX или CSV, with their roles: an employee whose row names
roles gets an account through the service of «Выдача логинов» (``app.services.accounts``):
a unique login, a one-time password he must change, and only with his own consent to the
processing of personal data in force (R11). The slips with the passwords are the same PDF
«Выдача логинов» prints; the import page never shows a password.

Matching, within the organisation: by СНИЛС, else by ФИО and birth date (a file or a card
without the birth date: by ФИО where it names one employee). An existing account's roles
change to the file's list only when the row fills «Роли»; the system administrator's role
is never given by an import.

``parse`` writes nothing; ``apply`` writes in the caller's transaction (all or nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..extensions import current_host
from ..models import Account, Consent, Staff
from ..roles import SYSTEM_ADMIN
from ..services import accounts as accounts_svc
from .people import EMAIL_RE, GENDERS, check_snils, digits_of, name_key, snils_format
from .reading import RowError, begin, data_rows, norm, parse_date, read_table
from .reading import template_csv as _template_csv
from .reading import template_xlsx as _template_xlsx

KIND = "staff"
TITLE = _l("Сотрудники")
COLUMNS = ("Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Должность", "Роли", "СНИЛС", "Телефон", "E-mail",
           "Дата приёма")
REQUIRED = ("Фамилия", "Имя")
SYNONYMS = {
    "Дата рожд": "Дата рождения", "Д.р": "Дата рождения", "Дата рождения (ДД.ММ.ГГГГ)": "Дата рождения",
    "Роль": "Роли", "Роли в журнале": "Роли", "Тел": "Телефон", "Email": "E-mail", "Эл. почта": "E-mail",
    "Электронная почта": "E-mail", "Дата приема": "Дата приёма", "Принят": "Дата приёма",
    "Дата приема на работу": "Дата приёма", "Дата приёма на работу": "Дата приёма",
}
HELP = _l("Даты — ДД.ММ.ГГГГ; пол — «М» или «Ж»; СНИЛС проверяется по контрольному числу. «Роли» — роли в журнале "
          "так, как они названы на странице учётных записей («Учитель», «Классный руководитель», «Завуч» …), через "
          "«,» или «;». Сотруднику с ролями выдаётся логин с одноразовым паролем — как на странице «Выдача "
          "логинов», и только при действующем согласии на обработку персональных данных; листки с паролями "
          "скачиваются сразу после загрузки. У существующей учётной записи роли заменяются списком из файла, "
          "только если столбец «Роли» заполнен. Роль системного администратора загрузкой не назначается. "
          "Повторная загрузка обновляет записи: сотрудник находится по СНИЛС, а без него — по ФИО и дате рождения.")
PREVIEW = "imports/_preview_staff.html"
PROGRESS = "Загрузка сотрудников"
LABELS = {"last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество", "birth_date": "Дата рождения",
          "gender": "Пол", "position": "Должность", "snils": "СНИЛС", "phone": "Телефон", "email": "E-mail",
          "hired_on": "Дата приёма"}
SYSTEM_ADMIN_NAMES = {norm(SYSTEM_ADMIN), norm("Системный администратор"), norm("Администратор системы")}

ISSUE, ROLES, KEEP, NO_CONSENT = "issue", "roles", "keep", "no_consent"


@dataclass
class StaffOp:
    row: int
    name: str
    existing: Staff | None
    values: dict
    changes: list[str] = field(default_factory=list)
    roles: list[str] | None = None  # the file's roles (None: the column is empty)
    role_labels: list[str] = field(default_factory=list)
    account: Account | None = None
    account_action: str = KEEP
    roles_before: list[str] = field(default_factory=list)  # labels of the account's roles now
    obj: Staff | None = None

    @property
    def action(self) -> str:
        return "create" if self.existing is None else ("update" if self.changes else "same")


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    staff: list[StaffOp] = field(default_factory=list)
    slips: accounts_svc.IssueResult | None = None  # the accounts issued by ``apply``, for the slips

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.staff)

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "same": 0}
        for op in self.staff:
            out[op.action] += 1
        out["logins"] = sum(1 for op in self.staff if op.account_action == ISSUE)
        out["roles"] = sum(1 for op in self.staff if op.account_action == ROLES)
        out["no_consent"] = sum(1 for op in self.staff if op.account_action == NO_CONSENT)
        return out


def template_csv() -> bytes:
    return _template_csv(COLUMNS)


def template_xlsx() -> bytes:
    return _template_xlsx(COLUMNS, "Сотрудники", ("Дата рождения", "СНИЛС", "Телефон", "Дата приёма"))


def summary(counts: dict[str, int]) -> str:
    return str(_l("сотрудников новых %(create)s, обновлённых %(update)s, без изменений %(same)s; логинов выдаётся "
                  "%(logins)s; роли меняются у %(roles)s; без логина (нет согласия на обработку персональных "
                  "данных) %(no_consent)s.", **counts))


def preview_summary(counts: dict[str, int]) -> str:
    return str(_l("Ошибок нет. Будет: сотрудников новых %(create)s, обновлённых %(update)s, без изменений %(same)s; "
                  "будет выдано логинов: %(logins)s; роли учётных записей изменятся у %(roles)s; не получат логин "
                  "(нет согласия на обработку персональных данных): %(no_consent)s.", **counts))


def done_summary(counts: dict[str, int]) -> str:
    text = str(_l("Загружено: сотрудников новых %(create)s, обновлённых %(update)s, без изменений %(same)s; выдано "
                  "логинов %(logins)s; изменены роли у %(roles)s.", **counts))
    if counts["logins"]:
        text += " " + str(_l("Листки с логинами и одноразовыми паролями — в скачанном файле PDF; если он потерян, "
                             "выдайте пароли заново на странице «Люди → Выдача логинов»."))
    if counts["no_consent"]:
        text += " " + str(_l("Сотрудники без согласия на обработку персональных данных (%(count)s) логин не "
                             "получили: внесите согласие и выдайте логин на странице «Люди → Выдача логинов».",
                             count=counts["no_consent"]))
    return text


# --------------------------------------------------------------------------
# Roles as the file names them
# --------------------------------------------------------------------------
class _Roles:
    """The roles an employee may be given by this import, by their Russian names."""

    def __init__(self, session, org_id: int):
        from ..scoping import current_scope
        from ..services.grants import organisation_roles
        from ..views.accounts import role_label
        from ..models import Organisation

        host = current_host()
        scope = current_scope()
        organisation = session.get(Organisation, org_id)
        plugins = organisation.plugins if organisation is not None else []
        mine = organisation_roles(host, plugins)
        every = [name for name in accounts_svc.staff_roles(host) if name in mine]
        actor = session.get(Account, scope.user_id) if scope is not None and scope.user_id else None
        self.actor_roles = {r.name for r in actor.roles} if actor is not None else None
        if self.actor_roles is None:  # the command line without a user: the server's own
            self.may_issue = True
            self.grantable = set(every)
        else:
            self.may_issue = accounts_svc.may_issue_staff(self.actor_roles) or SYSTEM_ADMIN in self.actor_roles
            self.grantable = set(accounts_svc.staff_roles(host, session, self.actor_roles, org_id))
        self.label = {name: role_label(name) for name in set(every) | set(host.roles)}
        self.by_name: dict[str, str] = {}
        for name in every:
            self.by_name[norm(name)] = name
            self.by_name[norm(self.label[name])] = name
        self.not_for_staff = {norm(name) for name in host.roles if name not in every} | {
            norm(self.label.get(name, name)) for name in host.roles if name not in every}

    def parse(self, raw: str) -> tuple[list[str], list[str]]:
        """(role names, errors) of a «Роли» cell."""
        names, problems = [], []
        for part in raw.replace(";", ",").split(","):
            part = " ".join(part.split())
            if not part:
                continue
            key = norm(part)
            if key in SYSTEM_ADMIN_NAMES:
                problems.append(str(_l("«%(value)s» — роль системного администратора загрузкой из файла не "
                                       "назначается", value=part)))
                continue
            name = self.by_name.get(key)
            if name is None:
                if key in self.not_for_staff:
                    problems.append(str(_l("«%(value)s» — эта роль сотруднику не назначается", value=part)))
                else:
                    problems.append(str(_l("«%(value)s» — такой роли нет (есть: %(roles)s)", value=part, roles=", ".join(
                        sorted(self.label[n] for n in set(self.by_name.values()))))))
                continue
            if name not in self.grantable:
                problems.append(str(_l("«%(value)s» — эту роль может назначить только администратор организации",
                                       value=part)))
                continue
            if name not in names:
                names.append(name)
        return names, problems


# --------------------------------------------------------------------------
# Parsing and checking
# --------------------------------------------------------------------------
class _Index:
    """The organisation's staff, their accounts and consents, loaded once."""

    def __init__(self, session, org_id: int):
        staff = session.scalars(select(Staff).where(Staff.org_id == org_id).order_by(Staff.id)).all()
        self.by_snils = {digits_of(x.snils): x for x in staff if x.snils}
        self.by_name: dict[tuple, Staff] = {}
        self.by_bare: dict[str, list[Staff]] = {}
        for x in staff:
            key = name_key(x.last_name, x.first_name, x.middle_name)
            self.by_name.setdefault((key, x.birth_date), x)
            self.by_bare.setdefault(key, []).append(x)
        ids = [x.id for x in staff]
        self.accounts: dict[int, Account] = {}
        self.consents: list[Consent] = []
        if ids:
            with accounts_svc._organisation_wide():
                for account in session.scalars(select(Account).where(Account.person_id.in_(ids))
                                               .options(selectinload(Account.roles)).order_by(Account.id)):
                    self.accounts.setdefault(account.person_id, account)
            self.consents = list(session.scalars(select(Consent).where(Consent.person_id.in_(ids))
                                                 .order_by(Consent.signed_on, Consent.id)))

    def staff(self, snils: str, last: str, first: str, middle: str, birth) -> Staff | None:
        found = self.by_snils.get(snils) if snils else None
        key = name_key(last, first, middle)
        found = found or self.by_name.get((key, birth))
        if found is None:
            same = self.by_bare.get(key, [])
            # One side without the birth date: the one employee of that name.
            if len(same) == 1 and (birth is None or same[0].birth_date is None):
                found = same[0]
        return found


def parse(session, org_id: int, filename: str, data: bytes,
          progress: Callable[[int], None] | None = None) -> Plan:
    """Read and check the file against the organisation; nothing is written."""
    return parse_rows(session, org_id, read_table(filename, data), progress)


def parse_rows(session, org_id: int, rows: list[tuple[int, list]],
               progress: Callable[[int], None] | None = None) -> Plan:
    plan = Plan()
    errors = plan.errors
    started = begin(rows, COLUMNS, SYNONYMS, REQUIRED, errors)
    if started is None:
        return plan
    header_row, columns, body = started
    index = _Index(session, org_id)
    roles = _Roles(session, org_id) if "Роли" in columns else None
    today = clock.today()
    seen_snils: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    seen_existing: dict[int, int] = {}

    for number, v in data_rows(body, columns, progress):
        row_errors: list[RowError] = []

        def bad(column, message, _number=number, _errors=row_errors):
            _errors.append(RowError(_number, column, str(message)))

        last, first, middle = (" ".join(v.get(c, "").split()) for c in ("Фамилия", "Имя", "Отчество"))
        for column, value in (("Фамилия", last), ("Имя", first)):
            if not value:
                bad(column, _l("не заполнено"))
        for column, value in (("Фамилия", last), ("Имя", first), ("Отчество", middle)):
            if len(value) > 100:
                bad(column, _l("длиннее 100 знаков"))
        birth = None
        raw = v.get("Дата рождения", "")
        if raw:
            birth, why = parse_date(raw)
            if why:
                bad("Дата рождения", why)
            elif birth > today or birth.year < 1900:
                bad("Дата рождения", _l("%(value)s — дата рождения не может быть такой", value=raw))
                birth = None
        gender = ""
        raw = v.get("Пол", "")
        if raw:
            gender = GENDERS.get(norm(raw), "")
            if not gender:
                bad("Пол", _l("«%(value)s» — укажите «М» или «Ж»", value=raw))
        position = " ".join(v.get("Должность", "").split())
        if len(position) > 120:
            bad("Должность", _l("длиннее 120 знаков"))
        snils, why = check_snils(v.get("СНИЛС", ""))
        if why:
            bad("СНИЛС", why)
        phone = v.get("Телефон", "")
        if phone and not 10 <= len(digits_of(phone)) <= 15:
            bad("Телефон", _l("«%(value)s» — не номер телефона", value=phone))
        elif len(phone) > 40:
            bad("Телефон", _l("длиннее 40 знаков"))
        email = v.get("E-mail", "")
        if email and (not EMAIL_RE.fullmatch(email) or len(email) > 200):
            bad("E-mail", _l("«%(value)s» — не адрес электронной почты", value=email))
        hired = None
        raw = v.get("Дата приёма", "")
        if raw:
            hired, why = parse_date(raw)
            if why:
                bad("Дата приёма", why)
            elif birth and hired < birth:
                bad("Дата приёма", _l("%(value)s — раньше даты рождения", value=raw))
                hired = None
        role_names = None
        raw = v.get("Роли", "")
        if raw and roles is not None:
            role_names, problems = roles.parse(raw)
            for problem in problems:
                bad("Роли", problem)
            if not problems and role_names and not roles.may_issue:
                bad("Роли", _l("роли сотрудникам назначают (и выдают им логины) Администратор и Специалист по "
                               "кадрам"))
            if not role_names:
                role_names = None

        existing = None
        key = (name_key(last, first, middle), birth)
        if snils and snils in seen_snils:
            bad("СНИЛС", _l("этот сотрудник уже есть в строке %(row)s", row=seen_snils[snils]))
        elif last and first and key in seen_names:
            bad("Фамилия", _l("этот сотрудник уже есть в строке %(row)s", row=seen_names[key]))
        elif last and first:
            existing = index.staff(snils, last, first, middle, birth)
            if existing is not None and existing.id in seen_existing:
                bad("Фамилия", _l("этот сотрудник уже есть в строке %(row)s", row=seen_existing[existing.id]))
            elif existing is not None and snils and existing.snils and digits_of(existing.snils) != snils:
                bad("СНИЛС", _l("у сотрудника %(name)s в журнале другой СНИЛС: %(snils)s",
                                name=existing.full_name, snils=existing.snils))
        if snils:
            seen_snils.setdefault(snils, number)
        if last and first:
            seen_names.setdefault(key, number)
        if existing is not None:
            seen_existing.setdefault(existing.id, number)

        account = index.accounts.get(existing.id) if existing is not None else None
        if account is not None and role_names is not None and roles is not None:
            current = {r.name for r in account.roles}
            if SYSTEM_ADMIN in current:
                bad("Роли", _l("учётная запись сотрудника — системного администратора: её роли загрузкой не "
                               "меняются"))
            elif roles.actor_roles is not None and SYSTEM_ADMIN not in roles.actor_roles:
                above = sorted(current - set(role_names) - roles.grantable)
                if above:
                    bad("Роли", _l("у учётной записи роль «%(role)s», которую может снять только администратор "
                                   "организации", role=roles.label.get(above[0], above[0])))
        if row_errors:
            errors.extend(row_errors)
            continue

        values = {"last_name": last, "first_name": first, "middle_name": middle, "birth_date": birth,
                  "gender": gender, "position": position, "snils": snils_format(snils) if snils else "",
                  "phone": phone, "email": email, "hired_on": hired}
        op = StaffOp(number, " ".join(p for p in (last, first, middle) if p), existing, values, roles=role_names)
        if role_names:
            op.role_labels = [roles.label.get(r, r) for r in role_names]
        if existing is not None:
            for k, value in values.items():
                if value and getattr(existing, k) != value:
                    op.changes.append(LABELS[k])
        op.account = account
        if role_names:
            if account is not None:
                current = [r.name for r in account.roles]
                op.roles_before = [roles.label.get(r, r) for r in current]
                op.account_action = ROLES if set(current) != set(role_names) else KEEP
            else:
                consent = None
                if existing is not None:
                    consent, _reason = accounts_svc.consent_rule(existing, index.consents, today)
                op.account_action = ISSUE if consent is not None else NO_CONSENT
        plan.staff.append(op)
    if not errors and not plan.staff:
        errors.append(RowError(header_row + 1, "Фамилия", str(_l("в файле нет ни одного сотрудника"))))
    return plan


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def apply(session, org_id: int, plan: Plan, account_id: int | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Carry out a checked plan in the session's transaction (the caller commits, and
    builds the slips of ``plan.slips`` before it does). Returns the counts."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    counts = plan.counts()
    for op in plan.staff:
        if op.existing is None:
            op.obj = Staff(org_id=org_id, **op.values)
            session.add(op.obj)
        else:
            op.obj = op.existing
            for key, value in op.values.items():
                if value and getattr(op.obj, key) != value:
                    setattr(op.obj, key, value)
    session.flush()
    if progress is not None:
        progress(len(plan.staff) // 2)
    result = accounts_svc.IssueResult()
    taken: set[str] = set()
    sm = current_app.appbuilder.sm
    found_roles: dict[str, object] = {}
    for op in plan.staff:
        if op.account_action == ISSUE:
            slip = accounts_svc.issue_staff_account(session, op.obj, op.roles, taken)
            slip.role = ", ".join(op.role_labels)  # the roles as the organisation names them
            result.slips.append(slip)
        elif op.account_action == ROLES:
            for name in op.roles:
                if name not in found_roles:
                    found_roles[name] = sm.find_role(name)
            op.account.roles = [found_roles[name] for name in op.roles]
        elif op.account_action == NO_CONSENT:
            result.skipped.append((op.obj.full_name, str(_l("нет действующего собственного согласия на обработку "
                                                            "персональных данных"))))
    session.flush()
    plan.slips = result
    if progress is not None:
        progress(len(plan.staff) - len(plan.staff) // 2)
    return counts
