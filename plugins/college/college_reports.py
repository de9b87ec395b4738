"""The college's reports of results and hours (seed 003, 3.2.8, 3.5.3, 5.1): the
сводная ведомость успеваемости группы, the учёт часов работы преподавателей and the
результаты аттестации. HTML, PDF and XLSX come from the core's report engine; every
query runs under the user's scope, so a curator gets only his own group and a user of
another organisation nothing of this one."""
from __future__ import annotations

from app import hookimpl
from app.registry import ReportParam, ReportSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR

from . import name
from .report_common import GROUP_KINDS
from .report_hours import teacher_hours
from .report_ledger import group_ledger
from .report_results import college_results, group_results

MANAGER, HEAD, CURATOR = "Менеджер учебной части", "Заведующий учебной частью", "Куратор"
STUDY_OFFICE = (HEAD, MANAGER, DIRECTOR, ADMINISTRATOR, DEPUTY)
GROUP = ReportParam("group", "Учебная группа", "group", kinds=GROUP_KINDS)
# The current year's semesters (the current one first) and the year itself.
PERIOD = ReportParam("period", "Семестр или учебный год", "period", kinds=GROUP_KINDS,
                     periods=("study", "whole_year"))


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    return [
        ReportSpec("college.group_ledger", name, "Сводная ведомость успеваемости группы",
                   roles=(*STUDY_OFFICE, CURATOR), run=group_ledger, params=(GROUP, PERIOD), landscape=True),
        ReportSpec("college.teacher_hours", name, "Учёт часов работы преподавателей", roles=STUDY_OFFICE,
                   run=teacher_hours, landscape=True,
                   params=(ReportParam("month", "Месяц", "month"),
                           # Free text: the engine has no list of teachers; empty — all of them.
                           ReportParam("teacher", "Преподаватель (часть ФИО, необязательно)", "text"))),
        ReportSpec("college.attestation_results", name, "Результаты аттестации",
                   roles=(*STUDY_OFFICE, CURATOR, AUTHORITY_OFFICER), run=college_results, params=(PERIOD,),
                   landscape=True),
        ReportSpec("college.attestation_results_group", name, "Результаты аттестации группы",
                   roles=(*STUDY_OFFICE, CURATOR, AUTHORITY_OFFICER), run=group_results, params=(GROUP, PERIOD),
                   landscape=True),
    ]
