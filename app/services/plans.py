"""Rules of the curriculum and the lesson plans; no Flask request here.

* ``load_check``: per class and subject, hours of the teaching load against the
  curriculum («Нагрузка и учебный план»).
* ``r13_check``: the hours of a КТП against curriculum hours × study weeks (R13).
* ``parse_plan_file`` / ``replace_topics``: import and editing of a КТП, all or
  nothing, with a Russian error per row.
* ``flow_topics``: the plan's topics put into the class's lessons in order.

A КТП and a curriculum count academic hours; a lesson holds ``GroupKind.lesson_hours``
of them (a college's пара two), so hours become lessons only through ``lessons_for``.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal

from flask import has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app import clock
from app.exceptions import RuleError
from app.extensions import current_host
from app.models import AcademicYear, LearnerGroup, Lesson, Period, Staff, Subgroup, Subject, TeachingAssignment
from app.models.plans import CurriculumEntry, LessonPlan, LessonTopicLink, PlanTopic
from app.services.kinds import taught_kinds

MAX_TOPICS = 1000
MAX_HOURS_PER_TOPIC = 200
MAX_FILE_BYTES = 2 * 1024 * 1024


# --- study weeks and R13 -------------------------------------------------------------


DEFAULT_STUDY_WEEKS = 34


def study_weeks(host, organisation, group_kind: str, level: int) -> int:
    """Study weeks of the year for ``level`` of a kind of group: the rule setting
    ``study_weeks`` of the kind's plugin ({"1": 33, "5": 34, …}), else 34; 1 when the
    kind's curriculum counts the hours of the whole period rather than of a week."""
    kind = host.group_kinds.get(group_kind)
    if kind is None:
        return DEFAULT_STUDY_WEEKS
    if kind.curriculum_hours == "period":
        return 1
    weeks = host.setting(organisation, kind.plugin, "study_weeks") \
        if (kind.plugin, "study_weeks") in host.rule_settings else {}
    value = weeks.get(str(level)) if isinstance(weeks, dict) else None
    try:
        return int(value)
    except (TypeError, ValueError):
        return DEFAULT_STUDY_WEEKS


def lesson_hours_of(host, group_kind: str | None) -> int:
    """Academic hours in one lesson of a kind of group (a school's урок 1, a college's пара 2)."""
    kind = host.group_kinds.get(group_kind) if host is not None and group_kind else None
    return max(int(getattr(kind, "lesson_hours", 1) or 1), 1)


def lessons_for(hours, lesson_hours: int) -> int:
    """Lessons a topic of ``hours`` academic hours takes: an odd hour left over still
    takes a whole lesson, so that no topic is lost between two others."""
    hours = max(int(hours or 0), 0)
    return -(-hours // max(lesson_hours, 1))


def _hours(value) -> Decimal:
    return Decimal(str(value or 0))


def format_hours(value) -> str:
    """12 → «12», 0.5 → «0,5»: hours as a Russian reader writes them."""
    d = _hours(value).normalize()
    text = f"{d:f}"
    return text.replace(".", ",")


@dataclass
class R13Result:
    planned: int
    expected: Decimal | None  # None: the subject is not in the curriculum of that grade
    per_week: Decimal | None
    weeks: int
    # Academic hours in one lesson of the group's kind, and the kind's genitive plural
    # («пар»): where a lesson holds more than one hour, the message counts lessons too.
    lesson_hours: int = 1
    lessons_word: str = ""
    # The hours of the whole year, from a plugin's own curriculum (a college's plan of the
    # specialty by semester), rather than hours a week × study weeks of the core's.
    of_year: bool = False

    @property
    def ok(self) -> bool:
        return self.expected is not None and Decimal(self.planned) == self.expected

    @property
    def lessons(self) -> int:
        """Lessons the plan's hours fill when every lesson holds ``lesson_hours``."""
        return lessons_for(self.planned, self.lesson_hours)

    @property
    def message(self) -> str:
        return self._message() + self._in_lessons()

    def _in_lessons(self) -> str:
        if self.lesson_hours <= 1:
            return ""
        text = " " + str(_l("Число %(word)s по %(hours)s ч — %(lessons)s.", lessons=self.lessons,
                              word=self.lessons_word or _l("занятий"), hours=self.lesson_hours))
        if self.planned % self.lesson_hours:
            text += " " + str(_l("Часы плана не делятся на %(hours)s без остатка.", hours=self.lesson_hours))
        return text

    def _message(self) -> str:
        if self.expected is None:
            return str(_l("В плане %(planned)s ч, а в учебном плане группы этого предмета нет — сверить не с чем.",
                          planned=self.planned) if self.of_year else
                       _l("В плане %(planned)s ч, а в учебном плане этой параллели предмета нет — сверить не с чем.",
                          planned=self.planned))
        if self.of_year:
            if self.ok:
                return str(_l("В плане %(planned)s ч — столько же, сколько по учебному плану на учебный год.",
                              planned=self.planned))
            return str(_l("В плане %(planned)s ч, по учебному плану на учебный год %(expected)s ч.",
                          planned=self.planned, expected=format_hours(self.expected)))
        if self.ok:
            return str(_l("В плане %(planned)s ч — столько же, сколько по учебному плану (%(per_week)s ч в неделю, "
                          "учебных недель — %(weeks)s).", planned=self.planned, per_week=format_hours(self.per_week),
                          weeks=self.weeks))
        return str(_l("В плане %(planned)s ч, по учебному плану %(expected)s ч (%(per_week)s ч в неделю, "
                      "учебных недель — %(weeks)s).", planned=self.planned, expected=format_hours(self.expected),
                      per_week=format_hours(self.per_week), weeks=self.weeks))


def curriculum_hours(session, year_id: int, level: int, subject_id: int) -> Decimal | None:
    value = session.scalar(select(CurriculumEntry.hours_per_week).where(
        CurriculumEntry.year_id == year_id, CurriculumEntry.level == level, CurriculumEntry.subject_id == subject_id))
    return None if value is None else _hours(value)


def r13_check(session, host, organisation, plan: LessonPlan, group: LearnerGroup, planned: int | None = None) -> R13Result:
    """R13: the plan's hours against curriculum hours a week × study weeks of the grade.
    A subgroup's plan is held to the class's full hours: every subgroup is taught all of them."""
    if planned is None:
        planned = session.scalar(select(func.coalesce(func.sum(PlanTopic.hours), 0))
                                 .where(PlanTopic.plan_id == plan.id)) if plan.id else 0
    own = host.curriculum_hours(session, session.get(AcademicYear, plan.year_id), [group])
    if group.id in own:
        return r13_of_year(host, group.kind, planned, own[group.id].get(plan.subject_id))
    per_week = curriculum_hours(session, plan.year_id, group.level, plan.subject_id)
    return r13_result(host, organisation, group.kind, group.level, planned, per_week)


def r13_of_year(host, group_kind: str, planned, hours) -> R13Result:
    """R13 for hours ``planned`` against the ``hours`` of the year a plugin's own curriculum
    gives the subject (``PluginHost.curriculum_hours``; None: not in the group's curriculum)."""
    kind = host.group_kinds.get(group_kind)
    return R13Result(int(planned or 0), None if hours is None else _hours(hours), None, 1,
                     lesson_hours_of(host, group_kind), kind.lessons_of if kind is not None else "", of_year=True)


def r13_result(host, organisation, group_kind: str, level: int, planned, per_week) -> R13Result:
    """R13 for hours ``planned`` against the curriculum's ``per_week`` (None: not in the curriculum)."""
    weeks = study_weeks(host, organisation, group_kind, level)
    per_week = None if per_week is None else _hours(per_week)
    kind = host.group_kinds.get(group_kind) if host is not None else None
    return R13Result(int(planned or 0), None if per_week is None else per_week * weeks, per_week, weeks,
                     lesson_hours_of(host, group_kind), kind.lessons_of if kind is not None else "")


# --- curriculum ----------------------------------------------------------------------


def check_curriculum_entry(level, hours, kinds) -> None:
    """A curriculum row of an organisation whose kinds of group taught by subject are
    ``kinds``: a level of theirs («Параллель» 1–11 at a school), hours a week up to 40,
    or, where the curriculum counts a period's hours (a college's semester), up to 1000."""
    levels = sorted({lvl for kind in kinds for lvl in kind.levels})
    if level is None or int(level) not in levels:
        name = " / ".join(dict.fromkeys(kind.level_name for kind in kinds if kind.level_name)) or _l("Уровень")
        raise RuleError("R13", _l("%(name)s учебного плана — число от %(first)s до %(last)s.", name=name,
                                  first=min(levels, default=1), last=max(levels, default=1)))
    if any(kind.curriculum_hours == "period" for kind in kinds):
        if hours is None or not Decimal(0) < _hours(hours) <= Decimal(1000):
            raise RuleError("R13", _l("Часов за период — больше 0 и не больше 1000."))
    elif hours is None or not Decimal(0) < _hours(hours) <= Decimal(40):
        raise RuleError("R13", _l("Часов в неделю — больше 0 и не больше 40."))


@dataclass
class LoadRow:
    group: LearnerGroup
    subject_name: str
    subgroup_name: str | None
    curriculum: Decimal | None
    assigned: Decimal
    teachers: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """ok, no_teacher, extra (not in the curriculum), more, less."""
        if not self.teachers:
            return "no_teacher"
        if self.curriculum is None:
            return "extra"
        if self.assigned > self.curriculum:
            return "more"
        if self.assigned < self.curriculum:
            return "less"
        return "ok"

    @property
    def difference(self) -> Decimal:
        return self.assigned - (self.curriculum or Decimal(0))


def _period_weeks(session, year_id: int, kinds: set[str]) -> dict[str, int]:
    """Kind of group → weeks of its current study period, for the kinds whose curriculum
    counts a period's hours (``GroupKind.curriculum_hours``): the load is weekly."""
    host = current_host()
    wanted = {code: host.group_kinds[code].plugin for code in kinds
              if code in host.group_kinds and host.group_kinds[code].curriculum_hours == "period"}
    if not wanted:
        return {}
    today = clock.today()
    periods = session.scalars(select(Period).where(Period.year_id == year_id, Period.is_final.is_(False),
                                                   Period.plugin.in_(set(wanted.values())))
                              .order_by(Period.start)).all()
    out = {}
    for code, plugin in wanted.items():
        own = [p for p in periods if p.plugin == plugin]
        current = next((p for p in own if p.start <= today <= p.end), own[0] if own else None)
        if current is not None:
            out[code] = max(1, round(((current.end - current.start).days + 1) / 7))
    return out


def load_check(session, year_id: int, level: int | None = None) -> list[LoadRow]:
    """Per class and subject of ``year_id``: hours of the teaching load against the
    curriculum of the class's grade. Six queries whatever the size of the school.

    Subgroups: when a class is split for a subject, each subgroup is taught the
    curriculum's full hours, so the comparison is made per subgroup — the hours
    of that subgroup's assignments plus any whole-class assignment of the subject
    — and a subgroup without an assignment shows as «нет учителя». A subject taught
    to the whole class sums its whole-class assignments. Where the curriculum counts
    a study period's hours (a college's semester), they are divided by the weeks of the
    current period: the load is always hours a week."""
    groups_q = select(LearnerGroup).where(LearnerGroup.year_id == year_id, LearnerGroup.kind.in_(taught_kinds()))
    if level:
        groups_q = groups_q.where(LearnerGroup.level == level)
    groups = session.scalars(groups_q.order_by(LearnerGroup.level, LearnerGroup.name)).all()
    if not groups:
        return []
    group_ids = [g.id for g in groups]
    curriculum: dict[tuple[int, int], Decimal] = {
        (lvl, sid): _hours(h) for lvl, sid, h in session.execute(
            select(CurriculumEntry.level, CurriculumEntry.subject_id, CurriculumEntry.hours_per_week)
            .where(CurriculumEntry.year_id == year_id))}
    assignments = session.execute(
        select(TeachingAssignment.group_id, TeachingAssignment.subject_id, TeachingAssignment.subgroup_id,
               TeachingAssignment.hours_per_week, Staff.last_name, Staff.first_name, Staff.middle_name)
        .join(Staff, Staff.id == TeachingAssignment.teacher_id)
        .where(TeachingAssignment.year_id == year_id, TeachingAssignment.group_id.in_(group_ids))
        .order_by(TeachingAssignment.id)).all()
    subgroups = session.execute(select(Subgroup.id, Subgroup.group_id, Subgroup.subject_id, Subgroup.name)
                                .where(Subgroup.group_id.in_(group_ids)).order_by(Subgroup.name)).all()
    subject_names = dict(session.execute(select(Subject.id, Subject.name)).all())

    whole: dict[tuple[int, int], list] = {}
    split: dict[tuple[int, int, int], list] = {}
    for gid, sid, sgid, hours, last, first, middle in assignments:
        name = " ".join(p for p in (last, (first or "")[:1] + "." if first else "",
                                    (middle or "")[:1] + "." if middle else "") if p)
        if sgid is None:
            whole.setdefault((gid, sid), []).append((_hours(hours), name))
        else:
            split.setdefault((gid, sid, sgid), []).append((_hours(hours), name))
    units: dict[tuple[int, int], dict[int, str]] = {}
    for sgid, gid, sid, name in subgroups:
        if sid is not None:
            units.setdefault((gid, sid), {})[sgid] = name
    subgroup_names = {sgid: name for sgid, _g, _s, name in subgroups}
    for gid, sid, sgid in split:
        units.setdefault((gid, sid), {}).setdefault(sgid, subgroup_names.get(sgid, ""))

    weeks = _period_weeks(session, year_id, {g.kind for g in groups})
    rows: list[LoadRow] = []
    for group in groups:
        subject_ids = {sid for (lvl, sid) in curriculum if lvl == group.level}
        subject_ids |= {sid for (gid, sid) in whole if gid == group.id}
        subject_ids |= {sid for (gid, sid) in units if gid == group.id}
        for sid in sorted(subject_ids, key=lambda s: subject_names.get(s, "")):
            planned = curriculum.get((group.level, sid))
            if planned is not None and group.kind in weeks:  # a period's hours, as hours a week
                planned = (planned / weeks[group.kind]).quantize(Decimal("0.1"))
            base = whole.get((group.id, sid), [])
            parts = units.get((group.id, sid))
            if parts:
                for sgid, sg_name in sorted(parts.items(), key=lambda kv: kv[1]):
                    own = base + split.get((group.id, sid, sgid), [])
                    rows.append(LoadRow(group, subject_names.get(sid, ""), sg_name, planned,
                                        sum((h for h, _ in own), Decimal(0)), [n for _, n in own]))
            else:
                rows.append(LoadRow(group, subject_names.get(sid, ""), None, planned,
                                    sum((h for h, _ in base), Decimal(0)), [n for _, n in base]))
    return rows


# --- import and editing of a plan -----------------------------------------------------


@dataclass(frozen=True)
class TopicRow:
    title: str
    hours: int
    work_type: str | None


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self):
        return str(_l("Строка %(row)s, столбец «%(column)s»: %(message)s", row=self.row, column=self.column,
                      message=self.message))


class PlanImportError(RuleError):
    """The rows of a plan were refused; ``errors`` lists every bad cell."""

    def __init__(self, errors: list[RowError]):
        super().__init__("R13", _l("План не сохранён: исправьте ошибки (%(count)s) и загрузите снова.",
                                   count=len(errors)))
        self.errors = errors


COLUMNS = ("№", "Тема", "Часы", "Вид работы")
_HEADER_ALIASES = {
    "№": 0, "n": 0, "no": 0, "номер": 0, "№ п/п": 0, "№ урока": 0,
    "тема": 1, "тема урока": 1, "наименование темы": 1, "название темы": 1,
    "часы": 2, "часов": 2, "кол-во часов": 2, "количество часов": 2,
    "вид работы": 3, "вид": 3, "тип работы": 3,
}
_WORK_ALIASES = {
    "": None, "-": None, "—": None, "–": None, "нет": None,
    "практическая": "practical", "практическая работа": "practical", "практика": "practical",
    "лабораторная": "laboratory", "лабораторная работа": "laboratory",
    "контрольная": "test", "контрольная работа": "test",
}


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").split())


def parse_rows(rows: list[tuple[int, list]], detect_header: bool = True) -> list[TopicRow]:
    """Validate (row number, cells) rows; the first row may be the header
    «№; Тема; Часы; Вид работы» (its columns may come in any order; without a
    header the columns are taken in that order). Raises PlanImportError with every
    error found."""
    errors: list[RowError] = []
    topics: list[TopicRow] = []
    columns = {0: 0, 1: 1, 2: 2, 3: 3}
    if rows and detect_header:
        header = [_norm(_cell(c)) for c in rows[0][1]]
        if any(_HEADER_ALIASES.get(name) == 1 for name in header):
            columns = {}
            for index, name in enumerate(header):
                key = _HEADER_ALIASES.get(name)
                if key is not None and key not in columns.values():
                    columns[index] = key
            rows = rows[1:]
            if 1 not in columns.values():
                errors.append(RowError(1, "Тема", str(_l("в заголовке нет столбца «Тема»"))))
    by_key = {key: index for index, key in columns.items()}
    seen_numbers: dict[int, int] = {}
    for number, cells in rows:
        values = {key: _cell(cells[index]) if index < len(cells) else "" for key, index in by_key.items()}
        if not any(values.values()):
            continue  # an empty line
        if len(topics) + 1 > MAX_TOPICS:
            errors.append(RowError(number, "№", str(_l("в плане больше %(max)s тем", max=MAX_TOPICS))))
            break
        order = values.get(0, "")
        if order:
            try:
                n = int(order.rstrip("."))
                if n < 1:
                    raise ValueError
                if n in seen_numbers:
                    errors.append(RowError(number, "№", str(_l("номер %(n)s уже был в строке %(row)s", n=n,
                                                                row=seen_numbers[n]))))
                seen_numbers[n] = number
            except ValueError:
                errors.append(RowError(number, "№", str(_l("«%(value)s» — не номер темы (целое число от 1)",
                                                            value=order))))
        title = values.get(1, "")
        if not title:
            errors.append(RowError(number, "Тема", str(_l("не указана тема"))))
        elif len(title) > 500:
            errors.append(RowError(number, "Тема", str(_l("тема длиннее 500 знаков"))))
        raw_hours = values.get(2, "")
        hours = None
        try:
            value = Decimal(raw_hours.replace(",", "."))
            if value != value.to_integral_value() or not 1 <= value <= MAX_HOURS_PER_TOPIC:
                raise ValueError
            hours = int(value)
        except (ValueError, ArithmeticError):
            if not raw_hours:
                errors.append(RowError(number, "Часы", str(_l("не указано число часов"))))
            else:
                errors.append(RowError(number, "Часы", str(_l(
                    "«%(value)s» — не число часов (целое число от 1 до %(max)s)", value=raw_hours,
                    max=MAX_HOURS_PER_TOPIC))))
        raw_type = values.get(3, "")
        key = _norm(raw_type)
        if key not in _WORK_ALIASES:
            errors.append(RowError(number, "Вид работы", str(_l(
                "«%(value)s» — неизвестный вид работы; допустимы: практическая, лабораторная, контрольная или пусто",
                value=raw_type))))
            work_type = None
        else:
            work_type = _WORK_ALIASES[key]
        if title and hours is not None:
            topics.append(TopicRow(title[:500], hours, work_type))
    if not errors and not topics:
        errors.append(RowError(1, "Тема", str(_l("в файле нет ни одной темы"))))
    if errors:
        raise PlanImportError(errors)
    return topics


def read_table(filename: str, data: bytes) -> list[tuple[int, list]]:
    """Rows of a CSV (UTF-8 or cp1251, «;» or «,») or XLSX file with their numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise RuleError("R13", _l("Файл больше 2 МБ."))
    name = (filename or "").lower()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        return _read_xlsx(data)
    if name and not name.endswith((".csv", ".txt")):
        raise RuleError("R13", _l("Загрузите файл CSV или XLSX со столбцами «№; Тема; Часы; Вид работы»."))
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1251 decodes almost anything
        raise RuleError("R13", _l("Не удалось прочитать файл: сохраните его в кодировке UTF-8 или Windows-1251."))
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(reader.line_num, row) for row in reader]


def _read_xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise RuleError("R13", _l("Не удалось прочитать файл XLSX: он повреждён или это не таблица Excel.")) from None
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_TOPICS + 50:
                break
            rows.append((number, list(row[:8])))
        return rows
    finally:
        book.close()


def parse_plan_file(filename: str, data: bytes) -> list[TopicRow]:
    return parse_rows(read_table(filename, data))


def find_plan(session, year_id: int, group_id: int, subject_id: int, subgroup_id: int | None) -> LessonPlan | None:
    q = select(LessonPlan).where(LessonPlan.year_id == year_id, LessonPlan.group_id == group_id,
                                 LessonPlan.subject_id == subject_id)
    q = q.where(LessonPlan.subgroup_id.is_(None) if subgroup_id is None else LessonPlan.subgroup_id == subgroup_id)
    return session.scalars(q.order_by(LessonPlan.id)).first()


def replace_topics(session, group: LearnerGroup, subject_id: int, subgroup_id: int | None, topics: list[TopicRow],
                   person_id: int | None, now: dt.datetime) -> LessonPlan:
    """Save ``topics`` as the whole plan (created if missing) and flow them into the
    lessons. The caller commits; on any error it rolls back and nothing is kept."""
    plan = find_plan(session, group.year_id, group.id, subject_id, subgroup_id)
    if plan is None:
        plan = LessonPlan(org_id=group.org_id, year_id=group.year_id, group_id=group.id, subject_id=subject_id,
                          subgroup_id=subgroup_id)
        session.add(plan)
        session.flush()
    else:
        # Links keep their lesson and text (what tells a hand edit) but let go of the old rows.
        session.execute(update(LessonTopicLink).where(LessonTopicLink.plan_id == plan.id)
                        .values(plan_topic_id=None))
        for old in session.scalars(select(PlanTopic).where(PlanTopic.plan_id == plan.id)).all():
            session.delete(old)
        session.flush()
    for position, row in enumerate(topics, start=1):
        session.add(PlanTopic(org_id=plan.org_id, plan_id=plan.id, position=position, title=row.title,
                              hours=row.hours, work_type=row.work_type))
    plan.updated_by = person_id
    plan.updated_at = now
    session.flush()
    session.expire(plan, ["topics"])
    flow_topics(session, plan)
    return plan


# --- topics into lessons ------------------------------------------------------------------


def plan_lessons_query(plan: LessonPlan, year: AcademicYear | None = None):
    q = select(Lesson).where(Lesson.group_id == plan.group_id, Lesson.subject_id == plan.subject_id)
    q = q.where(Lesson.subgroup_id.is_(None) if plan.subgroup_id is None else Lesson.subgroup_id == plan.subgroup_id)
    if year is not None:
        q = q.where(Lesson.date >= year.start, Lesson.date <= year.end)
    return q.order_by(Lesson.date, Lesson.number, Lesson.id)


def flow_topics(session, plan: LessonPlan) -> int:
    """Put the plan's topics into the lessons of its class (or subgroup) and subject
    in order of date and lesson number: a topic of N hours fills N / ``lesson_hours``
    lessons of the class's kind (``lessons_for``: N lessons of a school, N / 2 пары of a
    college; an odd hour left over takes a whole пара). Call it
    after lessons are added or moved (the timetable's generation may) and after the
    plan changes; it is also run at commit when lessons of a planned class move.

    The k-th lesson gets the k-th hour of the plan. A lesson keeps its topic when
    the teacher wrote it: a topic that differs from the text the plan put there
    (``LessonTopicLink.text``), any topic of a lesson the plan never filled, and a
    topic the teacher confirmed on the lesson page (``topic_entered_at`` set). Such
    a lesson still takes its place in the sequence. Lessons past the end of the plan
    lose a topic the plan had put there. ``topic_entered_at`` is never set here: it
    records the teacher's own entry (R7). Returns the number of lessons changed.
    Four queries whatever the number of lessons."""
    year = session.get(AcademicYear, plan.year_id)
    group = session.get(LearnerGroup, plan.group_id)
    per_lesson = lesson_hours_of(current_host() if has_app_context() else None, group.kind if group else None)
    lessons = session.scalars(plan_lessons_query(plan, year)).all()
    topics = session.scalars(select(PlanTopic).where(PlanTopic.plan_id == plan.id)
                             .order_by(PlanTopic.position, PlanTopic.id)).all()
    slots = [topic for topic in topics for _ in range(lessons_for(topic.hours, per_lesson))]
    lesson_ids = [lesson.id for lesson in lessons]
    links = {}
    if lesson_ids:
        links = {link.lesson_id: link for link in session.scalars(
            select(LessonTopicLink).where(LessonTopicLink.lesson_id.in_(lesson_ids)))}
    changed = 0
    for index, lesson in enumerate(lessons):
        topic = slots[index] if index < len(slots) else None
        link = links.get(lesson.id)
        current = lesson.topic or ""
        if lesson.topic_entered_at is not None:
            owned = False  # the teacher entered or confirmed it
        elif link is not None:
            owned = current == link.text
        else:
            owned = current == ""
        if not owned:
            continue
        text = topic.title if topic is not None else ""
        if current != text:
            lesson.topic = text
            changed += 1
        if topic is None:
            if link is not None:
                session.delete(link)
            continue
        if link is None:
            session.add(LessonTopicLink(org_id=plan.org_id, lesson_id=lesson.id, plan_id=plan.id,
                                        plan_topic_id=topic.id, text=text))
        else:
            link.plan_id, link.plan_topic_id, link.text = plan.id, topic.id, text
    session.flush()
    return changed


def plans_for_lessons(session, keys: set[tuple[int, int, int | None]]) -> list[LessonPlan]:
    """Plans of the (group, subject, subgroup) keys of changed lessons: one query."""
    if not keys:
        return []
    group_ids = {k[0] for k in keys}
    subject_ids = {k[1] for k in keys}
    plans = session.scalars(select(LessonPlan).where(LessonPlan.group_id.in_(group_ids),
                                                     LessonPlan.subject_id.in_(subject_ids))
                            .order_by(LessonPlan.id)).all()
    return [p for p in plans if (p.group_id, p.subject_id, p.subgroup_id) in keys]


def copy_curriculum(session, old_year, new_year) -> int:
    """The next year starts with this year's curriculum, for the Завуч to review
    (КТП are not copied: a plan belongs to its class and year, and teachers
    import the new ones)."""
    rows = session.scalars(select(CurriculumEntry).where(CurriculumEntry.year_id == old_year.id)).all()
    session.add_all([CurriculumEntry(org_id=r.org_id, year_id=new_year.id, level=r.level, subject_id=r.subject_id,
                                     hours_per_week=r.hours_per_week) for r in rows])
    return len(rows)
