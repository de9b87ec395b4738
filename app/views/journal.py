"""Журнал → Классный журнал (a college's «Журнал учебной группы»): the grid a teacher fills every day."""
from __future__ import annotations

import json

from flask import abort, current_app, jsonify, request
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup
from sqlalchemy import select

from .. import clock, reference
from ..extensions import db
from ..models import AttendanceCode, LearnerGroup, Lesson, Subgroup, Subject, TeachingAssignment
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
         .join(Subject, Subject.id == TeachingAssignment.subject_id))
    if scope is not None and scope.learner_ids is not None:
        # One statement: his load, the classes he leads and (R15) the class and subject of
        # the lessons he replaces; three parts, not an OR, so that each finds its index.
        me = scope.person_id
        q = q.where(TeachingAssignment.teacher_id == me).union(
            q.where(LearnerGroup.leader_id == me),
            select(Lesson.group_id, Lesson.subject_id, LearnerGroup.name, Subject.name, LearnerGroup.level)
            .join(LearnerGroup, LearnerGroup.id == Lesson.group_id).join(Subject, Subject.id == Lesson.subject_id)
            .where(Lesson.substitute_id == scope.person_id))
    else:
        q = q.distinct()
    return sorted(session.execute(q).all(), key=lambda r: (r[4], r[2], r[3]))


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
        codes = _codes(session, group.org_id) if group_id else []
        return self.render_template(
            "journal/grid.html", subgroups=subgroups, subgroup_id=subgroup_id, cells=grid_data(grid, can_write) if grid else None, pairs=pairs, group_id=group_id, subject_id=subject_id, periods=periods or [],
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


def grid_data(grid, can_write: bool) -> Markup:
    """The mark cells of the grid as one compact JSON document; app/static/journal_grid.js
    builds the inputs from it. A class of 30 with 80 lessons and three kinds of work is
    7,200 cells: as HTML inputs they were 2 MB of the page and most of its server time.

    ``cols``: [lesson id, assignment id or 0, 1 when the column starts its lesson (attendance
    is typed there), what the column is for a screen reader («20.11.2026, Ответ на уроке»),
    the header's day («20.11»), the lesson's number, its topic, the work's label];
    ``rows``: [learner id, name, index of the first column after the learner left (read-only
    from there on) or -1]; ``cells``: a row of cells per learner, each 0 when empty, else
    [mark, mark version, attendance code, attendance version] without empty ends
    (a debt without a mark is «.»); ``write``: 1 when the user may change marks.
    """
    columns = grid.columns
    cols = []
    for c in columns:
        day = f"{c.date.day:02d}.{c.date.month:02d}"
        cols.append([c.lesson_id, c.assignment_id or 0, 1 if c.first else 0,
                     f"{day}.{c.date.year}" + (f", {c.label}" if c.label else ""), day, c.number, c.topic or "", c.label])
    # Each mark and attendance put straight into its place: one pass over them, not two
    # look-ups for each of the 7,200 cells of a page.
    row_of = {row.learner_id: i for i, row in enumerate(grid.rows)}
    column_of = {c.assignment_id: i for i, c in enumerate(columns) if c.assignment_id}
    lesson_column = {c.lesson_id: i for i, c in enumerate(columns) if c.first}  # attendance is typed there
    cells = [[0] * len(columns) for _ in grid.rows]
    for learner, assignment, value, version, debt in grid.marks:
        r, c = row_of.get(learner), column_of.get(assignment)
        if r is not None and c is not None:
            # models.journal.mark_text, written out: a call for each of 7,200 cells costs more than this line
            cells[r][c] = ["." if debt and not value else value, version or 0]
    for (learner, lesson), (code, version) in grid.attendance.items():
        r, c = row_of.get(learner), lesson_column.get(lesson)
        if r is not None and c is not None:
            line = cells[r]
            if line[c] == 0:
                line[c] = ["", 0, code, version or 0]
            else:
                line[c] += [code, version or 0]
    rows = []
    for row in grid.rows:
        closed = -1
        if row.left_on:
            closed = next((i for i, c in enumerate(columns) if c.date > row.left_on), -1)
        rows.append([row.learner_id, row.name, closed])
    return htmlsafe_json_dumps({"cols": cols, "rows": rows, "cells": cells, "write": 1 if can_write else 0},
                               dumps=_compact_json)


def _compact_json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _codes(session, org_id: int):
    return sorted(reference.rows(session, AttendanceCode, org_id), key=lambda c: c.code)
