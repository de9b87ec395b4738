"""Загрузка учебной нагрузки (педагогической нагрузки) из XLSX или CSV: who teaches which
subject to which class (group) or subgroup, and how many hours a week, in the
organisation's current academic year (the open year holding today, else the next one).

Everything a row names must already be in the journal: the teacher (a staff member by
ФИО, full or «Фамилия И. О.»), the subject (by its name: an unknown subject is an error,
never created), the group of that year and its subgroup. A re-import finds the row by
(teacher, subject, group, subgroup) and updates the hours.

``parse`` writes nothing; ``apply`` writes in the caller's transaction (all or nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import current_host
from ..models import AcademicYear, LearnerGroup, Staff, Subgroup, Subject, TeachingAssignment
from .people import StaffNames, current_year, no_year_message
from .reading import RowError, begin, data_rows, norm, number, read_table
from .reading import template_csv as _template_csv
from .reading import template_xlsx as _template_xlsx

KIND = "load"
TITLE = _l("Учебная нагрузка")
COLUMNS = ("Учитель", "Предмет", "Класс", "Подгруппа", "Часов в неделю")
REQUIRED = ("Учитель", "Предмет", "Класс", "Часов в неделю")
SYNONYMS = {
    "Преподаватель": "Учитель", "Педагог": "Учитель", "ФИО учителя": "Учитель", "Учебный предмет": "Предмет",
    "Дисциплина": "Предмет", "Группа": "Класс", "Класс/группа": "Класс", "Класс / группа": "Класс",
    "Учебная группа": "Класс", "Часы": "Часов в неделю", "Часов": "Часов в неделю",
    "Часы в неделю": "Часов в неделю", "Часов в нед": "Часов в неделю",
}
HELP = _l("Нагрузка записывается в текущий учебный год организации. «Учитель» — ФИО сотрудника полностью или "
          "«Фамилия И. О.»; «Предмет» — как он назван в журнале (новый предмет загрузка не создаёт); «Класс» — "
          "класс (группа) текущего года; «Подгруппа» — необязательно, название подгруппы этого класса; "
          "«Часов в неделю» — число, можно с десятичной запятой. Повторная загрузка находит строку нагрузки по "
          "учителю, предмету, классу и подгруппе и обновляет часы.")
PREVIEW = "imports/_preview_load.html"
PROGRESS = "Загрузка учебной нагрузки"
MAX_HOURS = 99


@dataclass
class LoadOp:
    row: int
    teacher: Staff
    subject: Subject
    group: LearnerGroup
    subgroup: Subgroup | None
    hours: Decimal
    existing: TeachingAssignment | None

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "update" if Decimal(self.existing.hours_per_week or 0) != self.hours else "same"

    @property
    def before(self) -> str:
        return hours_text(Decimal(self.existing.hours_per_week or 0)) if self.existing is not None else ""


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    load: list[LoadOp] = field(default_factory=list)
    year: AcademicYear | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.load)

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "same": 0}
        for op in self.load:
            out[op.action] += 1
        return out


def hours_text(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}".rstrip("0")
    return text.replace(".", ",")


def template_csv() -> bytes:
    return _template_csv(COLUMNS)


def template_xlsx() -> bytes:
    return _template_xlsx(COLUMNS, "Учебная нагрузка", ("Класс", "Подгруппа"))


def summary(counts: dict[str, int]) -> str:
    return str(_l("строк нагрузки новых %(create)s, обновлённых %(update)s, без изменений %(same)s.",
                  create=counts["create"], update=counts["update"], same=counts["same"]))


def _key(name: str) -> str:
    return norm(name).replace(" ", "")


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
    year = plan.year = current_year(session, org_id)
    if year is None:
        errors.append(RowError(header_row, "Класс", str(no_year_message())))
        return plan
    kinds = current_host().group_kinds
    staff = StaffNames(session, org_id)
    subjects: dict[str, Subject] = {}
    for subject in session.scalars(select(Subject).where(Subject.org_id == org_id).order_by(Subject.id)):
        subjects.setdefault(norm(subject.name), subject)
    groups = {_key(g.name): g for g in session.scalars(
        select(LearnerGroup).where(LearnerGroup.org_id == org_id, LearnerGroup.year_id == year.id))}
    subgroups: dict[tuple[int, str], list[Subgroup]] = {}
    for sub in session.scalars(select(Subgroup).join(LearnerGroup, LearnerGroup.id == Subgroup.group_id)
                               .where(Subgroup.org_id == org_id, LearnerGroup.year_id == year.id)
                               .order_by(Subgroup.id)):
        subgroups.setdefault((sub.group_id, _key(sub.name)), []).append(sub)
    existing_load = {(ta.teacher_id, ta.subject_id, ta.group_id, ta.subgroup_id): ta for ta in session.scalars(
        select(TeachingAssignment).where(TeachingAssignment.org_id == org_id, TeachingAssignment.year_id == year.id)
        .order_by(TeachingAssignment.id))}
    seen: dict[tuple, int] = {}

    for row_number, v in data_rows(body, columns, progress):
        row_errors: list[RowError] = []

        def bad(column, message, _number=row_number, _errors=row_errors):
            _errors.append(RowError(_number, column, str(message)))

        teacher = None
        raw = v.get("Учитель", "")
        if not raw:
            bad("Учитель", _l("не заполнено"))
        else:
            teacher, why = staff.find(raw)
            if why:
                bad("Учитель", why)
        subject = None
        raw = " ".join(v.get("Предмет", "").split())
        if not raw:
            bad("Предмет", _l("не заполнено"))
        else:
            subject = subjects.get(norm(raw))
            if subject is None:
                bad("Предмет", _l("«%(value)s» — такого предмета нет в журнале организации (загрузка предметы не "
                                  "создаёт)", value=raw))
        group = None
        raw = v.get("Класс", "")
        if not raw:
            bad("Класс", _l("не заполнено"))
        else:
            group = groups.get(_key(raw))
            if group is None:
                bad("Класс", _l("«%(value)s» — такого класса (группы) нет в учебном году %(year)s",
                                value=raw, year=year.name))
            elif kinds.get(group.kind) is not None and not kinds[group.kind].teaches_subjects:
                bad("Класс", _l("«%(value)s» — %(kind)s: учебной нагрузки по предметам у неё нет",
                                value=raw, kind=kinds[group.kind].name.lower()))
                group = None
        subgroup = None
        raw = v.get("Подгруппа", "")
        if raw and group is not None:
            found = subgroups.get((group.id, _key(raw)), [])
            if subject is not None:
                found = [s for s in found if s.subject_id in (None, subject.id)] or found
            if not found:
                bad("Подгруппа", _l("«%(value)s» — такой подгруппы в «%(group)s» нет", value=raw, group=group.name))
            elif subject is not None and found[0].subject_id not in (None, subject.id):
                bad("Подгруппа", _l("«%(value)s» — подгруппа другого предмета", value=raw))
            else:
                subgroup = found[0]
        hours = None
        raw = v.get("Часов в неделю", "")
        if not raw:
            bad("Часов в неделю", _l("не заполнено"))
        else:
            value = number(raw)
            if value is None:
                bad("Часов в неделю", _l("«%(value)s» — не число", value=raw))
            elif value < 0:
                bad("Часов в неделю", _l("%(value)s — часов не может быть меньше нуля", value=raw))
            elif value > MAX_HOURS:
                bad("Часов в неделю", _l("%(value)s — больше %(max)s часов в неделю", value=raw, max=MAX_HOURS))
            else:
                hours = Decimal(str(round(value, 2)))
        if row_errors:
            errors.extend(row_errors)
            continue
        key = (teacher.id, subject.id, group.id, subgroup.id if subgroup is not None else None)
        if key in seen:
            errors.append(RowError(row_number, "Учитель", str(_l("эта строка нагрузки уже есть в строке %(row)s",
                                                                  row=seen[key]))))
            continue
        seen[key] = row_number
        plan.load.append(LoadOp(row_number, teacher, subject, group, subgroup, hours, existing_load.get(key)))
    if not errors and not plan.load:
        errors.append(RowError(header_row + 1, "Учитель", str(_l("в файле нет ни одной строки нагрузки"))))
    return plan


def apply(session, org_id: int, plan: Plan, account_id: int | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Carry out a checked plan in the session's transaction (the caller commits)."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    counts = plan.counts()
    for op in plan.load:
        if op.existing is None:
            session.add(TeachingAssignment(org_id=org_id, year_id=plan.year.id, teacher_id=op.teacher.id,
                                           subject_id=op.subject.id, group_id=op.group.id,
                                           subgroup_id=op.subgroup.id if op.subgroup is not None else None,
                                           hours_per_week=op.hours))
        elif op.action == "update":
            op.existing.hours_per_week = op.hours
    session.flush()
    if progress is not None:
        progress(len(plan.load))
    return counts
