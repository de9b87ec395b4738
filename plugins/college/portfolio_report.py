"""«Преподаватели, не обновлявшие портфолио»: the teachers whose portfolio was corrected
on fewer days of the current semester than the organisation's rule asks (seed 003,
3.4.5: «не реже двух раз в семестр»).

The current semester is the semester of the organisation's current year holding
today; in a session or the holidays, the semester just ended (the report is then
about it, and its title says so)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import clock
from app.exceptions import ReportError
from app.models import Organisation
from app.registry import ReportSpec, Table
from app.roles import ADMINISTRATOR, DIRECTOR

from . import name
from .portfolio_parts import HEAD, MANAGER
from .portfolio_service import current_semester, current_year, required_updates, teachers_select

ROLES = (HEAD, MANAGER, DIRECTOR, ADMINISTRATOR)


def stale_portfolios(session, params) -> list[Table]:
    organisation = session.get(Organisation, params["organisation"])
    if organisation is None or name not in (organisation.plugins or []):
        raise ReportError(_l("Портфолио преподавателей ведётся в колледжах (СПО)."))
    year = current_year(session, organisation.id)
    if year is None:
        raise ReportError(_l("У организации нет начавшегося учебного года."))
    semester = current_semester(session, year)
    if semester is None:
        raise ReportError(_l("В учебном году %(year)s нет начавшегося семестра: добавьте семестры в учебные периоды.",
                             year=year.name))
    needed = required_updates(organisation)
    columns = [str(_l("№")), str(_l("Преподаватель")), str(_l("Должность")), str(_l("Обновлений в семестре")),
               str(_l("Последнее обновление"))]
    rows = []
    for staff, _entries, updates, last in session.execute(teachers_select(organisation.id, year, semester)):
        if updates >= needed:
            continue
        shown = (clock.local_from_utc(last, organisation.timezone).strftime("%d.%m.%Y") if last
                 else str(_l("не заполнялось")))
        rows.append([len(rows) + 1, staff.full_name, staff.position or "", updates, shown])
    ended = semester.end < clock.today()
    title = str(_l("%(semester)s %(year)s (%(start)s – %(end)s)%(ended)s; требуется обновлений: не менее %(n)s",
                   semester=semester.name, year=year.name, start=semester.start.strftime("%d.%m.%Y"),
                   end=semester.end.strftime("%d.%m.%Y"), n=needed,
                   ended=str(_l(", семестр завершён")) if ended else ""))
    if not rows:
        title += ". " + str(_l("Все преподаватели обновляли портфолио достаточно часто."))
    return [Table(title, columns, rows)]


def report_specs() -> list[ReportSpec]:
    return [ReportSpec("college.portfolio_stale", name, "Преподаватели, не обновлявшие портфолио", roles=ROLES,
                       run=stale_portfolios)]
