"""The examination session: filling and closing exam sheets, retakes, academic debts.

Every write of the session's tables goes through here and is refused with a Russian
``RuleError``; the pages commit or roll back. Final marks are written only through the
core's path (``app.services.journal.save_finals``), so the journal's own checks (the
scale, the learner's group, optimistic versions) and its audit apply to them as well.

Who may do what is given by an ``Access`` built once per request from the user's roles:
the учебная часть (an organisation-wide right to write the sheets) does everything; an
examiner fills his own open sheet and retake in the groups his teaching role reaches.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.exceptions import RuleError
from app.models import FinalMark, Learner, LearnerGroup, Organisation, Period, Staff, Subject
from app.registry import SCOPE_GROUPS, MarkScale

from . import name as PLUGIN
from .curriculum_service import transaction_cache
from .exam_models import (
    ABSENT,
    INVALID,
    KINDS,
    MARK,
    NOT_ADMITTED,
    VALID,
    DebtDeadline,
    ExamResult,
    ExamRetake,
    ExamSheet,
)

SHEETS, DEBTS = "ExamSheets", "AcademicDebts"
FIVE_POINT, PASS_FAIL = "college_five_point", "pass_fail"

# Codes of the choices on a form, besides the marks of the sheet's scale.
ABSENT_VALID, ABSENT_INVALID = "absent_valid", "absent_invalid"
OTHER_CHOICES = {
    ABSENT_VALID: _l("неявка (уважительная причина)"),
    ABSENT_INVALID: _l("неявка (неуважительная причина)"),
    NOT_ADMITTED: _l("недопуск"),
}


# --- who may do what -----------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """What one user may do with the session's records."""

    person_id: int | None = None
    org_levels: dict = field(default_factory=dict)  # resource -> level given organisation-wide
    reach: dict = field(default_factory=dict)  # (resource, level) -> groups of group-bound roles

    @property
    def manager(self) -> bool:
        """The учебная часть: writes every sheet, retake and deadline of the organisation."""
        return self.org_levels.get(SHEETS, 0) >= 2

    @property
    def keeps_debts(self) -> bool:
        """Sets the deadlines of liquidating the debts (the учебная часть)."""
        return self.org_levels.get(DEBTS, 0) >= 2

    def reads_debts_of(self) -> tuple[int, ...] | None:
        """Groups whose debts the user sees; None: every group of the organisation."""
        if self.org_levels.get(DEBTS, 0) >= 1:
            return None
        return tuple(self.reach.get((DEBTS, 1), ()))

    def fills(self, group_id: int, examiner_id: int) -> bool:
        return self.manager or (self.person_id is not None and examiner_id == self.person_id
                                and group_id in self.reach.get((SHEETS, 2), ()))


SYSTEM_ACCESS = Access(org_levels={SHEETS: 2, DEBTS: 2})


def access_for(session, account) -> Access:
    """The access of ``account`` (the current user on a page) by its roles in its organisation."""
    from app.roles import SYSTEM_ADMIN
    from app.security import group_reach, host, role_levels

    if account is None or not getattr(account, "is_authenticated", False):
        return Access()
    if SYSTEM_ADMIN in {r.name for r in account.roles}:
        return SYSTEM_ACCESS
    per_role = role_levels(session, account, account.org_id or None)
    specs = host().roles
    org_levels: dict[str, int] = {}
    for role, levels in per_role.items():
        if role in specs and specs[role].scope != SCOPE_GROUPS:
            for resource in (SHEETS, DEBTS):
                org_levels[resource] = max(org_levels.get(resource, 0), levels.get(resource, 0))
    return Access(account.person_id, org_levels, group_reach(session, account, per_role))


# --- scales and results ------------------------------------------------------------------

def scale_of(host, kind: str) -> MarkScale:
    """Зачёт takes «зч» / «нз»; every other kind (экзамен, диф. зачёт, курсовая работа,
    экзамен квалификационный) a mark of five points."""
    return host.mark_scales[PASS_FAIL if kind == "credit" else FIVE_POINT]


def choices(host, kind: str) -> list[tuple[str, str]]:
    """(code, label) of what may be entered on a sheet of ``kind``."""
    return [(v.value, v.label) for v in scale_of(host, kind).values] + [(c, str(l)) for c, l in OTHER_CHOICES.items()]


def parse_result(host, kind: str, code: str) -> tuple[str, str, str] | None:
    """(outcome, value, absence reason) of a typed choice; None: left empty."""
    code = (code or "").strip()
    if not code:
        return None
    if code == ABSENT_VALID:
        return ABSENT, "", VALID
    if code == ABSENT_INVALID:
        return ABSENT, "", INVALID
    if code == NOT_ADMITTED:
        return NOT_ADMITTED, "", ""
    scale = scale_of(host, kind)
    if not scale.allows(code):
        raise RuleError("R3", _l("Отметка «%(value)s» не из шкалы «%(scale)s» (%(allowed)s) для вида «%(kind)s».",
                                 value=code, scale=scale.name, allowed=", ".join(v.value for v in scale.values),
                                 kind=KINDS.get(kind, kind)))
    return MARK, code, ""


def result_code(outcome: str | None, value: str | None, reason: str | None) -> str:
    """The form's choice for a stored result."""
    if outcome == MARK:
        return value or ""
    if outcome == ABSENT:
        return ABSENT_VALID if reason == VALID else ABSENT_INVALID
    return NOT_ADMITTED if outcome == NOT_ADMITTED else ""


def result_text(host, kind: str, outcome: str | None, value: str | None, reason: str | None) -> str:
    """A result written out: «4 (хорошо)», «неявка (уважительная причина)», «недопуск»."""
    if outcome == MARK:
        labels = {v.value: v.label for v in scale_of(host, kind).values}
        return str(labels.get(value, value))
    code = result_code(outcome, value, reason)
    return str(OTHER_CHOICES[code]) if code in OTHER_CHOICES else ""


def is_debt(host, kind: str, outcome: str | None, value: str | None, reason: str | None) -> bool:
    """An academic debt: a failing mark (2, нз), «неявка» without a valid reason, «недопуск»."""
    if outcome == MARK:
        return any(v.value == value and v.is_failing for v in scale_of(host, kind).values)
    return outcome == NOT_ADMITTED or (outcome == ABSENT and reason != VALID)


def is_pass(host, kind: str, outcome: str | None, value: str | None) -> bool:
    return outcome == MARK and any(v.value == value and not v.is_failing for v in scale_of(host, kind).values)


# --- helpers ---------------------------------------------------------------------------------

def _id(value, message) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleError("R3", message) from None


def _date(value, label) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except (TypeError, ValueError):
        raise RuleError("R3", _l("«%(label)s»: укажите дату.", label=label)) from None


def semester_of(session, period: Period) -> Period:
    """The semester a session follows: its final marks are the ones the session sets."""
    semester = session.scalar(
        select(Period).where(Period.year_id == period.year_id, Period.plugin == period.plugin,
                             Period.type_code == "semester", Period.order < period.order)
        .order_by(Period.order.desc()))
    if semester is None:
        raise RuleError("R4", _l("Перед сессией «%(name)s» в учебном году нет семестра.", name=period.name))
    return semester


def session_after(session, period: Period) -> Period | None:
    """The session following a semester, whose sheets set the semester's final marks (so
    they are on time until its last day); None for any other period. Read once a
    transaction: every final mark saved asks."""
    if period.type_code != "semester":
        return None
    cache = transaction_cache(session).setdefault("sessions_after", {})
    if period.id not in cache:
        cache[period.id] = session.scalar(
            select(Period).where(Period.year_id == period.year_id, Period.plugin == period.plugin,
                                 Period.type_code == "session", Period.order > period.order)
            .order_by(Period.order))
    return cache[period.id]


def _sheet(session, sheet_id) -> ExamSheet:
    sheet = session.get(ExamSheet, _id(sheet_id, _l("Ведомость не найдена.")))
    if sheet is None:
        raise RuleError("R10", _l("Ведомость не найдена или вам недоступна."))
    return sheet


def _staff(session, org_id: int, staff_id) -> Staff:
    staff = session.get(Staff, _id(staff_id, _l("Укажите экзаменатора.")))
    if staff is None or staff.org_id != org_id:
        raise RuleError("R10", _l("Экзаменатор не найден среди сотрудников организации."))
    return staff


def _require_manager(access: Access) -> None:
    if not access.manager:
        raise RuleError("R10", _l("Это делает учебная часть."))


def sheet_learners(session, sheet: ExamSheet) -> list[Learner]:
    """The group's students on the sheet's day (those who left before it are not on it)."""
    return list(session.scalars(
        select(Learner).where(Learner.group_id == sheet.group_id)
        .where((Learner.left_on.is_(None)) | (Learner.left_on >= sheet.date))
        .order_by(Learner.last_name, Learner.first_name, Learner.middle_name, Learner.id)))


# --- sheets --------------------------------------------------------------------------------

def create_sheet(session, host, access: Access, *, group_id, subject_id, session_id, kind, examiner_id,
                 date) -> ExamSheet:
    _require_manager(access)
    group = session.get(LearnerGroup, _id(group_id, _l("Укажите группу.")))
    kinds = {k for k, v in host.group_kinds.items() if v.plugin == PLUGIN}
    if group is None or group.kind not in kinds:
        raise RuleError("R10", _l("Учебная группа не найдена."))
    period = session.get(Period, _id(session_id, _l("Укажите сессию.")))
    if period is None or period.type_code != "session" or period.year_id != group.year_id:
        raise RuleError("R4", _l("Сессия не найдена в учебном году группы."))
    subject = session.get(Subject, _id(subject_id, _l("Укажите дисциплину.")))
    if subject is None or subject.org_id != group.org_id:
        raise RuleError("R8", _l("Дисциплина не найдена."))
    if kind not in KINDS:
        raise RuleError("R3", _l("Укажите вид аттестации."))
    examiner = _staff(session, group.org_id, examiner_id)
    day = _date(date, _l("Дата"))
    semester = semester_of(session, period)
    if not semester.start <= day <= period.end:
        raise RuleError("R4", _l("Дата аттестации — с %(start)s по %(end)s (семестр и сессия).",
                                 start=f"{semester.start:%d.%m.%Y}", end=f"{period.end:%d.%m.%Y}"))
    if session.scalar(select(ExamSheet.id).where(ExamSheet.group_id == group.id, ExamSheet.subject_id == subject.id,
                                                 ExamSheet.period_id == semester.id)) is not None:
        raise RuleError("R4", _l("Ведомость по дисциплине «%(subject)s» за %(semester)s у группы уже есть.",
                                 subject=subject.name, semester=semester.name))
    sheet = ExamSheet(org_id=group.org_id, group_id=group.id, subject_id=subject.id, session_id=period.id,
                      period_id=semester.id, kind=kind, examiner_id=examiner.id, date=day)
    session.add(sheet)
    session.flush()
    return sheet


def fill_sheet(session, host, access: Access, sheet_id, entries: dict, version=None) -> ExamSheet:
    """Save the results typed on the sheet's form: ``entries`` learner id → choice code
    (a mark, ``absent_valid``, ``absent_invalid``, ``not_admitted``; empty clears it).
    The whole form is refused at the first wrong entry: nothing of it is saved."""
    sheet = _sheet(session, sheet_id)
    if not access.fills(sheet.group_id, sheet.examiner_id):
        raise RuleError("R10", _l("Ведомость заполняет её экзаменатор или учебная часть."))
    if sheet.closed:
        raise RuleError("R16", _l("Ведомость закрыта: изменить её можно, только если учебная часть её откроет."))
    if version not in (None, "") and _id(version, _l("Ведомость изменилась.")) != sheet.version:
        raise RuleError("R16", _l("Ведомость уже изменил другой пользователь: откройте её заново."))
    if sheet.date > clock.today():
        raise RuleError("R4", _l("Результаты вносятся не раньше дня аттестации (%(date)s).",
                                 date=f"{sheet.date:%d.%m.%Y}"))
    learners = {l.id: l for l in sheet_learners(session, sheet)}
    parsed = {}
    for raw_id, code in entries.items():
        learner_id = _id(raw_id, _l("Студент не найден."))
        if learner_id not in learners:
            raise RuleError("R10", _l("Студент не из группы этой ведомости."))
        try:
            parsed[learner_id] = parse_result(host, sheet.kind, code)
        except RuleError as exc:
            raise RuleError(exc.rule, f"{learners[learner_id].full_name}: {exc}") from None
    existing = {r.learner_id: r for r in session.scalars(
        select(ExamResult).where(ExamResult.sheet_id == sheet.id, ExamResult.learner_id.in_(list(parsed))))}
    for learner_id, result in parsed.items():
        row = existing.get(learner_id)
        if result is None:
            if row is not None:
                session.delete(row)  # the audit log keeps what it was
            continue
        outcome, value, reason = result
        if row is None:
            session.add(ExamResult(org_id=sheet.org_id, sheet_id=sheet.id, learner_id=learner_id, outcome=outcome,
                                   value=value, absence_reason=reason))
        elif (row.outcome, row.value or "", row.absence_reason or "") != (outcome, value, reason):
            row.outcome, row.value, row.absence_reason = outcome, value, reason
    sheet.saved_at = clock.now()  # a new version: a second form open on the same sheet is refused
    session.flush()
    return sheet


def close_sheet(session, host, access: Access, sheet_id) -> ExamSheet:
    """Close a complete sheet and set the semester's final marks of the discipline from it."""
    _require_manager(access)
    sheet = _sheet(session, sheet_id)
    if sheet.closed:
        raise RuleError("R16", _l("Ведомость уже закрыта."))
    learners = sheet_learners(session, sheet)
    results = {r.learner_id: r for r in session.scalars(select(ExamResult).where(ExamResult.sheet_id == sheet.id))}
    missing = [l.full_name for l in learners if l.id not in results]
    if missing:
        raise RuleError("R4", _l("Ведомость нельзя закрыть: нет результата у студентов: %(names)s.",
                                 names=", ".join(missing)))
    # Only a mark is a final one; «неявка» and «недопуск» leave none (never «н/а», R3).
    finals = {l.id: (results[l.id].value if results[l.id].outcome == MARK else "") for l in learners}
    write_finals(session, host, sheet, finals, {l.id: l.full_name for l in learners})
    sheet.closed, sheet.closed_at = True, clock.now()
    session.flush()
    return sheet


def reopen_sheet(session, access: Access, sheet_id, reason: str) -> ExamSheet:
    _require_manager(access)
    sheet = _sheet(session, sheet_id)
    if not sheet.closed:
        raise RuleError("R16", _l("Ведомость не закрыта."))
    reason = (reason or "").strip()
    if not reason:
        raise RuleError("R16", _l("Укажите, почему ведомость открывается снова."))
    if session.scalar(select(ExamRetake.id).where(ExamRetake.sheet_id == sheet.id).limit(1)) is not None:
        raise RuleError("R16", _l("По ведомости уже назначены пересдачи: открыть её нельзя."))
    sheet.closed, sheet.closed_at, sheet.reopen_reason = False, None, reason
    session.flush()
    return sheet


def write_finals(session, host, sheet: ExamSheet, values: dict[int, str], names: dict[int, str]) -> None:
    """Set the semester's final marks of the discipline through the core's path (an empty
    value removes one); a refusal of any of them refuses the whole operation."""
    from app.services.journal import save_finals

    current = {f.learner_id: f for f in session.scalars(select(FinalMark).where(
        FinalMark.subject_id == sheet.subject_id, FinalMark.period_id == sheet.period_id,
        FinalMark.learner_id.in_(list(values))))}
    changes = []
    for learner_id, value in values.items():
        row = current.get(learner_id)
        if (row.value if row else "") == value:
            continue
        changes.append({"key": str(learner_id), "kind": "final", "group_id": sheet.group_id,
                        "subject_id": sheet.subject_id, "period_id": sheet.period_id, "learner_id": learner_id,
                        "value": value, "version": row.version if row else None})
    refused = [r for r in save_finals(session, host, changes, clock.now()) if r.status != "saved"]
    if refused:
        raise RuleError("R4", _l("Итоговые отметки не записаны: %(why)s",
                                 why="; ".join(f"{names.get(int(r.key), r.key)}: {r.message}" for r in refused)))


# --- retakes ----------------------------------------------------------------------------------

def max_retakes(session, host, org_id: int) -> int:
    return int(host.setting(session.get(Organisation, org_id), PLUGIN, "retake_attempts"))


def add_retake(session, host, access: Access, *, sheet_id, learner_id, date, examiner_id,
               commission: str = "") -> ExamRetake:
    """A retake sheet for a student whose last result on the discipline is a debt."""
    _require_manager(access)
    sheet = _sheet(session, sheet_id)
    if not sheet.closed:
        raise RuleError("R4", _l("Пересдача назначается после закрытия ведомости."))
    learner_id = _id(learner_id, _l("Укажите студента."))
    first = session.scalar(select(ExamResult).where(ExamResult.sheet_id == sheet.id,
                                                    ExamResult.learner_id == learner_id))
    if first is None:
        raise RuleError("R10", _l("Студента нет в ведомости."))
    retakes = list(session.scalars(select(ExamRetake).where(ExamRetake.sheet_id == sheet.id,
                                                            ExamRetake.learner_id == learner_id)
                                   .order_by(ExamRetake.number)))
    if retakes and not retakes[-1].closed:
        raise RuleError("R4", _l("Предыдущая пересдача ещё не проведена (%(date)s).",
                                 date=f"{retakes[-1].date:%d.%m.%Y}"))
    last = retakes[-1] if retakes else first
    if not is_debt(host, sheet.kind, last.outcome, last.value, last.absence_reason):
        raise RuleError("R4", _l("У студента нет академической задолженности по этой дисциплине: "
                                 "пересдача не назначается."))
    allowed = max_retakes(session, host, sheet.org_id)
    number = len(retakes) + 1
    if number > allowed:
        raise RuleError("R4", _l("Пересдач может быть не больше %(n)s: все они использованы.", n=allowed))
    commission = (commission or "").strip()
    if number >= 2 and not commission:
        raise RuleError("R4", _l("Вторая пересдача проводится комиссией: укажите её состав."))
    day = _date(date, _l("Дата пересдачи"))
    if day <= (retakes[-1].date if retakes else sheet.date):
        raise RuleError("R4", _l("Пересдача — позже предыдущей попытки (%(date)s).",
                                 date=f"{(retakes[-1].date if retakes else sheet.date):%d.%m.%Y}"))
    examiner = _staff(session, sheet.org_id, examiner_id)
    retake = ExamRetake(org_id=sheet.org_id, sheet_id=sheet.id, learner_id=learner_id, number=number, date=day,
                        examiner_id=examiner.id, commission=commission)
    session.add(retake)
    session.flush()
    return retake


def fill_retake(session, host, access: Access, retake_id, code: str) -> ExamRetake:
    """Enter the retake's result (which closes it); a passing one replaces the final mark."""
    retake = session.get(ExamRetake, _id(retake_id, _l("Пересдача не найдена.")))
    if retake is None:
        raise RuleError("R10", _l("Пересдача не найдена или вам недоступна."))
    sheet = _sheet(session, retake.sheet_id)
    if not access.fills(sheet.group_id, retake.examiner_id):
        raise RuleError("R10", _l("Результат пересдачи вносит её экзаменатор или учебная часть."))
    if retake.closed:
        raise RuleError("R16", _l("Результат пересдачи уже внесён."))
    if retake.date > clock.today():
        raise RuleError("R4", _l("Результат вносится не раньше дня пересдачи (%(date)s).",
                                 date=f"{retake.date:%d.%m.%Y}"))
    result = parse_result(host, sheet.kind, code)
    if result is None:
        raise RuleError("R3", _l("Укажите результат пересдачи."))
    retake.outcome, retake.value, retake.absence_reason = result
    retake.closed = True
    if is_pass(host, sheet.kind, retake.outcome, retake.value):
        learner = session.get(Learner, retake.learner_id)
        write_finals(session, host, sheet, {retake.learner_id: retake.value},
                     {retake.learner_id: learner.full_name if learner else ""})
    session.flush()
    return retake


# --- academic debts -------------------------------------------------------------------------------

def set_deadline(session, access: Access, session_id, date) -> DebtDeadline:
    if not access.keeps_debts:
        raise RuleError("R10", _l("Срок ликвидации задолженностей устанавливает учебная часть."))
    period = session.get(Period, _id(session_id, _l("Укажите сессию.")))
    if period is None or period.type_code != "session":
        raise RuleError("R4", _l("Сессия не найдена."))
    day = _date(date, _l("Срок ликвидации задолженностей"))
    if day < period.end:
        raise RuleError("R4", _l("Срок ликвидации задолженностей — не раньше конца сессии (%(date)s).",
                                 date=f"{period.end:%d.%m.%Y}"))
    row = session.scalar(select(DebtDeadline).where(DebtDeadline.session_id == period.id))
    if row is None:
        row = DebtDeadline(org_id=period.org_id, session_id=period.id, deadline=day)
        session.add(row)
    else:
        row.deadline = day
    session.flush()
    return row


def deadlines(session, host, periods: list[Period]) -> dict[int, dt.date]:
    """session id → the date its debts are to be liquidated by: the учебная часть's
    date, else the session's end plus the organisation's rule setting."""
    ids = [p.id for p in periods]
    own = dict(session.execute(select(DebtDeadline.session_id, DebtDeadline.deadline)
                               .where(DebtDeadline.session_id.in_(ids))).all()) if ids else {}
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_({p.org_id for p in periods})))} if ids else {}
    return {p.id: own.get(p.id) or p.end + dt.timedelta(
        days=int(host.setting(orgs[p.org_id], PLUGIN, "debt_liquidation_days"))) for p in periods}


@dataclass
class Attempt:
    label: str  # «Ведомость», «Пересдача 1», «Пересдача 2 (комиссия)»
    date: dt.date
    result: str  # written out; empty: not held yet
    examiner: str = ""
    commission: str = ""


@dataclass
class Debt:
    learner_id: int
    learner: str
    group_id: int
    group: str
    sheet_id: int
    subject: str
    kind: str
    session_id: int
    session_name: str
    result: str  # the last result, written out
    retakes_used: int
    retakes_left: int
    deadline: dt.date
    overdue: bool
    next_retake: dt.date | None = None  # a retake appointed and not held yet


def debts(session, host, *, group_ids=None, session_id=None, overdue_only: bool = False) -> list[Debt]:
    """Academic debts on closed sheets: the student's last result on the discipline is a
    debt. ``group_ids`` None: every group the session may read. A fixed number of queries."""
    q = (select(ExamSheet, Subject.name, LearnerGroup.name, Period)
         .join(Subject, Subject.id == ExamSheet.subject_id)
         .join(LearnerGroup, LearnerGroup.id == ExamSheet.group_id)
         .join(Period, Period.id == ExamSheet.session_id)
         .where(ExamSheet.closed.is_(True)))
    if group_ids is not None:
        q = q.where(ExamSheet.group_id.in_(list(group_ids)))
    if session_id is not None:
        q = q.where(ExamSheet.session_id == session_id)
    rows = session.execute(q).all()
    if not rows:
        return []
    sheets = {sheet.id: (sheet, subject, group, period) for sheet, subject, group, period in rows}
    periods = {period.id: period for _s, _n, _g, period in rows}
    due = deadlines(session, host, list(periods.values()))
    today = clock.today()
    retakes = defaultdict(list)
    for retake in session.scalars(select(ExamRetake).where(ExamRetake.sheet_id.in_(list(sheets)))
                                  .order_by(ExamRetake.number)):
        retakes[(retake.sheet_id, retake.learner_id)].append(retake)
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(
        Organisation.id.in_({s.org_id for s, *_ in sheets.values()})))}
    out = []
    for result, learner in session.execute(
            select(ExamResult, Learner).join(Learner, Learner.id == ExamResult.learner_id)
            .where(ExamResult.sheet_id.in_(list(sheets)), (Learner.left_on.is_(None)) | (Learner.left_on >= today))):
        sheet, subject, group, period = sheets[result.sheet_id]
        tries = retakes.get((sheet.id, learner.id), [])
        held = [r for r in tries if r.closed]
        last = held[-1] if held else result
        if not is_debt(host, sheet.kind, last.outcome, last.value, last.absence_reason):
            continue
        deadline = due[period.id]
        overdue = deadline < today
        if overdue_only and not overdue:
            continue
        allowed = int(host.setting(orgs[sheet.org_id], PLUGIN, "retake_attempts"))
        pending = [r for r in tries if not r.closed]
        out.append(Debt(learner.id, learner.full_name, sheet.group_id, group, sheet.id, subject,
                        str(KINDS.get(sheet.kind, sheet.kind)), period.id, period.name,
                        result_text(host, sheet.kind, last.outcome, last.value, last.absence_reason),
                        len(tries), max(0, allowed - len(tries)), deadline, overdue,
                        pending[0].date if pending else None))
    out.sort(key=lambda d: (d.group, d.learner, d.learner_id, d.subject))
    return out


def attempts(host, sheet: ExamSheet, result: ExamResult | None, retakes: list[ExamRetake],
             names: dict[int, str]) -> list[Attempt]:
    """The first result and every retake of one student, in order: both stay visible."""
    out = [Attempt(str(_l("Ведомость")), sheet.date,
                   result_text(host, sheet.kind, result.outcome, result.value, result.absence_reason) if result else "",
                   names.get(sheet.examiner_id, ""))]
    for r in retakes:
        label = str(_l("Пересдача %(n)s", n=r.number))
        if r.commission:
            label += " " + str(_l("(комиссия)"))
        out.append(Attempt(label, r.date, result_text(host, sheet.kind, r.outcome, r.value, r.absence_reason)
                           if r.closed else "", names.get(r.examiner_id, ""), r.commission or ""))
    return out
