"""Табель учёта посещаемости детей: a group's month, children × days."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import hookimpl
from app.exceptions import ReportError
from app.models import LearnerGroup
from app.registry import ReportParam, ReportSpec, Table
from app.roles import ADMINISTRATOR, AUTHORITY_OFFICER, DEPUTY, DIRECTOR

from . import name
from .month import MISSED_CATEGORIES, group_month
from .occupancy import occupancy

PRESENT = "+"
MISSED_LABELS = {"illness": _l("по болезни"), "excused": _l("по уваж. причине"),
                 "unexcused": _l("без уваж. причины"), "unknown": _l("причина не указана")}
KINDS = ("preschool_group",)


def attendance_sheet(session, params) -> list[Table]:
    """Children × days of the month: «+» attended, the absence's code, blank on a
    day not taken or not worked; then days attended, missed by reason, payable;
    the last row counts the children present each day."""
    group = session.get(LearnerGroup, params["group"])
    if group is None or group.kind not in KINDS:
        raise ReportError(_l("Табель ведётся для дошкольных групп."))
    month = group_month(session, group, params["month"])
    days = month.days
    working = set(month.working)
    columns = ([str(_l("№")), str(_l("Фамилия, имя ребёнка"))] + [str(d.day) for d in days]
               + [str(_l("Посещено дней")), str(_l("Пропущено дней"))]
               + [str(_l("Пропущено: %(reason)s", reason=MISSED_LABELS[c])) for c in MISSED_CATEGORIES]
               + [str(_l("Дней к оплате"))])
    rows = []
    for n, child in enumerate(month.children, 1):
        cells = [(child.marks[d] or PRESENT) if d in child.marks else "" for d in days]
        rows.append([n, child.learner.full_name, *cells, len(child.attended), child.missed_total,
                     *[child.missed(c) for c in MISSED_CATEGORIES], len(child.payable)])
    present = [month.present_on(d) if d in working else None for d in days]
    rows.append(["", str(_l("Присутствовало детей")), *["" if p is None else p for p in present],
                 sum(len(c.attended) for c in month.children), sum(c.missed_total for c in month.children),
                 *[sum(c.missed(cat) for c in month.children) for cat in MISSED_CATEGORIES],
                 sum(len(c.payable) for c in month.children)])
    shaded = [i + 2 for i, d in enumerate(days) if d not in working]
    title = str(_l("%(group)s: %(regime)s, рабочих дней — %(n)s", group=group.name,
                   regime=month.calendar.regime_text, n=len(month.working)))
    return [Table(title, columns, rows, shaded=shaded)]


@hookimpl
def register_reports(host) -> list[ReportSpec]:
    return [ReportSpec("preschool.attendance_sheet", name, "Табель учёта посещаемости детей",
                       roles=(ADMINISTRATOR, DIRECTOR, DEPUTY, "Воспитатель"), run=attendance_sheet,
                       params=(ReportParam("group", "Группа", "group", kinds=KINDS),
                               ReportParam("month", "Месяц", "month")),
                       landscape=True),
            ReportSpec("preschool.occupancy", name, "Наполняемость дошкольных групп",
                       roles=(AUTHORITY_OFFICER, ADMINISTRATOR, DIRECTOR, DEPUTY), run=occupancy, landscape=True,
                       across_organisations=True)]
