"""«Результаты аттестации» of a semester (or the year): for the whole college by group,
course and specialty, or for one group by discipline. Students, attested, успевающие,
качественные and the percentages of all students on the list (the basis stands beside
them), with a bar chart."""
from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.exceptions import ReportError
from app.models import AcademicYear, LearnerGroup
from app.registry import Chart, Table

from .models import GroupSpecialty, Specialty
from .report_common import GROUP_KINDS, Figures, learner_figures, results_of, study_period, subject_figures


def _figures(f: Figures) -> list:
    return [f.students, f.attested, f.passing, f.quality, f.passing_pct, f.quality_pct]


def _columns(*first: str) -> list[str]:
    return [*first, str(_l("Студентов")), str(_l("Аттестовано")), str(_l("Успевающих")),
            str(_l("Качественных («4», «5», «зачёт»)")), str(_l("Успеваемость, %")), str(_l("Качество, %"))]


def _chart(title, label_column: int, first_value: int) -> Chart:
    return Chart(title, label_column, (first_value + 4, first_value + 5), skip_last=True, y_label="%", y_max=100)


def _title(session, sp, what) -> str:
    year = session.get(AcademicYear, sp.period.year_id)
    return str(_l("Результаты аттестации: %(what)s — %(period)s %(year)s", what=what, period=sp.period.name,
                  year=year.name if year else ""))


def college_results(session, params) -> list[Table]:
    sp = study_period(session, params["period"])
    groups = session.scalars(select(LearnerGroup).where(
        LearnerGroup.year_id == sp.period.year_id, LearnerGroup.kind.in_(GROUP_KINDS))
        .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id)).all()
    specialties = {group_id: specialty for group_id, specialty in session.execute(
        select(GroupSpecialty.group_id, Specialty).join(Specialty, Specialty.id == GroupSpecialty.specialty_id)
        .where(GroupSpecialty.group_id.in_([g.id for g in groups])))} if groups else {}
    no_specialty = str(_l("специальность не указана"))
    by_course, by_specialty, total = defaultdict(Figures), defaultdict(Figures), Figures()
    group_rows = []
    for results in results_of(session, list(groups), sp).groups:
        group = results.group
        f = learner_figures(results)
        specialty = str(specialties[group.id]) if group.id in specialties else no_specialty
        by_course[group.level].merge(f)
        by_specialty[specialty].merge(f)
        total.merge(f)
        group_rows.append([group.level, specialty, group.name, *_figures(f)])
    overall = str(_l("Итого по колледжу"))
    group_rows.append(["", "", overall, *_figures(total)])
    course_rows = [[level, *_figures(f)] for level, f in sorted(by_course.items())]
    course_rows.append([overall, *_figures(total)])
    specialty_rows = [[s, *_figures(f)] for s, f in sorted(by_specialty.items())]
    specialty_rows.append([overall, *_figures(total)])
    course, specialty, group = str(_l("Курс")), str(_l("Специальность")), str(_l("Группа"))
    return [
        Table(_title(session, sp, _l("по группам")), _columns(course, specialty, group), group_rows,
              _chart(str(_l("Успеваемость и качество по группам, %")), 2, 3)),
        Table(_title(session, sp, _l("по курсам")), _columns(course), course_rows,
              _chart(str(_l("Успеваемость и качество по курсам, %")), 0, 1)),
        Table(_title(session, sp, _l("по специальностям")), _columns(specialty), specialty_rows),
    ]


def group_results(session, params) -> list[Table]:
    group = session.get(LearnerGroup, params["group"])
    if group is None or group.kind not in GROUP_KINDS:
        raise ReportError(_l("Выберите учебную группу."))
    sp = study_period(session, params["period"])
    if sp.period.year_id != group.year_id:
        raise ReportError(_l("Период — из другого учебного года, чем группа."))
    found = results_of(session, [group], sp)
    (results,) = found.groups
    rows = [[found.subject_names.get(s, ""), *_figures(subject_figures(results, s))] for s in results.subjects]
    rows.append([str(_l("Итого по группе")), *_figures(learner_figures(results))])
    what = _l("группа %(group)s, %(course)s курс", group=group.name, course=group.level)
    return [Table(_title(session, sp, what), _columns(str(_l("Дисциплина"))), rows,
                  _chart(str(_l("Успеваемость и качество по дисциплинам, %")), 0, 1))]
