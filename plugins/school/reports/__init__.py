"""Reports of the school plugin (seeds 000–002), registered through ``register_reports``."""
from __future__ import annotations

from app.registry import ReportParam, ReportSpec

from .attendance import attendance_by_month
from .fill import class_fill
from .results import class_results, class_teacher_period, ledger

ADMINISTRATION = ("Администратор", "Директор", "Завуч")
CLASS = ReportParam("group", "Класс", "group")
PERIOD = ReportParam("period", "Период", "period")


def specs(plugin: str) -> list[ReportSpec]:
    return [
        ReportSpec("school.class_fill", plugin, "Наполняемость классов",
                   roles=(*ADMINISTRATION, "Секретарь", "Сотрудник УО"), run=class_fill,
                   params=(ReportParam("organisation", "Организация", "organisation"),)),
        ReportSpec("school.class_results", plugin, "Итоги успеваемости класса за период",
                   roles=(*ADMINISTRATION, "Классный руководитель", "Сотрудник УО"), run=class_results,
                   params=(CLASS, PERIOD), landscape=True),
        ReportSpec("school.class_teacher_period", plugin, "Отчёт классного руководителя за период",
                   roles=(*ADMINISTRATION, "Классный руководитель"), run=class_teacher_period,
                   params=(CLASS, PERIOD)),
        ReportSpec("school.ledger", plugin, "Сводная ведомость учёта успеваемости обучающихся класса",
                   roles=(*ADMINISTRATION, "Классный руководитель", "Секретарь"), run=ledger,
                   params=(CLASS,), landscape=True),
        ReportSpec("school.attendance_by_month", plugin, "Отчёт о посещаемости класса по месяцам",
                   roles=(*ADMINISTRATION, "Классный руководитель"), run=attendance_by_month,
                   params=(CLASS,)),
    ]
