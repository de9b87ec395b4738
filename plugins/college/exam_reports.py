"""Reports of the session: the printable exam sheet, the academic debts of a group and
the students whose debts outlived their deadline. HTML, PDF and XLSX come from the
core's report engine; the reports read under the user's scope like every page."""
from __future__ import annotations

from collections import defaultdict

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app import clock
from app.exceptions import ReportError
from app.models import LearnerGroup, Period, Staff
from app.registry import ReportParam, ReportSpec, Table
from app.roles import ADMINISTRATOR, DIRECTOR, TEACHER

from . import name
from .exam_models import KINDS, ExamResult, ExamRetake, ExamSheet
from .exams import attempts, debts, sheet_learners

MANAGER, HEAD, CURATOR = "Менеджер учебной части", "Заведующий учебной частью", "Куратор"
GROUP_KINDS = ("college_group",)


def _host():
    return current_app.extensions["ejournal"]


def _date(day) -> str:
    return f"{day:%d.%m.%Y}" if day else ""


def exam_sheet(session, params) -> list[Table]:
    host = _host()
    period = session.get(Period, params["period"])
    sheet = session.scalar(select(ExamSheet).where(
        ExamSheet.group_id == params["group"], ExamSheet.subject_id == params["subject"],
        (ExamSheet.session_id == params["period"]) | (ExamSheet.period_id == params["period"])))
    if sheet is None or period is None:
        raise ReportError(_l("Ведомости по этой дисциплине у группы за выбранный период нет."))
    learners = sheet_learners(session, sheet)
    results = {r.learner_id: r for r in session.scalars(select(ExamResult).where(ExamResult.sheet_id == sheet.id))}
    retakes = defaultdict(list)
    for r in session.scalars(select(ExamRetake).where(ExamRetake.sheet_id == sheet.id).order_by(ExamRetake.number)):
        retakes[r.learner_id].append(r)
    staff_ids = {sheet.examiner_id} | {r.examiner_id for rs in retakes.values() for r in rs}
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(staff_ids)))}
    names = {i: s.short_name for i, s in staff.items()}
    rows = []
    for n, learner in enumerate(learners, 1):
        first, *later = attempts(host, sheet, results.get(learner.id), retakes.get(learner.id, []), names)
        retake_text = "; ".join(f"{a.label} {_date(a.date)}: {a.result or _l('не проведена')}" for a in later)
        rows.append([n, learner.full_name, first.result, retake_text])
    state = _l("закрыта %(date)s", date=_date(sheet.closed_at and clock.local_from_utc(sheet.closed_at))) \
        if sheet.closed else _l("не закрыта")
    title = str(_l("Экзаменационная ведомость № %(n)s. %(kind)s. Дисциплина: %(subject)s. Группа: %(group)s. "
                   "%(semester)s, %(session)s. Дата: %(date)s. Экзаменатор: %(examiner)s. Ведомость %(state)s.",
                   n=sheet.id, kind=KINDS.get(sheet.kind, sheet.kind), subject=sheet.subject.name,
                   group=sheet.group.name, semester=sheet.period.name, session=sheet.session.name,
                   date=_date(sheet.date), examiner=staff[sheet.examiner_id].full_name, state=state))
    table = Table(title, [str(_l("№")), str(_l("ФИО студента")), str(_l("Результат")), str(_l("Пересдачи"))], rows)
    signed = Table(str(_l("Подписи")), [str(_l("Должность")), str(_l("Подпись, расшифровка"))], [
        [str(_l("Экзаменатор")), f"________________ / {staff[sheet.examiner_id].short_name} /"],
        [str(_l("Менеджер учебной части")), "________________ / ________________ /"],
    ])
    return [table, signed]


def group_debts(session, params) -> list[Table]:
    period = session.get(Period, params["period"])
    group = session.get(LearnerGroup, params["group"])
    if period is None or group is None or period.type_code != "session":
        raise ReportError(_l("Выберите сессию."))
    found = debts(session, _host(), group_ids=[group.id], session_id=period.id)
    rows = [[n, d.learner, d.subject, d.kind, d.result, d.retakes_used, d.retakes_left, _date(d.next_retake),
             _date(d.deadline), str(_l("да")) if d.overdue else ""] for n, d in enumerate(found, 1)]
    title = str(_l("Академические задолженности группы %(group)s — %(session)s. Студентов с задолженностями: %(n)s.",
                   group=group.name, session=period.name, n=len({d.learner_id for d in found})))
    return [Table(title, [str(_l("№")), str(_l("ФИО студента")), str(_l("Дисциплина")), str(_l("Вид аттестации")),
                          str(_l("Последний результат")), str(_l("Пересдач было")), str(_l("Пересдач осталось")),
                          str(_l("Назначена пересдача")), str(_l("Срок ликвидации")), str(_l("Срок прошёл"))], rows)]


def overdue_debts(session, params) -> list[Table]:
    today = clock.today()
    found = debts(session, _host(), overdue_only=True)
    rows = [[n, d.group, d.learner, d.subject, d.session_name, d.result, _date(d.deadline), (today - d.deadline).days]
            for n, d in enumerate(found, 1)]
    title = str(_l("Студенты с академическими задолженностями после срока ликвидации на %(date)s: %(n)s.",
                   date=_date(today), n=len({d.learner_id for d in found})))
    return [Table(title, [str(_l("№")), str(_l("Группа")), str(_l("ФИО студента")), str(_l("Дисциплина")),
                          str(_l("Сессия")), str(_l("Последний результат")), str(_l("Срок ликвидации")),
                          str(_l("Просрочено, дней"))], rows)]


def report_specs() -> list[ReportSpec]:
    readers = (MANAGER, HEAD, DIRECTOR, ADMINISTRATOR)
    return [
        ReportSpec("college.exam_sheet", name, "Экзаменационная ведомость", roles=(*readers, TEACHER, CURATOR),
                   run=exam_sheet, params=(ReportParam("group", "Группа", "group", kinds=GROUP_KINDS),
                                           ReportParam("period", "Сессия или семестр", "period", kinds=GROUP_KINDS,
                                                       periods=("session", "study")),
                                           ReportParam("subject", "Дисциплина", "subject"))),
        ReportSpec("college.debts", name, "Академические задолженности", roles=(*readers, CURATOR), run=group_debts,
                   params=(ReportParam("group", "Группа", "group", kinds=GROUP_KINDS),
                           ReportParam("period", "Сессия", "period", kinds=GROUP_KINDS,
                                       periods=("session",))), landscape=True),
        ReportSpec("college.debts_overdue", name, "Студенты с задолженностями после срока ликвидации",
                   roles=readers, run=overdue_debts, landscape=True),
    ]
