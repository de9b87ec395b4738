"""Declarations that plugins return from the ``register_*`` hooks."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

# Relationship scopes of a role: how far a user of that role reaches inside the
# organisation (the organisation itself is always the outer limit).
SCOPE_SYSTEM = "system"  # platform administrator: everything
SCOPE_AUTHORITY = "authority"  # all organisations of the user's authority, read-only
SCOPE_ORGANISATION = "organisation"  # the whole organisation
SCOPE_GROUPS = "groups"  # own groups: taught, led, substituted
SCOPE_CHILDREN = "children"  # a guardian's linked children
SCOPE_SELF = "self"  # the learner alone

# Levels of a right of a role on a resource, narrowest first.
NONE, READ, WRITE = "none", "read", "write"

# ``Resource.needs``: the organisation teaches by subject (``GroupKind.teaches_subjects``).
TAUGHT = "teaches_subjects"


@dataclass(frozen=True)
class GroupKind:
    code: str
    plugin: str
    name: str  # «Класс»
    name_plural: str  # «Классы»
    leader: str  # «Классный руководитель»
    learner: str  # «Обучающийся»
    learner_plural: str
    levels: Sequence[int] = ()
    level_name: str = ""  # «Параллель», «Курс», «Возрастная группа»
    # The names of ``levels``, in their order («Ясельная» … «Подготовительная»); empty:
    # a level is shown as its number. An organisation renames them through its plugin's
    # rule setting ``level_names`` (the names, comma-separated), when the plugin declares one.
    level_names: Sequence[str] = ()
    takes_marks: bool = True
    # Taught by subject, with a curriculum, a load, lesson plans and a timetable (a school
    # class, a study group); False for a kindergarten's group.
    teaches_subjects: bool = True
    # The unit of teaching: «Урок» / «Уроки», «Пара» / «Пары», «Занятие» / «Занятия».
    lesson: str = "Урок"
    lessons: str = "Уроки"
    # The words pages decline (Russian asks a case a phrase): «номер урока / пары» (genitive),
    # «добавить урок / пару» (accusative), «уроки класса / учебной группы», «расписание
    # учителя / преподавателя», «уведомить классного руководителя / куратора».
    lesson_of: str = "урока"
    lesson_acc: str = "урок"
    lessons_of: str = "уроков"  # «расписание уроков / пар»
    group_of: str = "класса"
    groups_of: str = "классов"  # «мероприятия классов / учебных групп»
    teacher: str = "Учитель"  # who teaches a lesson: «Учитель», «Преподаватель»
    teachers: str = "Учителя"
    teacher_of: str = "учителя"
    leader_of: str = "классного руководителя"
    journal: str = "Классный журнал"  # the grid of a group's marks: «Журнал учебной группы»
    # More forms the core's messages ask for (the defaults are the school's words):
    # the grammatical gender of ``name`` ("m" «Класс», "f" «Учебная группа»), which picks
    # the forms agreeing with it («Класс разделён», «Учебная группа разделена»; «его», «её»);
    gender: str = "m"
    name_acc: str = "класс"  # accusative, lower case: «делить класс / учебную группу»
    leaders: str = "Классные руководители"  # plural of ``leader``: «Кураторы», «Воспитатели»
    learner_of: str = "обучающегося"  # genitive (and accusative) singular: «куратор студента»
    learners_of: str = "учащихся"  # genitive plural: «книга движения студентов»
    about_learner: str = "об обучающемся"  # prepositional with «о»: «уведомление о студенте»
    teacher_with: str = "учителем"  # instrumental: «вместе с учителем / преподавателем»
    next_level: str = "в следующий класс"  # «переводятся на следующий курс», «в следующую возрастную группу»
    # The deadlines of the movement book's orders, as the overdue page states them (the
    # school's of seed 004 3.3.3.2; a kind without ``MovementRules.deadline`` has the
    # core's: enrolment and departure within two working days).
    movement_deadlines: str = (
        "Сроки внесения приказов о движении обучающихся (регламент 3.3.3.2): перевод и второгодники — до 31 "
        "августа; выпуск 9-х и 11-х классов и оставление 9-классников — до 1 июля; выбытие и зачисление — в течение "
        "2 рабочих дней; зачисление в 1 класс — в течение 3 рабочих дней; зачисление в 10 класс — до 31 августа.")
    # What the curriculum's hours count: "week" (hours a week, times the study weeks of
    # the year) or "period" (hours of the whole study period, as a semester's plan).
    curriculum_hours: str = "week"
    # Academic hours one lesson holds: a school's урок is one, a college's пара two. A КТП
    # counts academic hours, so a topic of N hours fills N / ``lesson_hours`` lessons.
    lesson_hours: int = 1
    # Why a group's name does not fit its level («5А» for the 5th grade), or None; None: any name.
    name_problem: Callable[[str, int], str | None] | None = None
    movement: MovementRules | None = None  # None: the movement book's defaults


@dataclass(frozen=True)
class MovementRules:
    """How learners of a kind of group move through the years (the movement book)."""

    # Levels whose learners graduate when the year is closed (9 and 11 at school);
    # every other level goes up one level into a group of the next year.
    graduating_levels: Sequence[int] = ()
    # The name of a group one level up («5А» → «6А»); None: the group keeps its name.
    next_name: Callable[[str, int], str] | None = None
    # When an order had to be in the system: ``deadline(kind, order_date, event_date,
    # level, year)`` → a date or None (no deadline). None: two working days from the event.
    deadline: Callable[..., dt.date | None] | None = None
    # The note of a graduation order, with ``%(level)s``: «Окончил %(level)s классов».
    graduation_note: str = "Окончил обучение"
    # The orders entered by hand for a learner of the kind (codes of
    # ``app.models.movement.KINDS``); None: the school's set (enrolment, departure,
    # transfer, graduation, repeating). A kindergarten has no repeating; academic leave,
    # the return from it and reinstatement exist only where a kind names them.
    orders: Sequence[str] | None = None
    # The kind's own names of the orders, code → Russian («depart»: «Отчисление» at a
    # college, where a school says «Выбытие»); a code not named keeps the core's name.
    labels: dict[str, str] = field(default_factory=dict, hash=False)
    # How the refusals name a group of the kind, in the forms Russian asks for: in it
    # («в классе»), into it («в класс»), another one («другой класс»), in none («ни в одном классе»).
    in_group: str = "в классе"
    into_group: str = "в класс"
    other_group: str = "другой класс"
    in_no_group: str = "ни в одном классе"
    # The refusal of a departure without its note («Укажите, куда выбыл обучающийся»).
    departure_note_missing: str = "Укажите, куда выбыл обучающийся."
    # A note for a transfer's order when none is typed: ``transfer_note(session, from_group,
    # to_group)`` → text or None («со специальности … на специальность …»).
    transfer_note: Callable[..., str | None] | None = None


@dataclass(frozen=True)
class PluginInfo:
    code: str  # as in ``Organisation.plugins``: «school»
    label: str  # shown where a record says whose it is: «Школа»
    demo: DemoOrganisation | None = None  # the organisation the demo builds for the plugin


@dataclass(frozen=True)
class DemoOrganisation:
    """An organisation of the demo authority, declared by the plugin it is built for."""

    order: int  # organisations are built in this order (their ids follow it)
    prefix: str  # of its staff's logins: «s» gives «s1-admin»
    # The n-th organisation of its kind (``flask demo --scale``) → full name, short name, address.
    names: Callable[[int], tuple[str, str, str]]
    # A plugin whose organisation this one joins (a kindergarten group inside a school)
    # when both are loaded; alone, the plugin gets its own organisation.
    joins: str | None = None
    # Positions of the core's staff that differ from the usual titles: slug → title.
    positions: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PeriodType:
    code: str
    plugin: str
    name: str
    is_final: bool = False
    # The year mark: the journal proposes it from the marks of the year's periods.
    whole_year: bool = False


@dataclass(frozen=True)
class PeriodTemplate:
    type_code: str
    name: str
    start: dt.date
    end: dt.date
    order: int


@dataclass(frozen=True)
class MarkValue:
    value: str
    label: str
    worth: float | None  # numeric worth for averages; None counts in no average
    is_failing: bool = False


@dataclass(frozen=True)
class MarkScale:
    code: str
    plugin: str
    name: str
    values: Sequence[MarkValue]
    final_only: bool = False

    def allows(self, value: str) -> bool:
        return any(v.value == value for v in self.values)


@dataclass(frozen=True)
class RuleSetting:
    key: str
    plugin: str
    label: str
    rule: str  # "R1" … "R16"
    default: Any


@dataclass(frozen=True)
class Resource:
    name: str  # stable permission resource name, never translated
    label: str  # Russian label shown to the Администратор
    plugin: str = "core"
    # A flag of ``GroupKind`` that one kind of group of the organisation's plugins must
    # have for the resource to exist there at all ("teaches_subjects": the timetable is
    # not a kindergarten's); None: every organisation has it.
    needs: str | None = None


@dataclass(frozen=True)
class RestrictedModel:
    """A model of restricted personal data and the resource a user needs to see it."""

    model: type
    resource: str


@dataclass(frozen=True)
class RoleSpec:
    name: str
    scope: str
    permissions: dict[str, str] = field(default_factory=dict)  # resource -> read|write
    description: str = ""
    staff: bool = True
    # Roles whose reports this one runs too: a report names the roles it is for, and a
    # plugin's role doing another's work (a college's head of studies, a Завуч's) joins them.
    runs_reports_of: tuple[str, ...] = ()


@dataclass(frozen=True)
class HomeLink:
    """A one-tap link on the home page (hook ``extra_home_links``): what it opens,
    where, and optionally a line saying what for."""

    label: str
    url: str
    hint: str = ""


@dataclass(frozen=True)
class ReportParam:
    name: str
    label: str
    kind: str  # group, subject, period, month, date, date_range, organisation
    # For a ``group`` parameter: the kinds of group offered (``GroupKind.code``); empty: every kind.
    # For a ``period`` parameter without a group on the form: the kinds whose plugins' periods are
    # offered; empty: the periods of every plugin of the organisation.
    kinds: Sequence[str] = ()
    # For a ``period`` parameter: which periods of the current year are offered — "study": the
    # periods the group studies by (its scheme: quarters, halves, semesters, months; without a
    # group, every non-final one); "whole_year": the year's own (``PeriodType.whole_year``);
    # any other word: the periods of that ``PeriodType.code`` (a college's "session").
    periods: Sequence[str] = ("study",)


@dataclass(frozen=True)
class Chart:
    """A picture of a table: ``kind`` "bar" (grouped) or "stacked"; bars are
    labelled by ``label_column`` and sized by ``value_columns`` (indexes);
    ``skip_last`` leaves out a totals row."""

    title: str
    label_column: int
    value_columns: Sequence[int]
    kind: str = "bar"
    skip_last: bool = False
    y_label: str = ""
    y_max: float | None = None  # 100 for percentages


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]
    chart: Chart | None = None
    # Indexes of columns shown shaded (a табель's weekends and holidays).
    shaded: Sequence[int] = ()


@dataclass(frozen=True)
class ReportSpec:
    id: str
    plugin: str
    title: str
    roles: Sequence[str]
    run: Callable[..., list[Table]]
    params: Sequence[ReportParam] = ()
    landscape: bool = False
    # True: the report covers every organisation the user sees (the authority's
    # summaries) and takes no organisation parameter.
    across_organisations: bool = False
    # True: a PDF or XLSX of it is always made by a background job (a whole-school export),
    # whatever its size; otherwise only above the organisation's «report_job_rows».
    background: bool = False


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    organisation: str
