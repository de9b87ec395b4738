"""Who and what the college's results reports count, decided once for both of them
(«Сводная ведомость успеваемости группы», «Результаты аттестации»).

- the period: a semester, or the year (its own final marks; where a discipline has
  none, the last semester's mark it was closed with); a session stands for the
  semester it follows;
- the students: in the group at the period's end (enrolled by it, not left before it);
- the disciplines of a group: the plan of its specialty for the semesters of its course
  that the period closes, where the plan sets an attestation; without a plan, its
  teaching load; and in both cases every discipline a final mark was given in; a
  discipline taught in subgroups counts only their members;
- a debt: a failing final («2», «нз») or an academic debt the session still lists
  (a «неявка» or «недопуск» leaves no final mark, but it is a debt);
- успевающий: every final mark set, none failing, no debt; качественный: успевающий
  with only «4», «5» and «зачёт».

Every query is over all the groups at once: a report runs the same number of them
for one group of three students and for a college."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.exceptions import ReportError, RuleError
from app.models import (
    FinalMark,
    Learner,
    LearnerGroup,
    Period,
    Subgroup,
    SubgroupMember,
    Subject,
    TeachingAssignment,
)

from . import name as PLUGIN
from .curriculum import CurriculumRow
from .curriculum_service import semesters_of
from .exam_models import ExamSheet
from .exams import debts, semester_of
from .models import GroupSpecialty

SEMESTER = "semester"
GROUP_KINDS = ("college_group",)
NOT_TAKEN = "—"


def host():
    return current_app.extensions["ejournal"]


def pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class StudyPeriod:
    period: Period  # the semester or the year whose results are reported
    semesters: list[Period]  # the semesters it closes (the year: all of its own)
    is_year: bool

    @property
    def period_ids(self) -> list[int]:
        return [self.period.id] + [p.id for p in self.semesters if p.id != self.period.id]


def study_period(session, period_id) -> StudyPeriod:
    period = session.get(Period, period_id) if period_id else None
    h = host()
    kind = h.period_types.get(period.type_code) if period is not None else None
    if period is not None and period.type_code == "session" and period.plugin == PLUGIN:
        try:
            period = semester_of(session, period)
        except RuleError as exc:
            raise ReportError(str(exc)) from None
        kind = h.period_types.get(period.type_code)
    if period is None or period.plugin != PLUGIN or kind is None \
            or not (period.type_code == SEMESTER or kind.whole_year):
        raise ReportError(_l("Выберите семестр или учебный год колледжа."))
    if not kind.whole_year:
        return StudyPeriod(period, [period], False)
    semesters = session.scalars(select(Period).where(
        Period.year_id == period.year_id, Period.plugin == PLUGIN, Period.type_code == SEMESTER)
        .order_by(Period.start)).all()
    return StudyPeriod(period, list(semesters), True)


@dataclass
class Cell:
    value: str | None  # the final mark (None: not set)
    debt: str | None = None  # what the session lists as the debt, written out; None: no listed debt
    failing: bool = False  # a failing final or a debt
    quality: bool = False  # «4», «5», «зачёт»


@dataclass
class GroupResults:
    group: LearnerGroup
    learners: list[Learner]
    subjects: list[int]  # the group's disciplines, ids in the order of their names
    # (learner, subject) → the cell; a discipline the learner does not take is absent.
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)

    def takes(self, learner_id: int, subject_id: int) -> bool:
        return (learner_id, subject_id) in self.cells

    def learner_cells(self, learner_id: int) -> list[Cell]:
        return [self.cells[(learner_id, s)] for s in self.subjects if (learner_id, s) in self.cells]

    def subject_cells(self, subject_id: int) -> list[Cell]:
        return [self.cells[(l.id, subject_id)] for l in self.learners if (l.id, subject_id) in self.cells]


@dataclass
class Figures:
    students: int = 0
    attested: int = 0  # every final set (a «2» is set: attested, not успевающий)
    passing: int = 0  # успевающие
    quality: int = 0  # качественные

    def add(self, cells: list[Cell]) -> None:
        self.students += 1
        attested = bool(cells) and all(c.value is not None for c in cells)
        self.attested += attested
        if attested and not any(c.failing for c in cells):
            self.passing += 1
            self.quality += all(c.quality for c in cells)

    def merge(self, other: Figures) -> None:
        self.students += other.students
        self.attested += other.attested
        self.passing += other.passing
        self.quality += other.quality

    @property
    def passing_pct(self) -> float | None:
        return pct(self.passing, self.students)

    @property
    def quality_pct(self) -> float | None:
        return pct(self.quality, self.students)


def learner_figures(results: GroupResults) -> Figures:
    out = Figures()
    for learner in results.learners:
        out.add(results.learner_cells(learner.id))
    return out


def subject_figures(results: GroupResults, subject_id: int) -> Figures:
    out = Figures()
    for cell in results.subject_cells(subject_id):
        out.add([cell])
    return out


def _scales():
    """The failing values and those «качество» counts, from the college's scales."""
    failing, quality = set(), set()
    for scale in host().mark_scales.values():
        if scale.plugin != PLUGIN:
            continue
        for v in scale.values:
            if v.is_failing:
                failing.add(v.value)
            elif v.worth is None or v.worth >= 4:  # «зачёт» has no worth and is a quality result
                quality.add(v.value)
    return failing, quality


@dataclass
class Results:
    groups: list[GroupResults]
    subject_names: dict[int, str]


def results_of(session, groups: list[LearnerGroup], sp: StudyPeriod) -> Results:
    """The final marks and debts of ``groups`` for the period, group by group."""
    if not groups:
        return Results([], {})
    h = host()
    group_ids = [g.id for g in groups]
    end = sp.period.end
    learners = session.scalars(
        select(Learner).where(Learner.group_id.in_(group_ids),
                              or_(Learner.enrolled_on.is_(None), Learner.enrolled_on <= end),
                              or_(Learner.left_on.is_(None), Learner.left_on > end))
        .order_by(Learner.last_name, Learner.first_name, Learner.middle_name, Learner.id)).all()
    by_group = defaultdict(list)
    for learner in learners:
        by_group[learner.group_id].append(learner)
    learner_ids = [l.id for l in learners]
    finals = {(l, s, p): v for l, s, p, v in session.execute(
        select(FinalMark.learner_id, FinalMark.subject_id, FinalMark.period_id, FinalMark.value)
        .where(FinalMark.learner_id.in_(learner_ids), FinalMark.period_id.in_(sp.period_ids)))} \
        if learner_ids else {}
    # The plan of each group's specialty: (specialty, semester) → subjects with an attestation.
    specialty = dict(session.execute(select(GroupSpecialty.group_id, GroupSpecialty.specialty_id)
                                     .where(GroupSpecialty.group_id.in_(group_ids))).all())
    planned = defaultdict(set)
    if specialty:
        for specialty_id, semester, subject_id in session.execute(
                select(CurriculumRow.specialty_id, CurriculumRow.semester, CurriculumRow.subject_id)
                .where(CurriculumRow.specialty_id.in_(set(specialty.values())), CurriculumRow.attestation != "none")):
            planned[(specialty_id, semester)].add(subject_id)
    load = defaultdict(set)
    for group_id, subject_id in session.execute(
            select(TeachingAssignment.group_id, TeachingAssignment.subject_id)
            .where(TeachingAssignment.group_id.in_(group_ids))):
        load[group_id].add(subject_id)
    members = defaultdict(set)  # (group, subject) → members of its subgroups
    for group_id, subject_id, learner_id in session.execute(
            select(Subgroup.group_id, Subgroup.subject_id, SubgroupMember.learner_id)
            .join(SubgroupMember, SubgroupMember.subgroup_id == Subgroup.id)
            .where(Subgroup.group_id.in_(group_ids), Subgroup.subject_id.is_not(None))):
        members[(group_id, subject_id)].add(learner_id)
    listed = _listed_debts(session, h, group_ids, [p.id for p in sp.semesters])
    names = dict(session.execute(select(Subject.id, Subject.name).where(Subject.id.in_(
        {s for _who, s, _p in finals} | {s for subjects in planned.values() for s in subjects}
        | {s for subjects in load.values() for s in subjects} | {s for _who, s in listed}))).all())
    failing, quality = _scales()
    # Latest semester first: a year without its own mark takes the one the discipline closed with.
    semester_ids = [p.id for p in sorted(sp.semesters, key=lambda p: p.start, reverse=True)]
    out = []
    for group in groups:
        own = by_group.get(group.id, [])
        if group.id in specialty:
            subjects = set().union(*(planned.get((specialty[group.id], n), set())
                                     for n in semesters_of(session, h, group, sp.period)))
        else:
            subjects = set(load.get(group.id, set()))
        own_ids = {l.id for l in own}
        subjects |= {s for l, s, _p in finals if l in own_ids}
        subjects |= {s for l, s in listed if l in own_ids}
        ordered = sorted(subjects, key=lambda s: (names.get(s, ""), s))
        results = GroupResults(group, own, ordered)
        for learner in own:
            for subject_id in ordered:
                split = members.get((group.id, subject_id))
                if split is not None and learner.id not in split:
                    continue
                value = finals.get((learner.id, subject_id, sp.period.id))
                if value is None and sp.is_year:
                    value = next((finals[(learner.id, subject_id, p)] for p in semester_ids
                                  if (learner.id, subject_id, p) in finals), None)
                debt = listed.get((learner.id, subject_id))
                results.cells[(learner.id, subject_id)] = Cell(
                    value, debt, failing=debt is not None or value in failing,
                    quality=value in quality and debt is None)
        out.append(results)
    return Results(out, names)


def _listed_debts(session, h, group_ids: list[int], semester_ids: list[int]) -> dict[tuple[int, int], str]:
    """(learner, subject) → the last result of an academic debt of the period's semesters
    that the session lists (not liquidated), written out."""
    found = debts(session, h, group_ids=group_ids)
    if not found:
        return {}
    sheets = {i: (subject_id, period_id) for i, subject_id, period_id in session.execute(
        select(ExamSheet.id, ExamSheet.subject_id, ExamSheet.period_id)
        .where(ExamSheet.id.in_({d.sheet_id for d in found})))}
    return {(d.learner_id, sheets[d.sheet_id][0]): d.result for d in found
            if d.sheet_id in sheets and sheets[d.sheet_id][1] in semester_ids}
