"""Журнал → Классный журнал (a college's «Журнал учебной группы»): the grid a teacher fills every day."""
from __future__ import annotations

from flask import abort, current_app, jsonify, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import or_, select

from .. import clock
from ..extensions import db
from ..models import LearnerGroup, Lesson, Subgroup, Subject, TeachingAssignment
from ..registry import READ, WRITE
from ..scoping import current_scope
from ..services.journal import load_grid, save_cells, save_finals
from ..services.periods import pick_period, study_periods
from .vocabulary import word

MAX_BATCH = 500


def _choices(session):
    """(group, subject) pairs the user may open: a teacher his own load and the
    class he leads; an organisation-wide role every pair of the organisation."""
    scope = current_scope()
    q = (select(TeachingAssignment.group_id, TeachingAssignment.subject_id, LearnerGroup.name, Subject.name,
                LearnerGroup.level)
         .join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
         .join(Subject, Subject.id == TeachingAssignment.subject_id).distinct())
    rows = []
    if scope is not None and scope.learner_ids is not None:
        q = q.where(or_(TeachingAssignment.teacher_id == scope.person_id, LearnerGroup.leader_id == scope.person_id))
        # R15: a substitute opens the class and subject of the lessons he replaces.
        rows = session.execute(
            select(Lesson.group_id, Lesson.subject_id, LearnerGroup.name, Subject.name, LearnerGroup.level)
            .join(LearnerGroup, LearnerGroup.id == Lesson.group_id).join(Subject, Subject.id == Lesson.subject_id)
            .where(Lesson.substitute_id == scope.person_id).distinct()).all()
    return sorted(set(session.execute(q).all()) | set(rows), key=lambda r: (r[4], r[2], r[3]))


def _own_subgroup(session, group_id: int, subject_id: int) -> int | None:
    """The subgroup the current teacher teaches in this class and subject, if any."""
    scope = current_scope()
    if scope is None or scope.person_id is None:
        return None
    return session.scalar(select(TeachingAssignment.subgroup_id).where(
        TeachingAssignment.teacher_id == scope.person_id, TeachingAssignment.group_id == group_id,
        TeachingAssignment.subject_id == subject_id, TeachingAssignment.subgroup_id.is_not(None)))


class JournalView(BaseView):
    route_base = "/journal"
    class_permission_name = "Marks"
    method_permission_name = {"grid": READ, "save": WRITE}
    default_view = "grid"

    @staticmethod
    def menu_label():
        # The kind of group names its journal: «Классный журнал», «Журнал учебной группы».
        return word("journal")

    @expose("/")
    @has_access
    def grid(self):
        session = db.session
        host = current_app.extensions["ejournal"]
        pairs = _choices(session)
        group_id = request.args.get("group", type=int)
        subject_id = request.args.get("subject", type=int)
        if (group_id is None or subject_id is None) and pairs:
            group_id, subject_id = pairs[0][0], pairs[0][1]
        if group_id is not None and (group_id, subject_id) not in {(p[0], p[1]) for p in pairs}:
            abort(404)
        grid = periods = period = subgroup_id = None
        subgroups = []
        if group_id:
            group = session.get(LearnerGroup, group_id)
            if group is None:
                abort(404)
            periods = study_periods(session, host, group)
            period = pick_period(periods, request.args.get("period", type=int))
            # Subgroups of this subject (languages, labour, PE): the grid shows one at a time.
            subgroups = session.scalars(select(Subgroup).where(Subgroup.group_id == group_id,
                                                               Subgroup.subject_id == subject_id)
                                        .order_by(Subgroup.name)).all()
            subgroup_id = request.args.get("subgroup", type=int)
            if subgroup_id is None and subgroups:
                subgroup_id = _own_subgroup(session, group_id, subject_id) or subgroups[0].id
            if subgroup_id is not None and subgroup_id not in {s.id for s in subgroups}:
                abort(404)
            if period is not None:
                grid = load_grid(session, host, group_id, subject_id, period.id, subgroup_id)
        can_write = current_app.appbuilder.sm.level("Marks") >= 2
        codes = [c for c in _codes(session)]
        return self.render_template(
            "journal/grid.html", subgroups=subgroups, subgroup_id=subgroup_id, cells=cell_renderer(grid, can_write) if grid else None, pairs=pairs, group_id=group_id, subject_id=subject_id, periods=periods or [],
            period=period, grid=grid, can_write=can_write, codes=codes, today=clock.today(),
        )

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        payload = request.get_json(silent=True) or {}
        changes = payload.get("changes")
        if not isinstance(changes, list) or not changes or len(changes) > MAX_BATCH:
            return jsonify(message=_("Нет изменений для сохранения.")), 400
        scope = current_scope()
        host = current_app.extensions["ejournal"]
        teacher = scope.person_id if scope and scope.learner_ids is not None else None
        now = clock.now()
        try:
            finals = [c for c in changes if c.get("kind") == "final"]
            cells = [c for c in changes if c.get("kind") != "final"]
            results = (save_cells(db.session, host, cells, now, teacher_id=teacher) if cells else []) + \
                (save_finals(db.session, host, finals, now, teacher_id=teacher) if finals else [])
            db.session.commit()
        except (KeyError, ValueError, TypeError):
            db.session.rollback()
            return jsonify(message=_("Неверный формат запроса.")), 400
        return jsonify(results=[r.__dict__ for r in results])


def cell_renderer(grid, can_write: bool):
    """The mark cells of one row as HTML. Built in Python, not in Jinja: a class of
    30 with 80 lessons and three kinds of work is 7,200 inputs, and Jinja spent
    most of a second on them."""
    columns = [(i, c, c.date.strftime("%d.%m.%Y")) for i, c in enumerate(grid.columns)]
    marks, attendance = grid.marks, grid.attendance
    escaped: dict[str, str] = {}  # a class has few distinct cell texts: escape each once

    def render(row, ri: int) -> Markup:
        name = escape(row.name)
        out = []
        for i, c, day in columns:
            m = marks.get((row.learner_id, c.assignment_id)) if c.assignment_id else None
            a = attendance.get((row.learner_id, c.lesson_id)) if c.first else None
            mark = ("." if m[2] and not m[0] else m[0]) if m else ""
            raw = f"{a[0]} {mark}".strip() if a else mark
            text = escaped.get(raw)
            if text is None:
                text = escaped[raw] = str(escape(raw))
            closed = bool(row.left_on and c.date > row.left_on)
            css = ("lesson-start " if c.first else "") + ("after-leaving" if closed else "")
            out.append(
                f'<td class="{css}"><input type="text" value="{text}" data-orig="{text}" data-r="{ri}" data-c="{i}"'
                f' data-learner="{row.learner_id}" data-lesson="{c.lesson_id}" data-assignment="{c.assignment_id or ""}"'
                f' data-first="{1 if c.first else 0}" data-mark-version="{m[1] if m else ""}"'
                f' data-att-version="{a[1] if a else ""}" aria-label="{name}, {day}"'
                f'{" readonly" if not can_write or closed else ""}></td>'
            )
        return Markup("".join(out))  # nosec B704  # every value above is escaped or a number

    return render


def _codes(session):
    from ..models import AttendanceCode

    return session.scalars(select(AttendanceCode).order_by(AttendanceCode.code)).all()
