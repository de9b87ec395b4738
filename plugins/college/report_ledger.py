"""«Сводная ведомость успеваемости группы» (seed 003, 5.1: by the end of every semester and
of the year): students × disciplines with their final marks, the debts written out in the
cell itself («2 (долг)») so that the paper copy shows them too, the number of each student's
debts, and under the list the group's figures per discipline with their basis."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.exceptions import ReportError
from app.models import AcademicYear, LearnerGroup
from app.registry import Table
from app.reports.formats import cell_text

from .report_common import (
    GROUP_KINDS,
    NOT_TAKEN,
    Cell,
    host,
    learner_figures,
    results_of,
    study_period,
    subject_figures,
)


def _shown(cell: Cell, worth: dict):
    if cell.value is not None:
        # A mark worth a whole number is a number in XLSX, as in the school's ledger.
        value = int(worth[cell.value]) if worth.get(cell.value) is not None else cell.value
        return str(_l("%(mark)s (долг)", mark=value)) if cell.failing else value
    if cell.debt is not None:
        return str(_l("долг: %(result)s", result=cell.debt))
    return ""


def _pct(value) -> str:
    return "—" if value is None else cell_text(value)


def _basis(part: int, whole: int) -> str:
    return str(_l("%(n)s из %(of)s", n=part, of=whole))


def group_ledger(session, params) -> list[Table]:
    group = session.get(LearnerGroup, params["group"])
    if group is None or group.kind not in GROUP_KINDS:
        raise ReportError(_l("Выберите учебную группу."))
    sp = study_period(session, params["period"])
    if sp.period.year_id != group.year_id:
        raise ReportError(_l("Период — из другого учебного года, чем группа."))
    found = results_of(session, [group], sp)
    (results,) = found.groups
    worth = {v.value: v.worth for scale in host().mark_scales.values() if scale.plugin == "college"
             for v in scale.values}
    subjects = results.subjects
    rows = []
    for n, learner in enumerate(results.learners, 1):
        row = [n, learner.full_name]
        owed = 0
        for subject_id in subjects:
            cell = results.cells.get((learner.id, subject_id))
            if cell is None:
                row.append(NOT_TAKEN)
                continue
            owed += cell.failing
            row.append(_shown(cell, worth))
        rows.append([*row, owed])
    per_subject = [subject_figures(results, s) for s in subjects]
    total = learner_figures(results)
    debtors = sum(1 for r in rows if r[-1])
    # The group's own figures count students, not marks: they stand in the title, and the
    # rows under the list are per discipline.
    rows.append(["", str(_l("Аттестовано")), *(_basis(f.attested, f.students) for f in per_subject), None])
    rows.append(["", str(_l("Успеваемость, %")), *(f.passing_pct for f in per_subject), None])
    rows.append(["", str(_l("Качество, %")), *(f.quality_pct for f in per_subject), None])
    year = session.get(AcademicYear, group.year_id)
    title = str(_l("Сводная ведомость успеваемости группы %(group)s, %(course)s курс — %(period)s %(year)s. "
                   "Студентов: %(n)s, аттестовано: %(attested)s, с задолженностями: %(debtors)s; "
                   "успеваемость: %(passing)s %%, качество: %(quality)s %%.",
                   group=group.name, course=group.level, period=sp.period.name, year=year.name if year else "",
                   n=total.students, attested=_basis(total.attested, total.students), debtors=debtors,
                   passing=_pct(total.passing_pct), quality=_pct(total.quality_pct)))
    columns = [str(_l("№")), str(_l("ФИО студента")), *(found.subject_names.get(s, "") for s in subjects),
               str(_l("Задолженностей"))]
    return [Table(title, columns, rows)]
