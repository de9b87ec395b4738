"""Выгрузка списков организации в XLSX и CSV с теми же столбцами, что у загрузки
(``app.imports``): a list exported and loaded back changes nothing.

Each kind gives the rows of the user's organisation (header first), with a fixed
number of queries whatever the size of the list: learners (with up to two of
their guardians: the import carries guardians in the learners' file), staff,
groups and the teaching load of the current year. The files: XLSX (every cell
text, a text that looks like a formula kept text) and CSV (UTF-8 with a BOM, «;»,
CRLF, such a text made inert as the reports' CSV does: ``app.reports.formats.inert``).
"""
from __future__ import annotations

import csv
import datetime as dt
import decimal
import io

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..models import Account, Guardian, GuardianLink, Learner, LearnerGroup, Staff, Subgroup, Subject
from ..models import TeachingAssignment
from ..models.movement import ENROL, MovementOrder
from ..reports.formats import FORMULA_STARTS, inert
from ..roles import SYSTEM_ADMIN
from .groups import COLUMNS as GROUP_COLUMNS
from .learners import COLUMNS as LEARNER_COLUMNS
from .learners import GUARDIANS
from .load import COLUMNS as LOAD_COLUMNS
from .people import current_year, snils_format
from .staff import COLUMNS as STAFF_COLUMNS

# Kind → (resources the user must read, the file's name, the sheet's name).
KINDS = {
    "learners": (("Learners",), _l("Обучающиеся и законные представители"), _l("Обучающиеся")),
    # The guardians come in the learners' file: the import reads them there.
    "guardians": (("Guardians", "Learners"), _l("Обучающиеся и законные представители"), _l("Обучающиеся")),
    "staff": (("Staff",), _l("Сотрудники"), _l("Сотрудники")),
    "groups": (("Groups",), _l("Классы и группы"), _l("Классы и группы")),
    "load": (("TeachingAssignments",), _l("Педагогическая нагрузка"), _l("Нагрузка")),
}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


# --------------------------------------------------------------------------
# Values as the import reads them
# --------------------------------------------------------------------------
def date_text(value: dt.date | None) -> str:
    return f"{value:%d.%m.%Y}" if value else ""


def snils_text(value: str | None) -> str:
    """«123-456-789 01»; a value that is not 11 digits as it is stored."""
    digits = "".join(ch for ch in (value or "") if ch.isdigit())
    return snils_format(digits) if len(digits) == 11 else (value or "")


def hours_text(value) -> str:
    """Hours with a decimal comma and no trailing zeros: «5», «1,5»."""
    if value is None:
        return ""
    number = decimal.Decimal(str(value)).normalize()
    return f"{number:f}".replace(".", ",")


def _text(value) -> str:
    return "" if value is None else str(value)


def _sort_key(*parts) -> tuple:
    return tuple(_text(p).lower().replace("ё", "е") for p in parts)


def _full_name(last, first, middle) -> str:
    return " ".join(p for p in (last, first, middle) if p)


def current_year_id(session, org_id: int) -> int | None:
    """The year the imports write to (``people.current_year``): the open year holding today,
    else the next open one."""
    year = current_year(session, org_id)
    return year.id if year is not None else None


# --------------------------------------------------------------------------
# Rows of each kind (header first)
# --------------------------------------------------------------------------
def learner_rows(session, org_id: int) -> list[list]:
    """The learners of the organisation's current year who have not left, by class then ФИО,
    with their first two guardians (by the order they were linked) and their enrolment order."""
    year_id = current_year_id(session, org_id)
    rows: list[list] = [list(LEARNER_COLUMNS)]
    if year_id is None:
        return rows
    found = session.execute(
        select(Learner, LearnerGroup.name, LearnerGroup.level)
        .join(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .where(Learner.org_id == org_id, Learner.left_on.is_(None), LearnerGroup.year_id == year_id)).all()
    found.sort(key=lambda r: (r.level, _sort_key(r.name), _sort_key(r[0].last_name, r[0].first_name,
                                                                       r[0].middle_name), r[0].id))
    ids = select(Learner.id).join(LearnerGroup, LearnerGroup.id == Learner.group_id).where(
        Learner.org_id == org_id, Learner.left_on.is_(None), LearnerGroup.year_id == year_id)
    guardians: dict[int, list[tuple[GuardianLink, Guardian]]] = {}
    for link, guardian in session.execute(
            select(GuardianLink, Guardian).join(Guardian, Guardian.id == GuardianLink.guardian_id)
            .where(GuardianLink.org_id == org_id, GuardianLink.learner_id.in_(ids)).order_by(GuardianLink.id)):
        guardians.setdefault(link.learner_id, []).append((link, guardian))
    orders: dict[int, str] = {}
    for learner_id, number in session.execute(
            select(MovementOrder.learner_id, MovementOrder.number)
            .where(MovementOrder.org_id == org_id, MovementOrder.kind == ENROL, MovementOrder.learner_id.in_(ids))
            .order_by(MovementOrder.date, MovementOrder.id)):
        orders[learner_id] = number  # the latest enrolment wins
    for learner, group_name, _level in found:
        row = [_text(learner.last_name), _text(learner.first_name), _text(learner.middle_name),
               date_text(learner.birth_date), _text(learner.gender), group_name, snils_text(learner.snils),
               date_text(learner.enrolled_on), orders.get(learner.id, "")]
        links = guardians.get(learner.id, [])
        for n in GUARDIANS:
            if n <= len(links):
                link, g = links[n - 1]
                row += [g.full_name, _text(link.relation), _text(g.phone), _text(g.email)]
            else:
                row += ["", "", "", ""]
        rows.append(row)
    return rows


def staff_rows(session, org_id: int) -> list[list]:
    """The staff of the organisation by ФИО, with the roles of their accounts."""
    staff = session.scalars(select(Staff).where(Staff.org_id == org_id)).all()
    roles: dict[int, set[str]] = {}
    from flask_appbuilder.security.sqla.models import Role

    for person_id, role in session.execute(
            select(Account.person_id, Role.name).join(Account.roles)
            .where(Account.org_id == org_id, Account.person_id.in_(select(Staff.id).where(Staff.org_id == org_id)))):
        if role != SYSTEM_ADMIN:
            roles.setdefault(person_id, set()).add(role)
    rows: list[list] = [list(STAFF_COLUMNS)]
    for p in sorted(staff, key=lambda p: (_sort_key(p.last_name, p.first_name, p.middle_name), p.id)):
        rows.append([_text(p.last_name), _text(p.first_name), _text(p.middle_name), date_text(p.birth_date),
                     _text(p.gender), _text(p.position), ", ".join(sorted(roles.get(p.id, ()))),
                     snils_text(p.snils), _text(p.phone), _text(p.email), date_text(p.hired_on)])
    return rows


def group_rows(session, org_id: int) -> list[list]:
    """The groups of the current year by level and name."""
    year_id = current_year_id(session, org_id)
    rows: list[list] = [list(GROUP_COLUMNS)]
    if year_id is None:
        return rows
    kinds = current_app.extensions["ejournal"].group_kinds
    found = session.execute(
        select(LearnerGroup.name, LearnerGroup.kind, LearnerGroup.level, Staff.last_name, Staff.first_name,
               Staff.middle_name)
        .outerjoin(Staff, Staff.id == LearnerGroup.leader_id)
        .where(LearnerGroup.org_id == org_id, LearnerGroup.year_id == year_id)).all()
    for r in sorted(found, key=lambda r: (r.level, _sort_key(r.name))):
        kind = kinds.get(r.kind)
        rows.append([r.name, kind.name if kind else r.kind, r.level,
                     _full_name(r.last_name, r.first_name, r.middle_name)])
    return rows


def load_rows(session, org_id: int) -> list[list]:
    """The teaching load of the current year by teacher, class and subject."""
    year_id = current_year_id(session, org_id)
    rows: list[list] = [list(LOAD_COLUMNS)]
    if year_id is None:
        return rows
    teacher = aliased(Staff)
    found = session.execute(
        select(teacher.last_name, teacher.first_name, teacher.middle_name, Subject.name.label("subject"),
               LearnerGroup.name.label("group"), LearnerGroup.level, Subgroup.name.label("subgroup"),
               TeachingAssignment.hours_per_week, TeachingAssignment.id)
        .join(teacher, teacher.id == TeachingAssignment.teacher_id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
        .outerjoin(Subgroup, Subgroup.id == TeachingAssignment.subgroup_id)
        .where(TeachingAssignment.org_id == org_id, TeachingAssignment.year_id == year_id)).all()
    for r in sorted(found, key=lambda r: (_sort_key(r.last_name, r.first_name, r.middle_name), r.level,
                                          _sort_key(r.group, r.subject, r.subgroup), r.id)):
        rows.append([_full_name(r.last_name, r.first_name, r.middle_name), r.subject, r.group, _text(r.subgroup),
                     hours_text(r.hours_per_week)])
    return rows


ROWS = {"learners": learner_rows, "guardians": learner_rows, "staff": staff_rows, "groups": group_rows,
        "load": load_rows}


# --------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------
def to_csv(rows: list[list]) -> bytes:
    """UTF-8 with a BOM (Excel reads Russian right), «;», CRLF; a text a spreadsheet would
    run as a formula made inert as in the reports' CSV (the import reads it back as it was)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows([[inert(_text(v)) for v in row] for row in rows])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(rows: list[list], sheet_title: str) -> bytes:
    """One sheet, the header bold and frozen; every value a text (dates as ДД.ММ.ГГГГ, the
    cells' format «@»), numbers excepted; nothing is ever a formula: a text starting with
    = + - @ is a string with Excel's quote prefix (shown and edited as text)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(sheet_title)[:31])
    header = rows[0] if rows else []
    for index, name in enumerate(header, start=1):
        width = max([len(str(name))] + [len(_text(r[index - 1])) for r in rows[1:200]])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                c.data_type = "s"  # never a formula, whatever the text
                c.number_format = "@"
                if value.startswith(FORMULA_STARTS):
                    c.quotePrefix = True
            if number == 0:
                c.font = bold
            cells.append(c)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(session, org_id: int, kind: str, fmt: str) -> tuple[bytes, str, str]:
    """Bytes, MIME type and file name of the list ``kind`` of ``org_id`` in ``fmt`` ("xlsx", "csv")."""
    from .. import clock
    from ..reports.formats import file_safe

    _resources, title, sheet = KINDS[kind]
    rows = ROWS[kind](session, org_id)
    name = f"{file_safe(str(title))} {clock.today().isoformat()}.{fmt}"
    if fmt == "xlsx":
        return to_xlsx(rows, str(sheet)), XLSX, name
    if fmt == "csv":
        return to_csv(rows), CSV, name
    raise ValueError(fmt)
