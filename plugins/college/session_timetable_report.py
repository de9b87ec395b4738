"""The printable session timetable of a group (PDF, XLSX through the core's report engine)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.exceptions import ReportError
from app.models import LearnerGroup, Period
from app.registry import ReportParam, ReportSpec, Table
from app.roles import ADMINISTRATOR, DIRECTOR, TEACHER

from . import name
from .session_timetable import timetable

MANAGER, HEAD, CURATOR = "Менеджер учебной части", "Заведующий учебной частью", "Куратор"
GROUP_KINDS = ("college_group",)


def session_timetable(session, params) -> list[Table]:
    period = session.get(Period, params["period"])
    group = session.get(LearnerGroup, params["group"])
    if period is None or group is None or period.type_code != "session":
        raise ReportError(_l("Выберите учебную группу и сессию."))
    events = timetable(session, group.id, period.id)
    rows = [[n, e.date, e.hours or str(_l("время не назначено")), e.what, e.subject, e.room, e.teacher]
            for n, e in enumerate(events, 1)]
    title = str(_l("Расписание сессии группы %(group)s — %(session)s (%(start)s — %(end)s)", group=group.name,
                   session=period.name, start=f"{period.start:%d.%m.%Y}", end=f"{period.end:%d.%m.%Y}"))
    return [Table(title, [str(_l("№")), str(_l("Дата")), str(_l("Время")), str(_l("Вид")), str(_l("Дисциплина")),
                          str(_l("Аудитория")), str(_l("Преподаватель"))], rows)]


def report_specs() -> list[ReportSpec]:
    return [ReportSpec("college.session_timetable", name, "Расписание сессии",
                       roles=(MANAGER, HEAD, DIRECTOR, ADMINISTRATOR, TEACHER, CURATOR), run=session_timetable,
                       params=(ReportParam("group", "Группа", "group", kinds=GROUP_KINDS),
                               ReportParam("period", "Сессия", "period", kinds=GROUP_KINDS,
                                           periods=("session",))), landscape=True)]
