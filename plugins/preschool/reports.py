"""Табель учёта посещаемости детей: days present per child of a group in a month."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import hookimpl
from app.models import Attendance, AttendanceCode, Learner
from app.registry import ReportParam, ReportSpec, Table
from app.roles import ADMINISTRATOR, DEPUTY, DIRECTOR

from . import name


def attendance_sheet(session, params) -> list[Table]:
    group_id = params["group"]
    start = params["month"].replace(day=1)
    end = (start + dt.timedelta(days=32)).replace(day=1)
    learners = session.scalars(select(Learner).where(Learner.group_id == group_id).order_by(Learner.last_name, Learner.first_name)).all()
    absences = session.execute(
        select(Attendance.learner_id, Attendance.date, AttendanceCode.code)
        .join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
        .where(Attendance.learner_id.in_([l.id for l in learners]), Attendance.date >= start, Attendance.date < end)
    ).all()
    by_learner: dict[int, dict[int, str]] = {}
    for learner_id, day, code in absences:
        by_learner.setdefault(learner_id, {})[day.day] = code
    days = [(start + dt.timedelta(days=i)) for i in range((end - start).days)]
    columns = ["ФИО"] + [str(d.day) for d in days] + ["Пропущено дней"]
    rows = []
    for learner in learners:
        marks = by_learner.get(learner.id, {})
        rows.append([learner.full_name] + [marks.get(d.day, "") for d in days] + [len(marks)])
    return [Table("Табель учёта посещаемости детей", columns, rows)]


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    return [ReportSpec("preschool.attendance_sheet", name, "Табель учёта посещаемости детей",
                       roles=(ADMINISTRATOR, DIRECTOR, DEPUTY, "Воспитатель"), run=attendance_sheet,
                       params=(ReportParam("group", "Группа", "group"), ReportParam("month", "Месяц", "month")),
                       landscape=True)]
