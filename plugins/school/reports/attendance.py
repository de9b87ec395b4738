"""Отчёт о посещаемости класса по месяцам, by the reason of absence."""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.models import AcademicYear, Attendance, AttendanceCode, Learner
from app.registry import Chart, Table

from .population import group_and_period

MONTHS = ["Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь"]
SHORT_MONTHS = ["янв.", "фев.", "март", "апр.", "май", "июнь", "июль", "авг.", "сен.", "окт.", "нояб.", "дек."]
CATEGORIES = ("illness", "excused", "unexcused", "unknown", "exempt", "late")
MISSED = ("illness", "excused", "unexcused", "unknown")


def attendance_by_month(session, params) -> list[Table]:
    group, _period = group_and_period(session, params)
    year = session.get(AcademicYear, group.year_id)
    # One query: month × category over the class's learners in the year.
    month = func.extract("month", Attendance.date)
    yr = func.extract("year", Attendance.date)
    rows = session.execute(
        select(yr, month, AttendanceCode.category, func.count(Attendance.id))
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .join(Learner, Learner.id == Attendance.learner_id)
        .where(Learner.group_id == group.id, Attendance.date >= year.start, Attendance.date <= year.end)
        .group_by(yr, month, AttendanceCode.category)).all()
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for y, m, category, n in rows:
        counts.setdefault((int(y), int(m)), {})[category] = n
    columns = [_("Месяц"), _("Пропущено уроков"), _("По болезни"), _("По уважительной причине"),
               _("Без уважительной причины"), _("Причина не выяснена («ОТ»)"), _("Освобождены"), _("Опозданий")]
    table, totals = [], [0] * 7
    y, m = year.start.year, year.start.month
    while (y, m) <= (year.end.year, year.end.month):
        c = counts.get((y, m), {})
        missed = sum(c.get(k, 0) for k in ("illness", "excused", "unexcused", "unknown"))
        values = [missed, *(c.get(k, 0) for k in CATEGORIES)]
        totals = [a + b for a, b in zip(totals, values)]
        table.append([f"{MONTHS[m - 1]} {y}", *values])
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    table.append([_("Итого за год"), *totals])
    chart = Chart(_("Пропущено уроков по месяцам и причинам"), 0, (2, 3, 4, 5), kind="stacked", skip_last=True,
                  y_label=_("уроков"))
    return [Table(_("Посещаемость класса по месяцам"), columns, table, chart)]


def attendance_ledger(session, params) -> list[Table]:
    """Сводная ведомость учёта посещаемости for a period (a quarter, the year): learners ×
    the period's months, missed lessons, with the period's totals by reason."""
    from .population import learners_during

    group, period = group_and_period(session, params)
    year = session.get(AcademicYear, group.year_id)
    start, end = (period.start, period.end) if period is not None else (year.start, year.end)
    learners = learners_during(session, group, start, end)
    month = func.extract("month", Attendance.date)
    yr = func.extract("year", Attendance.date)
    counts: dict[int, dict] = {}
    for learner_id, y, m, category, n in session.execute(
            select(Attendance.learner_id, yr, month, AttendanceCode.category, func.count(Attendance.id))
            .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
            .where(Attendance.learner_id.in_([l.id for l in learners]), Attendance.date >= start,
                   Attendance.date <= end)
            .group_by(Attendance.learner_id, yr, month, AttendanceCode.category)):
        c = counts.setdefault(learner_id, {})
        c[(int(y), int(m))] = c.get((int(y), int(m)), 0) + (n if category in MISSED else 0)
        c[category] = c.get(category, 0) + n
    months = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    rows = []
    for learner in learners:
        c = counts.get(learner.id, {})
        per_month = [c.get(ym, 0) for ym in months]
        rows.append([learner.full_name, *per_month, sum(per_month), c.get("illness", 0), c.get("excused", 0),
                     c.get("unexcused", 0) + c.get("unknown", 0)])
    columns = [_("ФИО"), *(SHORT_MONTHS[mm - 1] for _y, mm in months), _("Всего"), _("По болезни"),
               _("По уважительной"), _("Без уважительной")]
    # The figures are lessons missed, not days: the table's title says so.
    title = _("Пропущено уроков")
    return [Table(f"{title}: {period.name}" if period is not None else title, columns, rows)]
