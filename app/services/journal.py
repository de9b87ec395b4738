"""The class journal grid: what it shows (``load_grid``) and how a batch of
typed cells is saved (``save_cells``), with rules R1–R3 and optimistic locking.

Queries are fixed in number whatever the size of the class or the period:
every collection is read with one ``IN`` query and joined in Python.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import object_session
from sqlalchemy.orm.exc import StaleDataError

from .. import clock, reference
from ..exceptions import RuleError
from ..scoping import plain_rows
from ..models import (
    AcademicYear, Assignment, AssignmentType, Attendance, AttendanceCode, EditUnlock, FinalMark, Learner, LearnerGroup, Lesson, Mark,
    Organisation, Period, SubgroupMember, Subject, TeachingAssignment,
)
from .edit_window import check_editable
from .marks import check_value, marks_allowed, proposal_for_average, round_by_threshold


@dataclass
class Column:
    lesson_id: int
    date: dt.date
    number: int
    topic: str
    assignment_id: int | None
    label: str
    weight: float
    first: bool  # first column of its lesson: attendance is shown and typed here


@dataclass
class Row:
    learner_id: int
    name: str
    left_on: dt.date | None


@dataclass
class Grid:
    group: LearnerGroup
    period: Period
    columns: list[Column]
    rows: list[Row]
    # (learner, assignment, value, version, is_debt) as read: a page's 7,200 marks are
    # only walked through (placed in cells, summed), so no dictionary is built of them.
    marks: list = field(default_factory=list)
    attendance: dict = field(default_factory=dict)  # (learner, lesson) -> (code, version)
    marks_allowed: bool = True
    finals: dict = field(default_factory=dict)  # learner -> (value, version)
    proposals: dict = field(default_factory=dict)  # learner -> marks.Proposal
    final_periods: list = field(default_factory=list)  # год, экзамен, итог … of the plugin
    year_finals: dict = field(default_factory=dict)  # (learner, period) -> (value, version)
    year_proposals: dict = field(default_factory=dict)  # (learner, period) -> value
    # period -> the scale of its final marks, where a plugin says it is not the kind's usual one
    # (a college's зачёт: «зч» / «нз»); such a column proposes nothing.
    final_scales: dict = field(default_factory=dict)

    def mark_of(self, learner_id: int, assignment_id: int) -> tuple | None:
        """(value, version, is_debt) of the learner's mark for the work, or None."""
        return next(((value, version, debt) for learner, assignment, value, version, debt in self.marks
                     if learner == learner_id and assignment == assignment_id), None)


def load_grid(session, host, group_id: int, subject_id: int, period_id: int, subgroup_id: int | None = None) -> Grid | None:
    group = session.get(LearnerGroup, group_id)
    period = reference.get(session, Period, group.org_id, period_id) if group is not None else None
    if group is None or period is None:
        return None
    org_id = group.org_id
    # The lessons of the grid, as a condition the other reads join on (no long IN lists).
    of_grid = [Lesson.group_id == group_id, Lesson.subject_id == subject_id,
               Lesson.date >= period.start, Lesson.date <= period.end]
    if subgroup_id:
        of_grid.append(Lesson.subgroup_id == subgroup_id)
    type_names = reference.names(session, AssignmentType, org_id)
    columns, lesson_ids = [], []
    for lesson_id, date, number, topic, a_id, a_type, a_title, a_weight in plain_rows(session,
        select(Lesson.id, Lesson.date, Lesson.number, Lesson.topic,
               Assignment.id, Assignment.type_id, Assignment.title, Assignment.weight)
        .outerjoin(Assignment, Assignment.lesson_id == Lesson.id).where(*of_grid)
        .order_by(Lesson.date, Lesson.number, Lesson.id, Assignment.id)
    ):
        first = not lesson_ids or lesson_ids[-1] != lesson_id
        if first:
            lesson_ids.append(lesson_id)
            if isinstance(date, str):  # SQLite's driver gives a date as text
                date = dt.date.fromisoformat(date)
        else:
            date = columns[-1].date
        columns.append(Column(lesson_id, date, number, topic, a_id,
                              (a_title or type_names.get(a_type, "")) if a_id else "",
                              float(a_weight) if a_id else 1.0, first))
    # Learners who left the group for another one during or after the period (the
    # movement book keeps that history) stay in its journal, greyed after their last day in it.
    from .movement import moved_out

    moved_ids, moved_on = moved_out(group_id, period.start, Learner)
    learners_q = select(Learner, moved_on).where(
        or_(Learner.group_id == group_id, Learner.id.in_(moved_ids)),
        or_(Learner.left_on.is_(None), Learner.left_on >= period.start))
    if subgroup_id:
        learners_q = learners_q.where(Learner.id.in_(
            select(SubgroupMember.learner_id).where(
                SubgroupMember.subgroup_id == subgroup_id,
                # R9: only the members of the subgroup during this period (moves happen at a period's end).
                or_(SubgroupMember.valid_from.is_(None), SubgroupMember.valid_from <= period.end),
                or_(SubgroupMember.valid_to.is_(None), SubgroupMember.valid_to >= period.start))))
    rows = []
    for learner, moved in session.execute(
            learners_q.order_by(Learner.last_name, Learner.first_name, Learner.middle_name)):
        left_on = learner.left_on
        if moved is not None and learner.group_id != group_id:
            if isinstance(moved, str):  # SQLite gives a subquery's date as text
                moved = dt.date.fromisoformat(moved)
            last_day = moved - dt.timedelta(days=1)
            left_on = min(left_on, last_day) if left_on is not None else last_day
        rows.append(Row(learner.id, learner.full_name, left_on))
    learner_ids = [r.learner_id for r in rows]
    marks = plain_rows(session,
        select(Mark.learner_id, Mark.assignment_id, Mark.value, Mark.version, Mark.is_debt)
        .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
        # The listed learners, though the scope cuts the rows too: a teacher's scope lists
        # every learner he teaches, and SQLite probed the index for each of them a work.
        .where(*of_grid, Mark.learner_id.in_(learner_ids)))
    codes = reference.names(session, AttendanceCode, org_id, "code")
    attendance = {
        (learner, lesson): (codes.get(code_id, ""), version)
        for learner, lesson, code_id, version in plain_rows(session,
            select(Attendance.learner_id, Attendance.lesson_id, Attendance.code_id, Attendance.version)
            .join(Lesson, Lesson.id == Attendance.lesson_id).where(*of_grid, Attendance.learner_id.in_(learner_ids)))
    }
    org = reference.organisation(session, org_id)
    grid = Grid(group, period, columns, rows, marks, attendance, _marks_allowed(host, org, group, period.start))
    if grid.marks_allowed:
        year_periods = sorted((p for p in reference.rows(session, Period, org_id)
                               if p.year_id == period.year_id and p.plugin == period.plugin), key=lambda p: p.order)
        grid.final_periods = [p for p in year_periods if p.is_final]
        all_finals = defaultdict(dict)
        for learner, period_id, value, version in session.execute(
            select(FinalMark.learner_id, FinalMark.period_id, FinalMark.value, FinalMark.version).where(
                FinalMark.period_id.in_([p.id for p in year_periods]), FinalMark.subject_id == subject_id,
                FinalMark.learner_id.in_(learner_ids))):
            all_finals[learner][period_id] = (value, version)
        grid.finals = {l: f[period.id] for l, f in all_finals.items() if period.id in f}
        grid.year_finals = {(l, p): v for l, f in all_finals.items() for p, v in f.items()}
        usual = host.scale_for(group.kind)
        for p in [period, *grid.final_periods]:
            scale = host.final_scale(session, group, subject_id, p)
            if scale is not None and usual is not None and scale.code != usual.code:
                grid.final_scales[p.id] = scale
        # An average of five-point marks proposes no «зачёт»: the teacher decides it.
        grid.proposals = {} if period.id in grid.final_scales else _proposals(host, org, group, columns, rows, marks)
        grid.year_proposals = {key: value for key, value in
                               _year_proposals(host, org, group, year_periods, all_finals).items()
                               if key[1] not in grid.final_scales}
    return grid


def _year_proposals(host, org, group, year_periods, all_finals) -> dict:
    """The year mark proposed from the period marks already set: their mean, rounded
    by the organisation's threshold (R5). Exam and final marks are not proposed."""
    scale = host.scale_for(group.kind)
    worth = {v.value: v.worth for v in scale.values}
    by_worth = {v.worth: v.value for v in scale.values if v.worth is not None}
    threshold = host.setting(org, host.group_kinds[group.kind].plugin, "rounding_threshold")
    terms = [p.id for p in year_periods if not p.is_final]
    years = [p.id for p in year_periods if p.is_final and getattr(host.period_types.get(p.type_code), "whole_year", False)]
    out = {}
    for learner, finals in all_finals.items():
        values = [worth.get(finals[t][0]) for t in terms if t in finals and worth.get(finals[t][0]) is not None]
        if values:
            proposed = by_worth.get(round_by_threshold(sum(values) / len(values), threshold))
            for y in years:
                out[(learner, y)] = proposed
    return out


def _proposals(host, org, group, columns, rows, marks) -> dict:
    """R5: the weighted average of each learner's current marks, rounded by the organisation's threshold."""
    scale = host.scale_for(group.kind)
    plugin = host.group_kinds[group.kind].plugin
    threshold = host.setting(org, plugin, "rounding_threshold")
    minimum = host.setting(org, plugin, "min_marks_for_final")
    worth = {v.value: v.worth for v in scale.values}
    weights = {c.assignment_id: c.weight for c in columns if c.assignment_id}
    totals = {}  # learner -> [Σ weight·mark, Σ weight, count]; a loop over every mark of the page
    for learner, a_id, value, _version, debt in marks:
        mark = None if debt else worth.get(value)
        weight = weights.get(a_id)
        if mark is None or weight is None:
            continue
        t = totals.get(learner)
        if t is None:
            totals[learner] = [weight * mark, weight, 1]
        else:
            t[0] += weight * mark
            t[1] += weight
            t[2] += 1
    out = {}
    for row in rows:
        total, weight, count = totals.get(row.learner_id, (0.0, 0.0, 0))
        out[row.learner_id] = proposal_for_average(total / weight if weight else None, count, scale, threshold, minimum)
    return out


def save_finals(session, host, changes: list[dict], now: dt.datetime, teacher_id: int | None = None) -> list[CellResult]:
    """Final marks of a period (R3: never «н/а» nor «освобождён»; R4: late ones are
    saved with a warning the Завуч sees). Each change is
    ``{key, kind: "final", group_id, subject_id, period_id, learner_id, value, version}``."""
    results = []
    for change in changes:
        key = str(change.get("key", ""))
        group = session.get(LearnerGroup, int(change["group_id"]))
        period = session.get(Period, int(change["period_id"]))
        subject_id, learner_id = int(change["subject_id"]), int(change["learner_id"])
        if group is None or period is None or not _learner_in_group(session, learner_id, group.id):
            results.append(CellResult(key, "error", str(_l("Класс, период или обучающийся недоступны."))))
            continue
        if teacher_id is not None and session.scalar(select(TeachingAssignment.id).where(
                TeachingAssignment.teacher_id == teacher_id, TeachingAssignment.group_id == group.id,
                TeachingAssignment.subject_id == subject_id)) is None:
            results.append(CellResult(key, "error", str(_l("Итоговые отметки ставит учитель, ведущий предмет в классе."))))
            continue
        org = session.get(Organisation, group.org_id)
        try:
            if not _marks_allowed(host, org, group, period.start):
                raise RuleError("R2", _l("В этом классе отметки не ставятся."))
            value = (change.get("value") or "").strip()
            with session.begin_nested():
                row = session.scalar(select(FinalMark).where(FinalMark.learner_id == learner_id,
                                                             FinalMark.subject_id == subject_id,
                                                             FinalMark.period_id == period.id))
                version = change.get("version")
                if (row is None) != (version in (None, "", 0)) or (row is not None and int(version) != row.version):
                    raise _Conflict()
                if not value:
                    if row is not None:
                        session.delete(row)
                    session.flush()
                    results.append(CellResult(key, "saved"))
                    continue
                value = check_value(host.final_scale(session, group, subject_id, period), value, final=True)
                if row is None:
                    row = FinalMark(org_id=group.org_id, learner_id=learner_id, subject_id=subject_id,
                                    period_id=period.id, value=value)
                    session.add(row)
                else:
                    row.value = value
                session.flush()
            deadline = host.final_deadline(session, org, period)
            warning = ""
            if clock.local_from_utc(now).date() > deadline:
                warning = str(_l("Итоговые отметки выставляются не позднее %(date)s; отметка сохранена с опозданием.",
                                 date=deadline.strftime("%d.%m.%Y")))
            results.append(CellResult(key, "saved", warning, value=row.value, version=row.version))
        except RuleError as exc:
            results.append(CellResult(key, "error", exc.shown()))
        except (StaleDataError, _Conflict, IntegrityError):
            session.expire_all()
            current = session.scalar(select(FinalMark).where(FinalMark.learner_id == learner_id,
                                                             FinalMark.subject_id == subject_id,
                                                             FinalMark.period_id == period.id))
            results.append(CellResult(key, "conflict", str(_l("Значение уже изменил другой пользователь.")),
                                      value=current.value if current else "", version=current.version if current else None))
    return results


def _marks_allowed(host, org, group, on) -> bool:
    kind = host.group_kinds.get(group.kind)
    if kind is None or not kind.takes_marks:
        return False
    plugin = kind.plugin
    try:
        full_year = host.setting(org, plugin, "no_marks_levels")
        first_half = host.setting(org, plugin, "no_marks_first_half_levels")
    except KeyError:
        return True
    year = reference.get(object_session(group), AcademicYear, group.org_id, group.year_id)
    year_start = year.start if year else on
    return marks_allowed(group.level, on, year_start, full_year, first_half)


@dataclass
class CellResult:
    key: str
    status: str  # saved, error, conflict
    message: str = ""
    value: str = ""
    version: int | None = None
    assignment_id: int | None = None  # the assignment a mark went to (created on the first mark of a lesson)


def save_cells(session, host, changes: list[dict], now: dt.datetime, teacher_id: int | None = None) -> list[CellResult]:
    """Save typed cells one by one, each in its own savepoint: a refused cell
    changes nothing and does not stop the others. Each change is
    ``{key, kind: "mark"|"attendance", lesson_id, assignment_id, learner_id, value, version}``.

    ``teacher_id``: the person saving, when he may write only his own lessons
    (the lesson's teacher or its substitute, R15); None for organisation-wide roles.
    """
    lesson_ids = {int(c["lesson_id"]) for c in changes}
    lessons = {l.id: l for l in session.scalars(select(Lesson).where(Lesson.id.in_(lesson_ids)))}
    groups = {g.id: g for g in session.scalars(
        select(LearnerGroup).where(LearnerGroup.id.in_({l.group_id for l in lessons.values()})))}
    orgs = {o.id: o for o in session.scalars(select(Organisation).where(Organisation.id.in_({g.org_id for g in groups.values()})))}
    unlocks = session.scalars(select(EditUnlock).where(
        EditUnlock.group_id.in_(groups), EditUnlock.status == "granted")).all()
    codes = {c.code.upper(): c for c in session.scalars(select(AttendanceCode))}
    results = []
    for change in changes:
        key = str(change.get("key", ""))
        lesson = lessons.get(int(change["lesson_id"]))
        if lesson is None:
            results.append(CellResult(key, "error", str(_l("Урок не найден или недоступен."))))
            continue
        group = groups[lesson.group_id]
        org = orgs[group.org_id]
        if teacher_id is not None and teacher_id not in (lesson.teacher_id, lesson.substitute_id) \
                and not (change["kind"] == "attendance" and group.leader_id == teacher_id):
            results.append(CellResult(key, "error", str(_l(
                "Урок ведёт другой учитель; отметки ставит он или замещающий учитель."))))
            continue
        kind = host.group_kinds.get(group.kind)
        try:
            window = host.setting(org, kind.plugin, "edit_window_days")
            check_editable(lesson.date, group.id, lesson.subject_id, window, now, unlocks)
            with session.begin_nested():
                if change["kind"] == "attendance":
                    result = _save_attendance(session, lesson, change, codes)
                else:
                    if not _marks_allowed(host, org, group, lesson.date):
                        raise RuleError("R2", _l("В этом классе отметки не ставятся: только посещаемость и темы."))
                    result = _save_mark(session, host, lesson, group, change)
                session.flush()
            results.append(CellResult(key, "saved", value=result[0], version=result[1],
                                      assignment_id=result[2] if len(result) > 2 else None))
        except RuleError as exc:
            results.append(CellResult(key, "error", exc.shown()))
        except (StaleDataError, _Conflict, IntegrityError):
            current = _current(session, change)
            results.append(CellResult(key, "conflict", str(_l("Значение уже изменил другой пользователь.")),
                                      value=current[0], version=current[1]))
    return results


class _Conflict(Exception):
    pass


def _learner_in_group(session, learner_id: int, group_id: int) -> bool:
    return session.scalar(select(Learner.id).where(Learner.id == learner_id, Learner.group_id == group_id)) is not None


def _save_mark(session, host, lesson, group, change):
    learner_id = int(change["learner_id"])
    if not _learner_in_group(session, learner_id, group.id):
        raise RuleError("R10", _l("Обучающийся не из этого класса."))
    value = (change.get("value") or "").strip()
    debt = value == "."
    if value and not debt:
        value = check_value(host.scale_for(group.kind), value)
    assignment_id = change.get("assignment_id")
    if assignment_id:
        assignment = session.get(Assignment, int(assignment_id))
        if assignment is None or assignment.lesson_id != lesson.id:
            raise RuleError("R3", _l("Задание не найдено на этом уроке."))
    else:
        assignment = _default_assignment(session, lesson)
    mark = session.scalar(select(Mark).where(Mark.assignment_id == assignment.id, Mark.learner_id == learner_id))
    version = change.get("version")
    if mark is None:
        if version not in (None, "", 0):
            raise _Conflict()  # the client saw a mark that is gone now
        if not value:
            return "", None, assignment.id
        mark = Mark(org_id=lesson.org_id, assignment_id=assignment.id, learner_id=learner_id,
                    value="" if debt else value, is_debt=debt)
        session.add(mark)
        session.flush()
        return str(mark), mark.version, assignment.id
    if version is None or int(version) != mark.version:
        raise _Conflict()
    if not value:
        session.delete(mark)  # the audit log keeps the old value
        return "", None, assignment.id
    mark.value, mark.is_debt = ("" if debt else value), debt
    session.flush()
    return str(mark), mark.version, assignment.id


def _default_assignment(session, lesson):
    existing = session.scalar(select(Assignment).where(Assignment.lesson_id == lesson.id).order_by(Assignment.id))
    if existing:
        return existing
    atype = session.scalar(select(AssignmentType).where(AssignmentType.name == "Ответ на уроке")) or \
        session.scalar(select(AssignmentType).order_by(AssignmentType.id))
    if atype is None:
        raise RuleError("R3", _l("В организации не заведены виды работ."))
    assignment = Assignment(org_id=lesson.org_id, lesson_id=lesson.id, type_id=atype.id, weight=atype.weight,
                            default_of=lesson.id)
    session.add(assignment)
    session.flush()  # a concurrent first mark made it already: IntegrityError, told as a conflict
    return assignment


def _save_attendance(session, lesson, change, codes):
    learner_id = int(change["learner_id"])
    if not _learner_in_group(session, learner_id, lesson.group_id):
        raise RuleError("R10", _l("Обучающийся не из этого класса."))
    value = (change.get("value") or "").strip().upper()
    row = session.scalar(select(Attendance).where(Attendance.lesson_id == lesson.id, Attendance.learner_id == learner_id))
    version = change.get("version")
    if row is not None and (version is None or int(version) != row.version):
        raise _Conflict()
    if row is None and version not in (None, "", 0):
        raise _Conflict()
    if not value:
        if row is not None:
            session.delete(row)
        return "", None
    code = codes.get(value)
    if code is None:
        raise RuleError("R6", _l("Нет такого кода посещаемости: «%(value)s». Допустимы: %(codes)s.",
                                 value=value, codes=", ".join(sorted(codes))))
    if row is None:
        row = Attendance(org_id=lesson.org_id, learner_id=learner_id, lesson_id=lesson.id, date=lesson.date,
                         code_id=code.id)
        session.add(row)
    else:
        row.code_id = code.id
    session.flush()
    return code.code, row.version


def _current(session, change):
    session.expire_all()
    learner_id = int(change["learner_id"])
    if change["kind"] == "attendance":
        row = session.execute(
            select(AttendanceCode.code, Attendance.version).join(AttendanceCode, AttendanceCode.id == Attendance.code_id)
            .where(Attendance.lesson_id == int(change["lesson_id"]), Attendance.learner_id == learner_id)).first()
        return (row[0], row[1]) if row else ("", None)
    assignment_id = change.get("assignment_id") or session.scalar(
        select(Assignment.id).where(Assignment.lesson_id == int(change["lesson_id"])).order_by(Assignment.id))
    mark = session.scalar(select(Mark).where(Mark.assignment_id == assignment_id, Mark.learner_id == learner_id))
    return (str(mark), mark.version) if mark else ("", None)


def late_finals(session, host, limit: int = 100) -> list[dict]:
    """R4: final marks set later than the organisation's deadline before the period's end."""
    rows = session.execute(
        select(FinalMark, Period, Learner, Subject.name, LearnerGroup.name)
        .join(Period, Period.id == FinalMark.period_id)
        .join(Learner, Learner.id == FinalMark.learner_id)
        .join(Subject, Subject.id == FinalMark.subject_id)
        .outerjoin(LearnerGroup, LearnerGroup.id == Learner.group_id)
        .where(Period.is_final.is_(False))
        .order_by(FinalMark.created_at.desc()).limit(2000)  # the recent ones; the dated check is below
    ).all()
    orgs = {o.id: o for o in session.scalars(select(Organisation))}
    deadlines: dict[int, dt.date] = {}  # one answer a period: the plugin's may cost a query
    out = []
    for final, period, learner, subject, group in rows:
        deadline = deadlines.get(period.id)
        if deadline is None:
            deadline = deadlines[period.id] = host.final_deadline(session, orgs[final.org_id], period)
        if clock.local_from_utc(final.created_at).date() > deadline:  # the school's day, not UTC's
            out.append({"learner": learner.full_name, "group": group or "", "subject": subject, "period": period.name,
                        "value": final.value, "set_on": final.created_at, "deadline": deadline})
    return out[:limit]
