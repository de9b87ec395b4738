"""Учебный план специальности: every write of its rows (checked, with Russian refusals;
the audit records them), the form of attestation the journal asks for, and the check
of the teaching load against the plan.

A group's semester is counted from its course (``LearnerGroup.level``) and the period:
the first semester of the year is 2·course − 1, the second 2·course; a session belongs
to the semester it follows, the year to both."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import scoped_session

from app.exceptions import RuleError
from app.models import AcademicYear, LearnerGroup, Period, Staff, Subject, TeachingAssignment

from .curriculum import FORMS, IN_MODULE, KINDS, MAX_HOURS, MAX_SEMESTER, MODULE, PASS_FAIL_FORMS, CurriculumRow
from .models import GroupSpecialty, Specialty

PASS_FAIL = "pass_fail"
SEMESTER = "semester"
# When a year has no semesters in its calendar, the load check counts this many weeks in one.
DEFAULT_SEMESTER_WEEKS = 17
_CACHE = "college.curriculum"


# --- reading the plan ------------------------------------------------------------------


def plan_rows(session, specialty_id: int, semester: int) -> list[CurriculumRow]:
    """The rows of a semester's plan in the order the page shows them: each module
    followed by its МДК and practices, then the disciplines outside modules."""
    rows = session.scalars(
        select(CurriculumRow).join(Subject, Subject.id == CurriculumRow.subject_id)
        .where(CurriculumRow.specialty_id == specialty_id, CurriculumRow.semester == semester)
        .order_by(Subject.name, CurriculumRow.id)).all()
    children = defaultdict(list)
    for row in rows:
        if row.parent_id is not None:
            children[row.parent_id].append(row)
    ids = {row.id for row in rows}
    out = []
    for row in rows:
        if row.kind == MODULE:
            out.append(row)
            out.extend(children.get(row.id, []))
    out.extend(row for row in rows if row.kind != MODULE and (row.parent_id is None or row.parent_id not in ids))
    return out


def semester_count(host) -> int:
    """Semesters a college trains in: two for each course of its kind of group."""
    courses = [level for kind in host.group_kinds.values() if kind.plugin == "college" for level in kind.levels]
    return min(MAX_SEMESTER, 2 * max(courses)) if courses else MAX_SEMESTER


# --- writing it ------------------------------------------------------------------------


def _whole(value, message) -> int:
    if isinstance(value, bool):
        raise RuleError("R13", message)
    try:
        text = str(value if value is not None else "").strip() or "0"
        number = int(text)
    except (TypeError, ValueError):
        raise RuleError("R13", message) from None
    if not 0 <= number <= MAX_HOURS:
        raise RuleError("R13", message)
    return number


def _id(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _forget(session) -> None:
    """A write changes the forms the journal reads: drop what this session remembered."""
    (session() if isinstance(session, scoped_session) else session).info.pop(_CACHE, None)


def save_row(session, host, *, specialty_id, semester, subject_id, kind, attestation, classroom_hours=0,
             self_study_hours=0, parent_id=None, row_id=None) -> CurriculumRow:
    """Add a row to a semester's plan (``row_id`` None) or change one; RuleError with a
    Russian message when a value is refused, nothing written then."""
    row = None
    if row_id not in (None, ""):
        row = session.get(CurriculumRow, _id(row_id)) if _id(row_id) else None
        if row is None:
            raise RuleError("R13", _l("Строка учебного плана не найдена или недоступна."))
        specialty_id, semester = row.specialty_id, row.semester
    specialty = session.get(Specialty, _id(specialty_id)) if _id(specialty_id) else None
    if specialty is None:
        raise RuleError("R13", _l("Специальность не найдена или недоступна."))
    last = semester_count(host)
    number = _id(semester)
    if number is None or not 1 <= number <= last:
        raise RuleError("R13", _l("Семестр — число от 1 до %(last)s.", last=last))
    subject = session.get(Subject, _id(subject_id)) if _id(subject_id) else None
    if subject is None or subject.org_id != specialty.org_id:
        raise RuleError("R13", _l("Выберите дисциплину из справочника предметов организации."))
    if kind not in KINDS:
        raise RuleError("R13", _l("Выберите вид: дисциплина, МДК, профессиональный модуль или практика."))
    if attestation not in FORMS:
        raise RuleError("R3", _l("Выберите форму аттестации из списка."))
    classroom = _whole(classroom_hours, _l("Аудиторные часы — целое число от 0 до %(max)s.", max=MAX_HOURS))
    self_study = _whole(self_study_hours,
                        _l("Часы самостоятельной работы — целое число от 0 до %(max)s.", max=MAX_HOURS))
    if kind != MODULE and classroom + self_study == 0:
        raise RuleError("R13", _l("Укажите часы семестра: аудиторные или самостоятельной работы."))
    if attestation == "qualifying_exam" and kind != MODULE:
        raise RuleError("R3", _l("Экзамен квалификационный сдают по профессиональному модулю."))
    if attestation == "course_work" and kind not in ("discipline", "mdk"):
        raise RuleError("R3", _l("Курсовая работа (проект) выполняется по дисциплине или МДК."))
    parent = None
    if _id(parent_id) is not None:
        if kind not in IN_MODULE:
            raise RuleError("R13", _l("В профессиональный модуль входят только МДК и практики."))
        parent = session.get(CurriculumRow, _id(parent_id))
        if parent is None or parent.kind != MODULE or parent.specialty_id != specialty.id \
                or parent.semester != number or (row is not None and parent.id == row.id):
            raise RuleError("R13", _l("Профессиональный модуль не найден в учебном плане этого семестра."))
    if row is not None and row.kind == MODULE and kind != MODULE and session.scalar(
            select(CurriculumRow.id).where(CurriculumRow.parent_id == row.id).limit(1)) is not None:
        raise RuleError("R13", _l("В модуль входят МДК или практики: сначала перенесите их."))
    twin = session.scalar(select(CurriculumRow.id).where(
        CurriculumRow.specialty_id == specialty.id, CurriculumRow.semester == number,
        CurriculumRow.subject_id == subject.id))
    if twin is not None and (row is None or twin != row.id):
        raise RuleError("R13", _l("«%(subject)s» уже есть в учебном плане %(semester)s семестра.",
                                  subject=subject.name, semester=number))
    if row is None:
        row = CurriculumRow(org_id=specialty.org_id, specialty_id=specialty.id, semester=number)
        session.add(row)
    row.subject_id, row.kind, row.attestation = subject.id, kind, attestation
    row.classroom_hours, row.self_study_hours = classroom, self_study
    row.parent_id = parent.id if parent is not None else None
    session.flush()
    _forget(session)
    return row


def delete_row(session, row_id) -> None:
    """Remove a row from the plan (the audit keeps it); a module with МДК or practices stays."""
    row = session.get(CurriculumRow, _id(row_id)) if _id(row_id) else None
    if row is None:
        raise RuleError("R13", _l("Строка учебного плана не найдена или недоступна."))
    if session.scalar(select(CurriculumRow.id).where(CurriculumRow.parent_id == row.id).limit(1)) is not None:
        raise RuleError("R13", _l("В модуль входят МДК или практики: сначала удалите или перенесите их."))
    session.delete(row)
    session.flush()
    _forget(session)


# --- the form of attestation, for the journal -----------------------------------------------


def transaction_cache(session) -> dict:
    """What this transaction already read: the grid asks for several periods and every
    saved final mark asks again, with a fixed number of queries for all of them."""
    own = session() if isinstance(session, scoped_session) else session
    transaction = own.get_transaction()
    cache = own.info.get(_CACHE)
    if cache is None or cache["transaction"] is not transaction:
        cache = own.info[_CACHE] = {"transaction": transaction, "forms": {}, "semesters": {}}
    return cache


def group_forms(session, group) -> dict[tuple[int, int], str]:
    """(subject, semester) → form of attestation, for the plan of the group's specialty: one query."""
    cache = transaction_cache(session)["forms"]
    if group.id not in cache:
        cache[group.id] = {
            (subject_id, semester): form for subject_id, semester, form in session.execute(
                select(CurriculumRow.subject_id, CurriculumRow.semester, CurriculumRow.attestation)
                .join(GroupSpecialty, GroupSpecialty.specialty_id == CurriculumRow.specialty_id)
                .where(GroupSpecialty.group_id == group.id))}
    return cache[group.id]


def _year_semesters(session, year_id: int, plugin: str) -> list[Period]:
    cache = transaction_cache(session)["semesters"]
    if (year_id, plugin) not in cache:
        cache[(year_id, plugin)] = session.scalars(select(Period).where(
            Period.year_id == year_id, Period.plugin == plugin, Period.type_code == SEMESTER)
            .order_by(Period.start)).all()
    return cache[(year_id, plugin)]


def semesters_of(session, host, group, period) -> tuple[int, ...]:
    """The semesters of the group's study that ``period`` closes, latest first."""
    course = max(1, int(group.level or 1))
    first = 2 * course - 1
    period_type = host.period_types.get(period.type_code)
    if period_type is not None and period_type.whole_year:
        return first + 1, first
    starts = [p.start for p in _year_semesters(session, period.year_id, period.plugin)]
    rank = sum(1 for start in starts if start <= period.start)
    return (first + 1,) if rank >= 2 else (first,)


def final_scale(host, session, group, subject_id: int, period):
    """Where the plan says зачёт for the semester ``period`` closes, the pass/fail scale;
    else None (the journal's usual scale)."""
    forms = group_forms(session, group)
    if not forms:
        return None
    for semester in semesters_of(session, host, group, period):
        form = forms.get((subject_id, semester), "none")
        if form != "none":
            return host.mark_scales.get(PASS_FAIL) if form in PASS_FAIL_FORMS else None
    return None


def year_hours(session, groups) -> dict[int, dict[int, int]]:
    """Classroom hours of each discipline in the plan of each group's specialty for the two
    semesters of its course (a КТП is written for a year), for R13: one query. A group
    without a specialty has no discipline in its plan; a module (ПМ) counts in its МДК."""
    groups = [g for g in groups if g.kind == "college_group"]
    if not groups:
        return {}
    hours: dict[int, dict[int, int]] = {g.id: {} for g in groups}
    courses = {g.id: max(1, int(g.level or 1)) for g in groups}
    for group_id, subject_id, semester, classroom in session.execute(
            select(GroupSpecialty.group_id, CurriculumRow.subject_id, CurriculumRow.semester,
                   CurriculumRow.classroom_hours)
            .join(CurriculumRow, CurriculumRow.specialty_id == GroupSpecialty.specialty_id)
            .where(GroupSpecialty.group_id.in_(list(hours)), CurriculumRow.kind != MODULE)):
        if (semester + 1) // 2 == courses[group_id]:
            own = hours[group_id]
            own[subject_id] = own.get(subject_id, 0) + int(classroom or 0)
    return hours


# --- the teaching load against the plan ------------------------------------------------------


@dataclass
class LoadLine:
    group: str
    subject: str
    status: str  # not_in_plan, no_teacher, less, more, ok
    semesters: tuple[int, ...] = ()
    planned: int = 0
    assigned: float = 0
    teachers: list[str] = field(default_factory=list)
    group_note: str = ""  # «набор 2025, очная»

    @property
    def difference(self) -> float:
        return self.assigned - self.planned


STATUSES = {
    "not_in_plan": _l("нет в учебном плане"),
    "no_teacher": _l("нет в нагрузке"),
    "less": _l("часов в нагрузке меньше плана"),
    "more": _l("часов в нагрузке больше плана"),
    "ok": _l("совпадает"),
}


def _group_note(link: GroupSpecialty) -> str:
    """«набор 2025, очная»: the group's year of admission and form of study."""
    parts = [str(_l("набор %(year)s", year=link.admission_year))] if link.admission_year else []
    return ", ".join([*parts, link.study_form_label])


def _weeks(period: Period) -> int:
    return max(1, round(((period.end - period.start).days + 1) / 7))


def load_check(session, specialty_id: int) -> tuple[list[LoadLine], list[str]]:
    """For each study group of an open year trained in the specialty: the disciplines of
    its load missing from the plan of its course's semesters, and the plan's classroom
    hours not covered by the load (its hours a week × the weeks of the semesters that
    plan them). Also the names of the open years' college groups without a specialty.
    A fixed number of queries."""
    linked = session.execute(
        select(LearnerGroup, GroupSpecialty).join(GroupSpecialty, GroupSpecialty.group_id == LearnerGroup.id)
        .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(GroupSpecialty.specialty_id == specialty_id, AcademicYear.closed.is_(False))
        .order_by(LearnerGroup.level, LearnerGroup.name)).all()
    groups = [group for group, _link in linked]
    notes = {group.id: _group_note(link) for group, link in linked}
    unassigned = session.scalars(
        select(LearnerGroup.name).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .outerjoin(GroupSpecialty, GroupSpecialty.group_id == LearnerGroup.id)
        .where(LearnerGroup.kind == "college_group", AcademicYear.closed.is_(False),
               GroupSpecialty.id.is_(None)).order_by(LearnerGroup.name)).all()
    if not groups:
        return [], list(unassigned)
    plan: dict[int, dict[int, int]] = defaultdict(dict)  # semester -> subject -> classroom hours
    for subject_id, semester, hours in session.execute(
            select(CurriculumRow.subject_id, CurriculumRow.semester, CurriculumRow.classroom_hours)
            .where(CurriculumRow.specialty_id == specialty_id, CurriculumRow.kind != MODULE)):
        plan[semester][subject_id] = hours
    load: dict[tuple[int, int], list] = {}  # (group, subject) -> [hours a week, teachers]
    for group_id, subject_id, hours, last, first in session.execute(
            select(TeachingAssignment.group_id, TeachingAssignment.subject_id, TeachingAssignment.hours_per_week,
                   Staff.last_name, Staff.first_name)
            .join(Staff, Staff.id == TeachingAssignment.teacher_id)
            .where(TeachingAssignment.group_id.in_([g.id for g in groups]))):
        entry = load.setdefault((group_id, subject_id), [0.0, []])
        entry[0] += float(hours or 0)
        entry[1].append(f"{last} {first[:1]}." if first else last)
    semesters = defaultdict(list)
    for period in session.scalars(select(Period).where(
            Period.year_id.in_({g.year_id for g in groups}), Period.plugin == "college",
            Period.type_code == SEMESTER).order_by(Period.start)):
        semesters[period.year_id].append(period)
    subject_ids = {s for by_subject in plan.values() for s in by_subject} | {s for _g, s in load}
    names = dict(session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(subject_ids))).all()) \
        if subject_ids else {}
    out = []
    for group in groups:
        first = 2 * max(1, int(group.level or 1)) - 1
        own = (first, first + 1)
        weeks = [_weeks(p) for p in semesters.get(group.year_id, [])[:2]]
        weeks += [DEFAULT_SEMESTER_WEEKS] * (2 - len(weeks))
        planned_subjects = {s for semester in own for s in plan.get(semester, {})}
        lines = []
        for subject_id in planned_subjects | {s for g, s in load if g == group.id}:
            hours_a_week, teachers = load.get((group.id, subject_id), (0.0, []))
            in_semesters = tuple(sem for sem in own if subject_id in plan.get(sem, {}))
            line = LoadLine(group.name, names.get(subject_id, ""), "ok", in_semesters, teachers=sorted(teachers),
                            group_note=notes.get(group.id, ""))
            if not in_semesters:
                line.status = "not_in_plan"
                line.assigned = hours_a_week
            else:
                line.planned = sum(plan[sem][subject_id] for sem in in_semesters)
                line.assigned = hours_a_week * sum(weeks[sem - first] for sem in in_semesters)
                if not teachers:
                    line.status = "no_teacher" if line.planned else "ok"
                elif line.assigned < line.planned:
                    line.status = "less"
                elif line.assigned > line.planned:
                    line.status = "more"
            lines.append(line)
        out.extend(sorted(lines, key=lambda line: line.subject))
    return out, list(unassigned)
