"""Загрузка классов и групп из XLSX или CSV into the organisation's current academic year
(the open year holding today, else the next open one).

A row: the group's name, its kind as the organisation's plugins name it («Класс»,
«Дошкольная группа», «Учебная группа», or the kind's code; empty where the organisation
has one kind), its level (a number in the kind's range, or the organisation's name of
the level) and its leader (a staff member by ФИО, full or «Фамилия И. О.»). A re-import
finds a group by its name in that year and updates its kind, level and leader.

``parse`` writes nothing; ``apply`` writes in the caller's transaction (all or nothing).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..extensions import current_host
from ..models import AcademicYear, LearnerGroup, Organisation, Staff
from ..services.kinds import kinds_of, level_names
from .people import StaffNames, current_year, no_year_message
from .reading import RowError, begin, data_rows, norm, read_table
from .reading import template_csv as _template_csv
from .reading import template_xlsx as _template_xlsx

KIND = "groups"
TITLE = _l("Классы и группы")
COLUMNS = ("Название", "Вид", "Параллель", "Руководитель")
REQUIRED = ("Название", "Параллель")
SYNONYMS = {
    "Класс": "Название", "Группа": "Название", "Класс/группа": "Название", "Класс / группа": "Название",
    "Название класса": "Название", "Название группы": "Название",
    "Вид группы": "Вид", "Тип": "Вид", "Тип группы": "Вид",
    "Уровень": "Параллель", "Год обучения": "Параллель", "Классный руководитель": "Руководитель",
}


def synonyms(kinds) -> dict[str, str]:
    """``SYNONYMS`` and the words of the organisation's kinds of group: its level («Курс»,
    «Возрастная группа») and its leader («Куратор», «Воспитатель») as a header."""
    out = dict(SYNONYMS)
    for kind in kinds:
        if kind.level_name:
            out.setdefault(kind.level_name, "Параллель")
        out.setdefault(kind.leader, "Руководитель")
    return out
HELP = _l("Классы и группы записываются в текущий учебный год организации (открытый год, в котором сегодняшний "
          "день, а если его нет — следующий открытый). «Вид» — как он назван в журнале («Класс», «Дошкольная "
          "группа», «Учебная группа»); если у организации один вид групп, столбец можно не заполнять. "
          "«Параллель» — номер класса или курса (для дошкольной группы можно название возрастной группы). "
          "«Руководитель» — ФИО сотрудника полностью или «Фамилия И. О.». Повторная загрузка находит класс "
          "(группу) по названию в том же учебном году и обновляет вид, параллель и руководителя.")
PREVIEW = "imports/_preview_groups.html"
PROGRESS = "Загрузка классов и групп"
LABELS = {"kind": "Вид", "level": "Параллель", "leader_id": "Руководитель"}


@dataclass
class GroupOp:
    row: int
    name: str
    existing: LearnerGroup | None
    values: dict
    kind_name: str = ""
    level_label: str = ""
    leader: Staff | None = None
    changes: list[str] = field(default_factory=list)

    @property
    def action(self) -> str:
        return "create" if self.existing is None else ("update" if self.changes else "same")


@dataclass
class Plan:
    errors: list[RowError] = field(default_factory=list)
    groups: list[GroupOp] = field(default_factory=list)
    year: AcademicYear | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.groups)

    def counts(self) -> dict[str, int]:
        out = {"create": 0, "update": 0, "same": 0}
        for op in self.groups:
            out[op.action] += 1
        return out


def template_csv() -> bytes:
    return _template_csv(COLUMNS)


def template_xlsx() -> bytes:
    return _template_xlsx(COLUMNS, "Классы и группы", ("Название",))


def summary(counts: dict[str, int]) -> str:
    return str(_l("классов и групп новых %(create)s, обновлённых %(update)s, без изменений %(same)s.",
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
    host = current_host()
    organisation = session.get(Organisation, org_id)
    kinds = kinds_of(organisation.plugins if organisation is not None else (), host)
    started = begin(rows, COLUMNS, synonyms(kinds), REQUIRED, errors)
    if started is None:
        return plan
    header_row, columns, body = started
    year = plan.year = current_year(session, org_id)
    if year is None:
        errors.append(RowError(header_row, "Название", str(no_year_message())))
        return plan
    by_kind = {}
    for kind in kinds:
        by_kind[norm(kind.name)] = kind
        by_kind[norm(kind.name_plural)] = kind
        by_kind[norm(kind.code)] = kind
    kinds_by_code = {kind.code: kind for kind in kinds}
    names_of_levels = {kind.code: level_names(host, organisation, kind.code) for kind in kinds}
    existing_groups = {_key(g.name): g for g in session.scalars(
        select(LearnerGroup).where(LearnerGroup.org_id == org_id, LearnerGroup.year_id == year.id))}
    staff = StaffNames(session, org_id)
    kinds_list = ", ".join(f"«{kind.name}»" for kind in kinds)
    seen: dict[str, int] = {}

    for number, v in data_rows(body, columns, progress):
        row_errors: list[RowError] = []

        def bad(column, message, _number=number, _errors=row_errors):
            _errors.append(RowError(_number, column, str(message)))

        name = " ".join(v.get("Название", "").split())
        existing = None
        if not name:
            bad("Название", _l("не заполнено"))
        elif len(name) > 40:
            bad("Название", _l("длиннее 40 знаков"))
        elif _key(name) in seen:
            bad("Название", _l("этот класс (группа) уже есть в строке %(row)s", row=seen[_key(name)]))
        else:
            seen[_key(name)] = number
            existing = existing_groups.get(_key(name))

        kind = None
        raw = v.get("Вид", "")
        if raw:
            kind = by_kind.get(norm(raw))
            if kind is None:
                bad("Вид", _l("«%(value)s» — такого вида групп в организации нет (есть: %(kinds)s)",
                              value=raw, kinds=kinds_list))
        elif existing is not None and existing.kind in kinds_by_code:
            kind = kinds_by_code[existing.kind]
        elif len(kinds) == 1:
            kind = kinds[0]
        elif not kinds:
            bad("Вид", _l("у организации не подключено ни одного вида групп"))
        else:
            bad("Вид", _l("не заполнено: в организации несколько видов групп (%(kinds)s)", kinds=kinds_list))

        level = None
        raw = v.get("Параллель", "")
        if not raw:
            bad("Параллель", _l("не заполнено"))
        elif kind is not None:
            names = [norm(x) for x in names_of_levels.get(kind.code, ())]
            if raw.isdigit() or (raw.startswith("-") and raw[1:].isdigit()):
                level = int(raw)
            elif norm(raw) in names and kind.levels:
                level = list(kind.levels)[names.index(norm(raw))]
            if level is None:
                bad("Параллель", _l("«%(value)s» — укажите номер (целое число)", value=raw))
            elif kind.levels and level not in kind.levels:
                bad("Параллель", _l("%(value)s — у вида «%(kind)s» параллели от %(low)s до %(high)s",
                                    value=raw, kind=kind.name, low=min(kind.levels), high=max(kind.levels)))
                level = None
            elif not kind.levels and not 0 <= level <= 20:
                bad("Параллель", _l("%(value)s — такой параллели не бывает", value=raw))
                level = None
        if kind is not None and level is not None and name and kind.name_problem:
            problem = kind.name_problem(name, level)
            if problem:
                bad("Название", problem)

        leader = None
        raw = v.get("Руководитель", "")
        if raw:
            leader, why = staff.find(raw)
            if why:
                bad("Руководитель", why)
        if row_errors:
            errors.extend(row_errors)
            continue

        values = {"kind": kind.code, "level": level}
        if leader is not None:
            values["leader_id"] = leader.id
        op = GroupOp(number, name, existing, values, kind.name, _level_label(kind, names_of_levels, level), leader)
        if existing is not None:
            op.name = existing.name
            for key, value in values.items():
                if getattr(existing, key) != value:
                    op.changes.append(LABELS[key])
        plan.groups.append(op)
    if not errors and not plan.groups:
        errors.append(RowError(header_row + 1, "Название", str(_l("в файле нет ни одного класса (группы)"))))
    return plan


def _level_label(kind, names_of_levels, level: int) -> str:
    names = names_of_levels.get(kind.code, ())
    if kind.levels and level in kind.levels:
        position = list(kind.levels).index(level)
        if position < len(names) and names[position]:
            return names[position]
    return str(level)


def apply(session, org_id: int, plan: Plan, account_id: int | None = None,
          progress: Callable[[int], None] | None = None) -> dict[str, int]:
    """Carry out a checked plan in the session's transaction (the caller commits)."""
    if plan.errors:
        raise ValueError("a plan with errors is never applied")
    counts = plan.counts()
    for op in plan.groups:
        if op.existing is None:
            session.add(LearnerGroup(org_id=org_id, year_id=plan.year.id, name=op.name, **op.values))
        else:
            for key, value in op.values.items():
                if getattr(op.existing, key) != value:
                    setattr(op.existing, key, value)
    session.flush()
    if progress is not None:
        progress(len(plan.groups))
    return counts
