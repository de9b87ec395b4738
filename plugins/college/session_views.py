"""Pages of the session: the sheets of a group and session, one sheet to fill, the
retakes (Журнал → «Сессия»), and the academic debts (Журнал → «Академические задолженности»).

Every write goes through ``exams``: a refusal is flashed in Russian and nothing is saved.
"""
from __future__ import annotations

from collections import defaultdict

from flask import abort, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.idempotency import once
from app.models import AcademicYear, Learner, LearnerGroup, Period, Staff, Subject
from app.registry import READ, WRITE
from app.views.base import saved

from . import exams
from .exam_models import KINDS, ExamResult, ExamRetake, ExamSheet
from .exams import DEBTS, SHEETS


def _host():
    from flask import current_app

    return current_app.extensions["ejournal"]


def _groups(only=None):
    """The college groups of the open years the user reaches (``only``: of these ids)."""
    kinds = [k for k, v in _host().group_kinds.items() if v.plugin == exams.PLUGIN]
    q = (select(LearnerGroup).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
         .where(LearnerGroup.kind.in_(kinds), AcademicYear.closed.is_(False))
         .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id))
    if only is not None:
        q = q.where(LearnerGroup.id.in_(list(only)))
    return db.session.scalars(q).all()


def _sessions(group):
    if group is None:
        return []
    return db.session.scalars(select(Period).where(Period.year_id == group.year_id, Period.type_code == "session")
                              .order_by(Period.order, Period.id)).all()


def _pick(groups, sessions_of):
    """The group and session asked for, else the first group and the session now held
    (or the last begun, or the first)."""
    group_id = request.values.get("group", type=int)
    group = next((g for g in groups if g.id == group_id), groups[0] if groups else None)
    sessions = sessions_of(group)
    session_id = request.values.get("session", type=int)
    today = clock.today()
    chosen = next((p for p in sessions if p.id == session_id), None) \
        or next((p for p in sessions if p.start <= today <= p.end), None) \
        or next((p for p in reversed(sessions) if p.start <= today), None) \
        or (sessions[0] if sessions else None)
    return group, sessions, chosen


def _names(ids) -> dict[int, str]:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {s.id: s.short_name for s in db.session.scalars(select(Staff).where(Staff.id.in_(ids)))}


class SessionView(BaseView):
    route_base = "/college/session"
    class_permission_name = SHEETS
    method_permission_name = {"index": READ, "sheet": READ, "retakes": READ, "add": WRITE, "save": WRITE,
                              "close": WRITE, "reopen": WRITE, "retake_add": WRITE, "retake_save": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Сессия: экзаменационные ведомости")

    def _access(self):
        return exams.access_for(db.session, current_user)

    @expose("/")
    @has_access
    def index(self):
        s = db.session
        groups = _groups()
        group, sessions, chosen = _pick(groups, _sessions)
        sheets = []
        if group is not None and chosen is not None:
            sheets = s.execute(
                select(ExamSheet, Subject.name).join(Subject, Subject.id == ExamSheet.subject_id)
                .where(ExamSheet.group_id == group.id, ExamSheet.session_id == chosen.id)
                .order_by(ExamSheet.date, Subject.name)).all()
        access = self._access()
        subjects = staff = []
        if access.manager:
            subjects = s.execute(select(Subject.id, Subject.name).where(Subject.plugin == exams.PLUGIN)
                                 .order_by(Subject.name)).all()
            staff = s.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name, Staff.id)).all()
        return self.render_template(
            "college/session/sheets.html", groups=groups, group=group, sessions=sessions, chosen=chosen,
            sheets=sheets, names=_names(sheet.examiner_id for sheet, _n in sheets), kinds=KINDS,
            manager=access.manager, subjects=subjects, staff=staff)

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        f = request.form
        back = url_for("SessionView.index", group=f.get("group"), session=f.get("session"))
        return saved(lambda: exams.create_sheet(
            db.session, _host(), self._access(), group_id=f.get("group"), subject_id=f.get("subject"),
            session_id=f.get("session"), kind=f.get("kind", ""), examiner_id=f.get("examiner"), date=f.get("date")),
            _("Ведомость создана."), back)

    @expose("/sheet/<int:sheet_id>")
    @has_access
    def sheet(self, sheet_id: int):
        s = db.session
        sheet = s.get(ExamSheet, sheet_id)
        if sheet is None:
            abort(404)
        host = _host()
        learners = exams.sheet_learners(s, sheet)
        results = {r.learner_id: r for r in s.scalars(select(ExamResult).where(ExamResult.sheet_id == sheet.id))}
        retakes = defaultdict(list)
        for r in s.scalars(select(ExamRetake).where(ExamRetake.sheet_id == sheet.id).order_by(ExamRetake.number)):
            retakes[r.learner_id].append(r)
        names = _names({sheet.examiner_id} | {r.examiner_id for rs in retakes.values() for r in rs})
        rows = []
        for learner in learners:
            result = results.get(learner.id)
            rows.append({
                "learner": learner,
                "code": exams.result_code(result.outcome, result.value, result.absence_reason) if result else "",
                "attempts": exams.attempts(host, sheet, result, retakes.get(learner.id, []), names),
                "debt": bool(result) and exams.is_debt(host, sheet.kind, *_last(result, retakes.get(learner.id))),
            })
        access = self._access()
        return self.render_template(
            "college/session/sheet.html", sheet=sheet, rows=rows, kinds=KINDS, names=names,
            choices=exams.choices(host, sheet.kind), can_fill=not sheet.closed and access.fills(
                sheet.group_id, sheet.examiner_id), manager=access.manager, today=clock.today())

    @expose("/sheet/<int:sheet_id>/save", methods=["POST"])
    @has_access
    def save(self, sheet_id: int):
        f = request.form
        entries = {key[2:]: value for key, value in f.items() if key.startswith("r_")}
        return saved(lambda: exams.fill_sheet(db.session, _host(), self._access(), sheet_id, entries,
                                               f.get("version")),
                      _("Ведомость сохранена."), url_for("SessionView.sheet", sheet_id=sheet_id))

    @expose("/sheet/<int:sheet_id>/close", methods=["POST"])
    @has_access
    def close(self, sheet_id: int):
        return saved(lambda: exams.close_sheet(db.session, _host(), self._access(), sheet_id),
                      _("Ведомость закрыта; итоговые отметки семестра выставлены."),
                      url_for("SessionView.sheet", sheet_id=sheet_id))

    @expose("/sheet/<int:sheet_id>/reopen", methods=["POST"])
    @has_access
    def reopen(self, sheet_id: int):
        return saved(lambda: exams.reopen_sheet(db.session, self._access(), sheet_id, request.form.get("reason", "")),
                      _("Ведомость открыта для исправления."), url_for("SessionView.sheet", sheet_id=sheet_id))

    @expose("/retakes")
    @has_access
    def retakes(self):
        s = db.session
        host = _host()
        groups = _groups()
        group, sessions, chosen = _pick(groups, _sessions)
        rows, debtors = [], []
        access = self._access()
        if group is not None and chosen is not None:
            rows = s.execute(
                select(ExamRetake, ExamSheet, Subject.name, Learner)
                .join(ExamSheet, ExamSheet.id == ExamRetake.sheet_id)
                .join(Subject, Subject.id == ExamSheet.subject_id)
                .join(Learner, Learner.id == ExamRetake.learner_id)
                .where(ExamSheet.group_id == group.id, ExamSheet.session_id == chosen.id)
                .order_by(Learner.last_name, Learner.first_name, Learner.id, Subject.name, ExamRetake.number)).all()
            if access.manager:
                debtors = [d for d in exams.debts(s, host, group_ids=[group.id], session_id=chosen.id)
                           if d.next_retake is None and d.retakes_left > 0]
        staff = s.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name, Staff.id)).all() \
            if access.manager else []
        return self.render_template(
            "college/session/retakes.html", groups=groups, group=group, sessions=sessions, chosen=chosen,
            rows=[(r, sheet, subject, learner, exams.result_text(host, sheet.kind, r.outcome, r.value,
                                                               r.absence_reason) if r.closed else "",
                   exams.choices(host, sheet.kind) if not r.closed and access.fills(sheet.group_id, r.examiner_id)
                   else None) for r, sheet, subject, learner in rows],
            names=_names(r.examiner_id for r, *_ in rows), debtors=debtors, manager=access.manager, staff=staff,
            today=clock.today())

    def _back_to_retakes(self):
        f = request.form
        return url_for("SessionView.retakes", group=f.get("group") or None, session=f.get("session") or None)

    @expose("/retakes/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def retake_add(self):
        f = request.form
        sheet_id, _sep, learner_id = (f.get("debt") or "").partition(":")
        return saved(lambda: exams.add_retake(
            db.session, _host(), self._access(), sheet_id=sheet_id, learner_id=learner_id, date=f.get("date"),
            examiner_id=f.get("examiner"), commission=f.get("commission", "")),
            _("Пересдача назначена."), self._back_to_retakes())

    @expose("/retakes/<int:retake_id>/save", methods=["POST"])
    @has_access
    def retake_save(self, retake_id: int):
        return saved(lambda: exams.fill_retake(db.session, _host(), self._access(), retake_id,
                                                request.form.get("result", "")),
                      _("Результат пересдачи внесён."), self._back_to_retakes())


def _last(result, retakes):
    held = [r for r in (retakes or []) if r.closed]
    last = held[-1] if held else result
    return last.outcome, last.value, last.absence_reason


class DebtView(BaseView):
    route_base = "/college/debts"
    class_permission_name = DEBTS
    method_permission_name = {"index": READ, "overdue": READ, "deadline": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Академические задолженности")

    @expose("/")
    @has_access
    def index(self):
        s = db.session
        host = _host()
        access = exams.access_for(s, current_user)
        groups = _groups(access.reads_debts_of())
        group, sessions, chosen = _pick(groups, _sessions)
        found, sheets, results, deadline = [], [], {}, None
        learners = []
        if group is not None and chosen is not None:
            found = exams.debts(s, host, group_ids=[group.id], session_id=chosen.id)
            deadline = exams.deadlines(s, host, [chosen])[chosen.id]
            # The attestation results of the group: the last result of each student on each sheet.
            sheets = s.execute(select(ExamSheet, Subject.name).join(Subject, Subject.id == ExamSheet.subject_id)
                               .where(ExamSheet.group_id == group.id, ExamSheet.session_id == chosen.id)
                               .order_by(ExamSheet.date, Subject.name)).all()
            ids = [sheet.id for sheet, _n in sheets]
            kinds = {sheet.id: sheet.kind for sheet, _n in sheets}
            retakes = defaultdict(list)
            for r in s.scalars(select(ExamRetake).where(ExamRetake.sheet_id.in_(ids)).order_by(ExamRetake.number)):
                retakes[(r.sheet_id, r.learner_id)].append(r)
            for r in s.scalars(select(ExamResult).where(ExamResult.sheet_id.in_(ids))):
                last = _last(r, retakes.get((r.sheet_id, r.learner_id)))
                results[(r.learner_id, r.sheet_id)] = (exams.result_text(host, kinds[r.sheet_id], *last),
                                                       exams.is_debt(host, kinds[r.sheet_id], *last))
            learners = s.scalars(select(Learner).where(Learner.group_id == group.id)
                                 .order_by(Learner.last_name, Learner.first_name, Learner.id)).all()
        return self.render_template(
            "college/session/debts.html", groups=groups, group=group, sessions=sessions, chosen=chosen, debts=found,
            deadline=deadline, manager=access.keeps_debts, sheets=sheets, results=results, learners=learners, kinds=KINDS,
            org_wide=access.reads_debts_of() is None)

    @expose("/overdue")
    @has_access
    def overdue(self):
        access = exams.access_for(db.session, current_user)
        if access.reads_debts_of() is not None:
            abort(403)  # the учебная часть's list of the whole organisation
        found = exams.debts(db.session, _host(), overdue_only=True)
        return self.render_template("college/session/overdue.html", debts=found, today=clock.today())

    @expose("/deadline", methods=["POST"])
    @has_access
    def deadline(self):
        f = request.form
        return saved(lambda: exams.set_deadline(db.session, exams.access_for(db.session, current_user),
                                                 f.get("session"), f.get("deadline")),
                      _("Срок ликвидации задолженностей установлен."),
                      url_for("DebtView.index", group=f.get("group") or None, session=f.get("session") or None))
