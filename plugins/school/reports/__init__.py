"""Reports of the school plugin (seeds 000–002), registered through ``register_reports``."""
from __future__ import annotations

from app import hookimpl
from app.registry import ReportParam, ReportSpec
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, CLASS_TEACHER, DEPUTY, DIRECTOR, SECRETARY, TEACHER

from .. import name
from .attendance import attendance_by_month, attendance_ledger
from .fill import class_fill
from .journal_print import journal_print
from .material import material_covered
from .movement import movement_dynamics, movement_ledger
from .preliminary import preliminary
from .results import class_results, class_teacher_period, ledger, year_results

ADMINISTRATION = (ADMINISTRATOR, DIRECTOR, DEPUTY)
# Classes of the current year only; a period is of the class's own scheme (quarters, or the
# halves / trimesters the year's mode names), the current one first.
CLASS = ReportParam("group", "Класс", "group", kinds=("class",))
PERIOD = ReportParam("period", "Период", "period")
# The year's own period («Год»): the итоговые данные are of the whole year.
YEAR = ReportParam("period", "Период", "period", periods=("whole_year",))
STUDY_OR_YEAR = ReportParam("period", "Период", "period", periods=("study", "whole_year"))
SUBJECT = ReportParam("subject", "Предмет", "subject")
DATES = ReportParam("dates", "Даты", "date_range")


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    return specs(name)


def specs(plugin: str) -> list[ReportSpec]:
    return [
        ReportSpec("school.class_fill", plugin, "Наполняемость классов",
                   roles=(*ADMINISTRATION, SECRETARY, AUTHORITY_OFFICER), run=class_fill,
                   params=(ReportParam("organisation", "Организация", "organisation"),)),
        ReportSpec("school.class_results", plugin, "Итоги успеваемости класса за период",
                   roles=(*ADMINISTRATION, CLASS_TEACHER, AUTHORITY_OFFICER), run=class_results,
                   params=(CLASS, PERIOD), landscape=True),
        ReportSpec("school.class_teacher_period", plugin, "Отчёт классного руководителя за период",
                   roles=(*ADMINISTRATION, CLASS_TEACHER), run=class_teacher_period,
                   params=(CLASS, PERIOD)),
        ReportSpec("school.ledger", plugin, "Сводная ведомость учёта успеваемости обучающихся класса",
                   roles=(*ADMINISTRATION, CLASS_TEACHER, SECRETARY), run=ledger,
                   params=(CLASS, PERIOD), landscape=True),
        ReportSpec("school.attendance_by_month", plugin, "Отчёт о посещаемости класса по месяцам",
                   roles=(*ADMINISTRATION, CLASS_TEACHER), run=attendance_by_month,
                   params=(CLASS,)),
        ReportSpec("school.attendance_ledger", plugin, "Сводная ведомость учёта посещаемости",
                   roles=(*ADMINISTRATION, CLASS_TEACHER, SECRETARY), run=attendance_ledger,
                   params=(CLASS, STUDY_OR_YEAR), landscape=True),
        ReportSpec("school.preliminary", plugin, "Предварительный отчёт классного руководителя за период",
                   roles=(*ADMINISTRATION, CLASS_TEACHER), run=preliminary,
                   params=(CLASS, PERIOD), landscape=True),
        ReportSpec("school.year_results", plugin, "Итоговые данные по учащимся",
                   roles=(*ADMINISTRATION, CLASS_TEACHER, SECRETARY), run=year_results,
                   params=(CLASS, YEAR), landscape=True),
        ReportSpec("school.journal_print", plugin, "Печатная форма классного журнала",
                   roles=(*ADMINISTRATION, CLASS_TEACHER, TEACHER), run=journal_print,
                   params=(CLASS, SUBJECT, PERIOD), landscape=True),
        ReportSpec("school.material_covered", plugin, "Учёт пройденного материала",
                   roles=(*ADMINISTRATION, AUTHORITY_OFFICER), run=material_covered,
                   params=(ReportParam("date", "На дату", "date"),), landscape=True),
        ReportSpec("school.movement_dynamics", plugin, "Динамика движения обучающихся",
                   roles=(*ADMINISTRATION, SECRETARY, AUTHORITY_OFFICER), run=movement_dynamics, params=(DATES,)),
        ReportSpec("school.movement_ledger", plugin, "Сводная ведомость учёта движения учащихся",
                   roles=(*ADMINISTRATION, SECRETARY), run=movement_ledger, params=(DATES,), landscape=True),
    ]
