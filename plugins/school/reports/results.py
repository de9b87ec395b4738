"""Results of a class for a period, from its final marks: итоги успеваемости
класса, отчёт классного руководителя, сводная ведомость учёта успеваемости."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.models import Attendance, AttendanceCode, FinalMark, Period
from app.registry import Chart, Table
from app.services.figures import summarise

from .population import (
    group_and_period, learners_at, learners_during, marks_given, scale, subgroup_members, subjects_of, takes,
)

VALUES = ("5", "4", "3", "2")
ABSENCE_CATEGORIES = ("illness", "excused", "unexcused", "unknown", "exempt")


def _finals(session, learner_ids, period_ids) -> dict[tuple[int, int, int], str]:
    rows = session.execute(select(FinalMark.learner_id, FinalMark.subject_id, FinalMark.period_id, FinalMark.value)
                           .where(FinalMark.learner_id.in_(learner_ids), FinalMark.period_id.in_(period_ids))).all()
    return {(l, s, p): v for l, s, p, v in rows}


def _assessed(assessed: int, of: int) -> str:
    """The basis of the percentages beside them: «7 из 8»."""
    return _("%(n)s из %(of)s", n=assessed, of=of)


def _no_marks_table(title, group, period):
    return [Table(title, [_("Класс"), _("Период"), _("Примечание")],
                  [[group.name, period.name, _("Параллель без отметок: показатели не считаются.")]])]


def class_results(session, params) -> list[Table]:
    """Итоги успеваемости класса за период: per subject, counts of final marks and the figures."""
    group, period = group_and_period(session, params)
    title = _("Итоги успеваемости класса за период")
    if not marks_given(session, group, period):
        return _no_marks_table(title, group, period)
    learners = learners_at(session, group, period.end)
    subjects = subjects_of(session, group)
    members = subgroup_members(session, group)
    finals = _finals(session, [l.id for l in learners], [period.id])
    sc = scale(group)
    # The percentages are of every learner taking the subject: «аттестовано» says how many of them have the mark.
    columns = [_("Предмет"), _("Обучающихся"), "«5»", "«4»", "«3»", "«2»", _("Не аттестовано"), _("Аттестовано"),
               _("Успеваемость, %"), _("Качество, %"), _("Средний балл")]
    rows, by_learner = [], {l.id: [] for l in learners}
    for subject in subjects:
        marks = {l.id: [finals.get((l.id, subject.id, period.id))] for l in learners if takes(members, subject.id, l.id)}
        for learner_id, m in marks.items():
            by_learner[learner_id] += m
        f = summarise(marks, sc)
        not_assessed = f.counted - f.passing - f.failing
        rows.append([subject.name, f.counted, *(f.counts.get(v, 0) for v in VALUES), not_assessed,
                     _assessed(f.counted - not_assessed, f.counted), f.progress_pct, f.quality_pct, f.mean])
    total = summarise(by_learner, sc)
    rows.append([_("Итого по классу"), total.counted, *(total.counts.get(v, 0) for v in VALUES),
                 total.not_assessed, _assessed(total.counted - total.not_assessed, total.counted),
                 total.progress_pct, total.quality_pct, total.mean])
    chart = Chart(_("Успеваемость и качество по предметам, %"), 0, (8, 9), skip_last=True, y_label="%", y_max=100)
    return [Table(title, columns, rows, chart)]


def class_teacher_period(session, params) -> list[Table]:
    """Отчёт классного руководителя за период: отличники, хорошисты, с одной «3»,
    неуспевающие, успеваемость, качество, and the class's missed lessons."""
    group, period = group_and_period(session, params)
    learners = learners_at(session, group, period.end)
    ids = [l.id for l in learners]
    absences = dict(session.execute(
        select(AttendanceCode.category, func.count(Attendance.id))
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id.in_(ids), Attendance.date >= period.start, Attendance.date <= period.end)
        .group_by(AttendanceCode.category)).all())
    missed = [
        (_("Пропущено уроков, всего"), sum(absences.get(c, 0) for c in ABSENCE_CATEGORIES if c != "exempt")),
        (_("в т. ч. по болезни"), absences.get("illness", 0)),
        (_("в т. ч. по уважительной причине"), absences.get("excused", 0)),
        (_("в т. ч. без уважительной причины"), absences.get("unexcused", 0)),
        (_("в т. ч. причина не выяснена («ОТ»)"), absences.get("unknown", 0)),
        (_("Опозданий"), absences.get("late", 0)),
    ]
    title = _("Отчёт классного руководителя за период")
    summary_cols = [_("Показатель"), _("Значение")]
    if not marks_given(session, group, period):
        rows = [[_("Обучающихся на конец периода"), len(learners)],
                [_("Отметки"), _("не выставляются")], *map(list, missed)]
        return [Table(title, summary_cols, rows)]
    subjects = {s.id: s for s in subjects_of(session, group)}
    members = subgroup_members(session, group)
    finals = _finals(session, ids, [period.id])
    sc = scale(group)
    per_learner = {l.id: [finals.get((l.id, s, period.id)) for s in subjects if takes(members, s, l.id)]
                   for l in learners}
    total = summarise(per_learner, sc)
    rows = [
        [_("Обучающихся на конец периода"), total.counted],
        [_("Отличники"), total.excellent],
        [_("Хорошисты"), total.good],
        [_("С одной «3»"), total.one_three],
        [_("Неуспевающие"), total.failing],
        [_("Не аттестованы"), total.not_assessed],
        [_("Аттестовано"), _assessed(total.counted - total.not_assessed, total.counted)],
        [_("Успеваемость, %"), total.progress_pct],
        [_("Качество, %"), total.quality_pct],
        [_("Средний балл"), total.mean],
        *map(list, missed),
    ]
    lists = []
    for learner in learners:
        marks = {s: finals.get((learner.id, s, period.id)) for s in subjects if takes(members, s, learner.id)}
        f = summarise({learner.id: list(marks.values())}, sc)
        if f.excellent:
            lists.append([_("Отличник"), learner.full_name, ""])
        elif f.good:
            lists.append([_("Хорошист"), learner.full_name, ""])
        elif f.one_three:
            three = [subjects[s].name for s, v in marks.items() if v == "3"]
            lists.append([_("С одной «3»"), learner.full_name, ", ".join(three)])
        elif f.failing:
            two = [subjects[s].name for s, v in marks.items() if v is not None and v in _failing(sc)]
            lists.append([_("Неуспевающий"), learner.full_name, ", ".join(two)])
        elif f.not_assessed:
            missing = [subjects[s].name for s, v in marks.items() if v is None]
            lists.append([_("Не аттестован"), learner.full_name, ", ".join(missing)])
    order = [_("Отличник"), _("Хорошист"), _("С одной «3»"), _("Неуспевающий"), _("Не аттестован")]
    lists.sort(key=lambda r: order.index(r[0]))
    return [Table(title, summary_cols, rows),
            Table(_("Списки обучающихся"), [_("Категория"), _("ФИО"), _("Предметы")], lists)]


def _failing(sc) -> set[str]:
    return {v.value for v in sc.values if v.is_failing}


def ledger(session, params) -> list[Table]:
    """Сводная ведомость учёта успеваемости обучающихся класса for one period:
    learners × subjects with the period's final marks (one table, one XLSX sheet,
    named after the period). Without a period: the class's current study period."""
    group, period = group_and_period(session, params)
    if period is None:
        from app.services.periods import pick_period, study_periods

        from .population import host

        period = pick_period(study_periods(session, host(), group), None)
    if period is None:
        return []
    # A ledger is kept for decades: everyone who was in the class during the period.
    learners = learners_during(session, group, period.start, period.end)
    subjects = subjects_of(session, group)
    members = subgroup_members(session, group)
    finals = _finals(session, [l.id for l in learners], [period.id])
    worth = {v.value: v.worth for v in scale(group).values}
    rows = []
    for learner in learners:
        row = [learner.full_name]
        for s in subjects:
            value = finals.get((learner.id, s.id, period.id))
            if not takes(members, s.id, learner.id):
                value = "—"
            elif value is not None and worth.get(value) is not None and float(worth[value]).is_integer():
                value = int(worth[value])  # a number in XLSX, not text
            row.append(value)
        rows.append(row)
    return [Table(period.name, [_("ФИО")] + [s.name for s in subjects], rows)]


def year_results(session, params) -> list[Table]:
    """Итоговые данные по учащимся: each learner's year marks by subject, the
    mean, and the outcome the pedagogical council decides on."""
    group, year_period = group_and_period(session, params)
    if year_period is None:  # not asked for: the year's «Год»
        year_period = session.scalar(select(Period).where(Period.year_id == group.year_id,
                                                          Period.plugin == "school", Period.type_code == "year"))
    title = _("Итоговые данные по учащимся")
    if year_period is None:
        return [Table(title, [_("Примечание")], [[_("В учебном году нет периода «Год».")]])]
    if not marks_given(session, group, year_period):
        return _no_marks_table(title, group, year_period)
    learners = learners_at(session, group, year_period.end)
    subjects = subjects_of(session, group)
    members = subgroup_members(session, group)
    finals = _finals(session, [l.id for l in learners], [year_period.id])
    sc = scale(group)
    worth = {v.value: v.worth for v in sc.values}
    rows = []
    for learner in learners:
        marks = [finals.get((learner.id, s.id, year_period.id)) if takes(members, s.id, learner.id) else "—"
                 for s in subjects]
        counted = [m for m in marks if m != "—"]
        f = summarise({learner.id: counted}, sc)
        outcome = (_("отличник") if f.excellent else _("хорошист") if f.good else
                   _("академическая задолженность") if f.failing else
                   _("не аттестован") if f.not_assessed else _("успевает"))
        shown = [int(worth[m]) if m in worth and worth[m] is not None else m for m in marks]
        rows.append([learner.full_name, *shown, f.mean, outcome])
    return [Table(title, [_("ФИО"), *(s.name for s in subjects), _("Средний балл"), _("Итог года")], rows)]
