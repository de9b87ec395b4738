"""Загрузка обучающихся с законными представителями из XLSX или CSV: THE service of the
import (the page «Загрузка из файлов» and ``flask import learners`` both call it).

``parse`` reads and checks the whole file against the organisation and says what
would be done, writing nothing; ``apply`` does it in the caller's transaction (the
caller commits, or rolls back: all or nothing). Rows are written straight to the
models, as every service of the app writes them: the audit log records each
inserted and changed row on flush (``app.audit``), the write guard checks each
(``app.scoping``).

Matching, within the organisation: a learner by СНИЛС, else by ФИО and birth date
(a re-import updates, never duplicates); a guardian by ФИО and phone, or ФИО and
e-mail (two siblings' mother is one person with two links), and, without either,
among the guardians already linked to the same learner by ФИО.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..models import AcademicYear, Guardian, GuardianLink, Learner, LearnerGroup
from ..models.movement import ENROL, MovementOrder
from .people import EMAIL_RE, GENDERS, digits_of, name_key, phone_key, snils_format, snils_ok
from .reading import RowError, begin, data_rows, norm, parse_date, read_table
from .reading import template_csv as _template_csv
from .reading import template_xlsx as _template_xlsx

KIND = "learners"
TITLE = _l("Обучающиеся и законные представители")
GUARDIAN_FIELDS = ("ФИО", "кем приходится", "телефон", "e-mail")
GUARDIANS = (1, 2)
COLUMNS = ("Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Класс", "СНИЛС", "Дата зачисления",
           "Номер приказа", *(f"Представитель {n}: {f}" for n in GUARDIANS for f in GUARDIAN_FIELDS))
REQUIRED = ("Фамилия", "Имя", "Дата рождения", "Класс")
SYNONYMS = {
    "Группа": "Класс", "Класс/группа": "Класс", "Класс / группа": "Класс", "Учебная группа": "Класс",
    "Дата рожд": "Дата рождения", "Д.р": "Дата рождения", "Дата рождения (ДД.ММ.ГГГГ)": "Дата рождения",
    "СНИЛС обучающегося": "СНИЛС", "Зачислен": "Дата зачисления", "Дата приказа": "Дата зачисления",
    "Приказ": "Номер приказа", "№ приказа": "Номер приказа", "Приказ о зачислении": "Номер приказа",
    **{f"{who} {n}{sep} {alias}": f"Представитель {n}: {own}"
       for n in GUARDIANS for who in ("Представитель", "Родитель", "Законный представитель")
       for sep in (":", "", " -", ",")
       for own, aliases in (("ФИО", ("ФИО", "Ф.И.О")), ("кем приходится", ("кем приходится", "степень родства",
                                                                          "родство")),
                            ("телефон", ("телефон", "тел")), ("e-mail", ("e-mail", "email", "эл. почта",
                                                                          "электронная почта")))
       for alias in aliases},
}
BATCH = 500


# --------------------------------------------------------------------------
# The plan of an import
# --------------------------------------------------------------------------
@dataclass
class GuardianOp:
    row: int
    name: str
    existing: Guardian | None
    values: dict
    changes: list[str] = field(default_factory=list)
    obj: Guardian | None = None

    @property
    def action(self) -> str:
        return "create" if self.existing is None else ("update" if self.changes else "same")


@dataclass
class LinkOp:
    guardian: GuardianOp
    relation: str
    existing: GuardianLink | None


@dataclass
class LearnerOp:
    row: int
    name: str
    group: LearnerGroup
    existing: Learner | None
    values: dict
    changes: list[str] = field(default_factory=list)
    order: tuple[dt.date, str] | None = None  # the enrolment order: its date and number (or "")
    links: list[LinkOp] = field(default_factory=list)

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        if self.changes or self.order or any(
                link.existing is None or (link.relation and link.existing.relation != link.relation)
                for link in self.links):
            return "update"
        return "same"


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    learners: list[LearnerOp] = field(default_factory=list)
    guardians: list[GuardianOp] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.learners)

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "same": 0}
        for op in self.learners:
            out[op.action] += 1
        out["guardians_create"] = sum(1 for g in self.guardians if g.action == "create")
        out["guardians_update"] = sum(1 for g in self.guardians if g.action == "update")
        out["links_create"] = sum(1 for op in self.learners for link in op.links if link.existing is None)
        out["orders"] = sum(1 for op in self.learners if op.order)
        return out


LABELS = {"last_name": "Фамилия", "first_name": "Имя", "middle_name": "Отчество", "birth_date": "Дата рождения",
          "gender": "Пол", "snils": "СНИЛС", "group": "Класс", "enrolled_on": "Дата зачисления",
          "phone": "телефон", "email": "e-mail"}


# --------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------
def template_csv() -> bytes:
    return _template_csv(COLUMNS)


def template_xlsx() -> bytes:
    # Dates, СНИЛС, order numbers and phones as text: a spreadsheet must not turn «01.09.2026»
    # or «001-…» into something else.
    return _template_xlsx(COLUMNS, "Обучающиеся", ("Дата рождения", "СНИЛС", "Дата зачисления", "Номер приказа",
                                                  "Представитель 1: телефон", "Представитель 2: телефон"))


# --------------------------------------------------------------------------
# Parsing and checking
# --------------------------------------------------------------------------
def _groups_by_name(session, org_id: int) -> dict[str, LearnerGroup]:
    """Name → group of the organisation's open years; where a name repeats, the year of today."""
    today = clock.today()
    rows = session.execute(select(LearnerGroup, AcademicYear)
                           .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
                           .where(LearnerGroup.org_id == org_id, AcademicYear.closed.is_(False))).all()

    def rank(pair):
        _group, year = pair
        return (year.start <= today <= year.end, year.start)

    out: dict[str, LearnerGroup] = {}
    for group, year in sorted(rows, key=rank):
        out[norm(group.name).replace(" ", "")] = group  # the best year comes last and wins
    return out


class _Index:
    """What the organisation already has, loaded once (a constant number of queries)."""

    def __init__(self, session, org_id: int):
        self.groups = _groups_by_name(session, org_id)
        learners = session.scalars(select(Learner).where(Learner.org_id == org_id)).all()
        self.by_snils = {digits_of(x.snils): x for x in learners if x.snils}
        self.by_name = {(name_key(x.last_name, x.first_name, x.middle_name), x.birth_date): x for x in learners}
        # Without the patronymic (one side lacks it): only where that leaves one learner.
        self.by_short: dict[tuple, Learner | None] = {}
        for x in learners:
            key = (name_key(x.last_name, x.first_name), x.birth_date)
            self.by_short[key] = None if key in self.by_short else x

        guardians = session.scalars(select(Guardian).where(Guardian.org_id == org_id)).all()
        self.guardians: dict[tuple, Guardian] = {}
        for g in guardians:
            name = name_key(g.last_name, g.first_name, g.middle_name)
            if phone_key(g.phone):
                self.guardians.setdefault(("phone", name, phone_key(g.phone)), g)
            if g.email:
                self.guardians.setdefault(("email", name, g.email.strip().lower()), g)
        by_id = {g.id: g for g in guardians}
        self.links: dict[tuple[int, int], GuardianLink] = {}
        self.linked: dict[int, dict[str, Guardian]] = {}  # learner → his guardians by name
        for link in session.scalars(select(GuardianLink).where(GuardianLink.org_id == org_id)):
            self.links[(link.guardian_id, link.learner_id)] = link
            g = by_id.get(link.guardian_id)
            if g is not None:
                self.linked.setdefault(link.learner_id, {})[name_key(g.last_name, g.first_name, g.middle_name)] = g

    def learner(self, snils: str, last: str, first: str, middle: str, birth) -> Learner | None:
        found = self.by_snils.get(snils) if snils else None
        found = found or self.by_name.get((name_key(last, first, middle), birth))
        if found is None:
            short = self.by_short.get((name_key(last, first), birth))
            if short is not None and (not middle or not short.middle_name):
                found = short
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
    seen_snils: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    seen_existing: dict[int, int] = {}
    file_guardians: dict[tuple, GuardianOp] = {}
    today = clock.today()

    for number, v in data_rows(body, columns, progress):
        row_errors: list[RowError] = []

        def bad(column, message, _number=number, _errors=row_errors):
            _errors.append(RowError(_number, column, str(message)))

        last, first, middle = v.get("Фамилия", ""), v.get("Имя", ""), v.get("Отчество", "")
        for column, value in (("Фамилия", last), ("Имя", first)):
            if not value:
                bad(column, _l("не заполнено"))
        for column, value in (("Фамилия", last), ("Имя", first), ("Отчество", middle)):
            if len(value) > 100:
                bad(column, _l("длиннее 100 знаков"))
        birth = None
        raw = v.get("Дата рождения", "")
        if not raw:
            bad("Дата рождения", _l("не заполнено"))
        else:
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
        group = None
        raw = v.get("Класс", "")
        if not raw:
            bad("Класс", _l("не заполнено"))
        else:
            group = index.groups.get(norm(raw).replace(" ", ""))
            if group is None:
                bad("Класс", _l("«%(value)s» — такого класса (группы) нет в организации", value=raw))
        snils = ""
        raw = v.get("СНИЛС", "")
        if raw:
            digits = digits_of(raw)
            if len(digits) != 11 or re.search(r"[^\d\s-]", raw):
                bad("СНИЛС", _l("%(value)s — СНИЛС состоит из 11 цифр", value=raw))
            elif not snils_ok(digits):
                bad("СНИЛС", _l("%(value)s — неверное контрольное число", value=raw))
            else:
                snils = digits
        enrolled = None
        raw = v.get("Дата зачисления", "")
        if raw:
            enrolled, why = parse_date(raw)
            if why:
                bad("Дата зачисления", why)
            elif birth and enrolled < birth:
                bad("Дата зачисления", _l("%(value)s — раньше даты рождения", value=raw))
                enrolled = None
        order_number = v.get("Номер приказа", "")
        if len(order_number) > 40:
            bad("Номер приказа", _l("длиннее 40 знаков"))
        elif order_number and not v.get("Дата зачисления"):
            bad("Дата зачисления", _l("указан номер приказа, но не дата зачисления"))

        # Guardians of the row: checked cells first.
        guardian_values = []
        for n in GUARDIANS:
            col = {f: f"Представитель {n}: {f}" for f in GUARDIAN_FIELDS}
            g = {f: v.get(c, "") for f, c in col.items()}
            if not any(g.values()):
                continue
            parts = g["ФИО"].split()
            ok = True
            if not parts:
                bad(col["ФИО"], _l("не заполнено, хотя заполнены другие сведения о представителе"))
                ok = False
            elif len(parts) < 2:
                bad(col["ФИО"], _l("«%(value)s» — укажите фамилию и имя", value=g["ФИО"]))
                ok = False
            elif any(len(p) > 100 for p in parts):
                bad(col["ФИО"], _l("длиннее 100 знаков"))
                ok = False
            if len(g["кем приходится"]) > 40:
                bad(col["кем приходится"], _l("длиннее 40 знаков"))
                ok = False
            if g["телефон"] and not 10 <= len(digits_of(g["телефон"])) <= 15:
                bad(col["телефон"], _l("«%(value)s» — не номер телефона", value=g["телефон"]))
                ok = False
            elif len(g["телефон"]) > 40:
                bad(col["телефон"], _l("длиннее 40 знаков"))
                ok = False
            if g["e-mail"] and (not EMAIL_RE.fullmatch(g["e-mail"]) or len(g["e-mail"]) > 200):
                bad(col["e-mail"], _l("«%(value)s» — не адрес электронной почты", value=g["e-mail"]))
                ok = False
            if ok:
                guardian_values.append((n, parts, g))

        # The learner: in the file already? In the organisation?
        existing = None
        learner_key = (name_key(last, first, middle), birth)
        if snils and snils in seen_snils:
            bad("СНИЛС", _l("этот обучающийся уже есть в строке %(row)s", row=seen_snils[snils]))
        elif birth and last and first and learner_key in seen_names:
            bad("Фамилия", _l("этот обучающийся уже есть в строке %(row)s", row=seen_names[learner_key]))
        elif birth and last and first:
            existing = index.learner(snils, last, first, middle, birth)
            if existing is not None and existing.id in seen_existing:
                bad("Фамилия", _l("этот обучающийся уже есть в строке %(row)s", row=seen_existing[existing.id]))
            elif existing is not None and snils and existing.snils and digits_of(existing.snils) != snils:
                bad("СНИЛС", _l("у обучающегося %(name)s в журнале другой СНИЛС: %(snils)s",
                                name=existing.full_name, snils=existing.snils))
            elif existing is not None and group is not None:
                if existing.left_on is not None:
                    bad("Класс", _l("обучающийся выбыл %(day)s: восстановление оформляется в книге движения",
                                    day=f"{existing.left_on:%d.%m.%Y}"))
                elif existing.group_id is not None and existing.group_id != group.id:
                    bad("Класс", _l("обучающийся числится в классе (группе) %(group)s: перевод оформляется в "
                                    "книге движения", group=existing.group.name if existing.group else "?"))
        if snils:
            seen_snils.setdefault(snils, number)
        if birth and last and first:
            seen_names.setdefault(learner_key, number)
        if existing is not None:
            seen_existing.setdefault(existing.id, number)
        if row_errors:
            errors.extend(row_errors)
            continue

        values = {"last_name": last, "first_name": first, "middle_name": middle, "birth_date": birth,
                  "gender": gender, "snils": snils_format(snils) if snils else ""}
        op = LearnerOp(number, " ".join(p for p in (last, first, middle) if p), group, existing, values)
        if existing is None:
            op.values["enrolled_on"] = enrolled
            if enrolled:
                op.order = (enrolled, order_number)
        else:
            for key, value in values.items():
                if value and getattr(existing, key) != value:
                    op.changes.append(LABELS[key])
            if existing.group_id is None:
                op.changes.append(LABELS["group"])
                if enrolled:
                    op.values["enrolled_on"] = enrolled
                    op.order = (enrolled, order_number)

        for n, parts, g in guardian_values:
            op.links.append(_guardian_link(plan, index, file_guardians, op, number, parts, g))
        plan.learners.append(op)
    if not errors and not plan.learners:
        errors.append(RowError(header_row + 1, "Фамилия", str(_l("в файле нет ни одного обучающегося"))))
    return plan


def _guardian_link(plan: Plan, index: _Index, file_guardians: dict, op: LearnerOp, number: int, parts: list[str],
                   g: dict) -> LinkOp:
    last, first, middle = parts[0], parts[1], " ".join(parts[2:])
    name = name_key(last, first, middle)
    phone, email = g["телефон"], g["e-mail"].strip()
    keys = []
    if phone_key(phone):
        keys.append(("phone", name, phone_key(phone)))
    if email:
        keys.append(("email", name, email.lower()))
    found = next((file_guardians[k] for k in keys if k in file_guardians), None)
    if found is None:
        existing = next((index.guardians[k] for k in keys if k in index.guardians), None)
        if existing is None and op.existing is not None:  # no contacts: the learner's own guardian by name
            existing = index.linked.get(op.existing.id, {}).get(name)
        if existing is not None:
            # Already a guardian of this file under another key (e.g. with an e-mail added)?
            found = next((x for x in plan.guardians if x.existing is existing), None)
        if found is None:
            values = {"last_name": last, "first_name": first, "middle_name": middle, "phone": phone, "email": email}
            found = GuardianOp(number, " ".join(parts), existing, values)
            if existing is not None:
                for key in ("phone", "email"):
                    if values[key] and (getattr(existing, key) or "") != values[key] and not (
                            key == "phone" and phone_key(existing.phone) == phone_key(phone)):
                        found.changes.append(LABELS[key])
            plan.guardians.append(found)
    else:  # seen in the file: contacts another row adds
        for key, value in (("phone", phone), ("email", email)):
            if value and not found.values.get(key):
                found.values[key] = value
                if found.existing is not None and LABELS[key] not in found.changes:
                    found.changes.append(LABELS[key])
    for k in keys:
        file_guardians.setdefault(k, found)
    link = None
    if op.existing is not None and found.existing is not None:
        link = index.links.get((found.existing.id, op.existing.id))
    return LinkOp(found, g["кем приходится"], link)


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------
def apply(session, org_id: int, plan: Plan, account_id: int | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Carry out a checked plan in the session's transaction (flushed in batches; the caller
    commits). Returns the counts of what was done."""
    from ..services.movement import manual_kinds, next_number

    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    counts = plan.counts()
    for g in plan.guardians:
        if g.existing is None:
            g.obj = Guardian(org_id=org_id, **g.values)
            session.add(g.obj)
        else:
            g.obj = g.existing
            for key in ("phone", "email"):
                if g.values.get(key) and LABELS[key] in g.changes:
                    setattr(g.obj, key, g.values[key])
    numbers: dict[int, int] = {}  # year of an order → the last generated number
    for count, op in enumerate(plan.learners, start=1):
        if op.existing is None:
            learner = Learner(org_id=org_id, group_id=op.group.id, **op.values)
            session.add(learner)
        else:
            learner = op.existing
            for key, value in op.values.items():
                if value and getattr(learner, key) != value:
                    setattr(learner, key, value)
            if learner.group_id is None:
                learner.group_id = op.group.id
        if op.order and ENROL in manual_kinds(op.group.kind):
            day, number = op.order
            if not number:
                if day.year not in numbers:
                    numbers[day.year] = int(next_number(session, org_id, day).rsplit("-", 1)[1]) - 1
                numbers[day.year] += 1
                number = f"Д-{day.year}-{numbers[day.year]:03d}"
            session.add(MovementOrder(org_id=org_id, kind=ENROL, learner=learner, number=number, date=day,
                                      event_date=day, to_group_id=op.group.id, year_id=op.group.year_id,
                                      destination=str(_l("Загрузка из файла")), entered_by=account_id))
        for link in op.links:
            if link.existing is None:
                session.add(GuardianLink(org_id=org_id, guardian=link.guardian.obj, learner=learner,
                                         relation=link.relation))
            elif link.relation and link.existing.relation != link.relation:
                link.existing.relation = link.relation
        if count % BATCH == 0:
            session.flush()
            if progress is not None:
                progress(BATCH)
    session.flush()
    if progress is not None:
        progress(len(plan.learners) % BATCH)
    return counts


# --------------------------------------------------------------------------
# What the page and the command say
# --------------------------------------------------------------------------
HELP = _l("Даты — ДД.ММ.ГГГГ; пол — «М» или «Ж»; класс (группа) — как он назван в журнале; СНИЛС проверяется по "
          "контрольному числу. Повторная загрузка обновляет записи, а не дублирует их: обучающийся находится по "
          "СНИЛС, а без него — по ФИО и дате рождения; законный представитель — по ФИО и телефону или ФИО и "
          "e-mail. Для нового обучающегося с датой зачисления в книгу движения вносится приказ о зачислении (без "
          "номера — с номером по порядку).")
PREVIEW = "imports/_preview_learners.html"
PROGRESS = "Загрузка обучающихся"


def summary(counts: dict[str, int]) -> str:
    """What the file does, as the command line says it."""
    return (f"обучающихся новых {counts['create']}, обновлённых {counts['update']}, без изменений "
            f"{counts['same']}; представителей новых {counts['guardians_create']}, обновлённых "
            f"{counts['guardians_update']}; связей {counts['links_create']}; приказов о зачислении "
            f"{counts['orders']}.")


def preview_summary(counts: dict[str, int]) -> str:
    return str(_l("Ошибок нет. Будет: обучающихся новых %(create)s, обновлённых %(update)s, без изменений %(same)s; "
                  "законных представителей новых %(gc)s, обновлённых %(gu)s; новых связей с представителями "
                  "%(links)s; приказов о зачислении %(orders)s.",
                  create=counts["create"], update=counts["update"], same=counts["same"],
                  gc=counts["guardians_create"], gu=counts["guardians_update"], links=counts["links_create"],
                  orders=counts["orders"]))


def done_summary(counts: dict[str, int]) -> str:
    return str(_l("Загружено: обучающихся новых %(create)s, обновлённых %(update)s, без изменений %(same)s; "
                  "законных представителей новых %(guardians)s; приказов о зачислении %(orders)s.",
                  create=counts["create"], update=counts["update"], same=counts["same"],
                  guardians=counts["guardians_create"], orders=counts["orders"]))
