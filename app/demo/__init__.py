"""The demo authority: ``flask --app app demo [--scale N]``.

The core builds the authority, its organisations (N schools with a preschool
group, N colleges), their academic year and periods from each plugin's
calendar, the administrative staff with their logins, attendance codes and
kinds of work; then every plugin fills its part through ``populate_demo``.
The core never imports a plugin: the helpers below (Russian names, logins,
timetable and journal filling) are what plugins import from here.

Everything random comes from one seeded ``random.Random``: the demo is the same
on every run (and the dates follow the day it is built on).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select, text
from werkzeug.security import generate_password_hash

from app import clock
from app.clock import utc_from_local
from app.core_plugin import ATTENDANCE_CODES
from app.extensions import db
from app.models import (
    AcademicYear, Account, Assignment, AssignmentType, Attendance, AttendanceCode, Authority, FinalMark, Guardian,
    GuardianLink, Learner, LearnerGroup, Lesson, Mark, Organisation, Period, Staff, TeachingAssignment,
)
from app.registry import DemoLogin, DemoOrganisation
from app.roles import (
    ADMINISTRATOR, AUTHORITY_OFFICER, CLASS_TEACHER, DEPUTY, DIRECTOR, HR, LEARNER, MEDIC, PARENT, PSYCHOLOGIST,
    SECRETARY, TEACHER, TECHNICIAN,
)
from app.services.organisations import ASSIGNMENT_TYPES, with_inn_control

AUTHORITY_NAME = "Управление образования администрации городского округа Заречный"
AUTHORITY_SHORT = "УО г. Заречный"
PASSWORD = "Demo-2026!"
EMAIL_DOMAIN = "demo.example.org"  # marks the accounts the demo created
SEED = 2026


# Order of the rows of demo_logins(): the README table reads top to bottom; the
# plugins' own roles come between the core's staff and the learners.
STAFF_ORDER = [AUTHORITY_OFFICER, ADMINISTRATOR, DIRECTOR, DEPUTY, TEACHER, CLASS_TEACHER, SECRETARY,
               HR, PSYCHOLOGIST, MEDIC, TECHNICIAN]
LAST = [LEARNER, PARENT]


def role_order(host) -> list[str]:
    return [*STAFF_ORDER, *(name for name in host.roles if name not in STAFF_ORDER + LAST), *LAST]

# Core staff of every organisation: (login slug, role, position by plugin kind).
# Staff of every organisation: login slug, role, position (a plugin's demo organisation
# may name the position otherwise: ``DemoOrganisation.positions``).
CORE_STAFF = [
    ("admin", ADMINISTRATOR, "Администратор электронного журнала"),
    ("director", DIRECTOR, DIRECTOR),
    ("deputy", DEPUTY, "Заместитель директора по учебно-воспитательной работе"),
    ("secretary", SECRETARY, SECRETARY),
    ("hr", HR, HR),
    ("psychologist", PSYCHOLOGIST, "Педагог-психолог"),
    ("nurse", MEDIC, "Медицинская сестра"),
    ("tech", TECHNICIAN, "Заведующий хозяйством"),
]



# --------------------------------------------------------------------------
# Russian names
# --------------------------------------------------------------------------
MALE = {  # first name: patronymic it gives (male form)
    "Александр": "Александрович", "Алексей": "Алексеевич", "Андрей": "Андреевич", "Антон": "Антонович",
    "Артём": "Артёмович", "Борис": "Борисович", "Вадим": "Вадимович", "Валерий": "Валерьевич",
    "Василий": "Васильевич", "Виктор": "Викторович", "Владимир": "Владимирович", "Владислав": "Владиславович",
    "Геннадий": "Геннадьевич", "Григорий": "Григорьевич", "Даниил": "Даниилович", "Денис": "Денисович",
    "Дмитрий": "Дмитриевич", "Евгений": "Евгеньевич", "Егор": "Егорович", "Иван": "Иванович",
    "Игорь": "Игоревич", "Илья": "Ильич", "Кирилл": "Кириллович", "Константин": "Константинович",
    "Лев": "Львович", "Максим": "Максимович", "Марк": "Маркович", "Матвей": "Матвеевич",
    "Михаил": "Михайлович", "Никита": "Никитич", "Николай": "Николаевич", "Олег": "Олегович",
    "Павел": "Павлович", "Пётр": "Петрович", "Роман": "Романович", "Семён": "Семёнович",
    "Сергей": "Сергеевич", "Степан": "Степанович", "Тимофей": "Тимофеевич", "Фёдор": "Фёдорович",
    "Юрий": "Юрьевич", "Ярослав": "Ярославович",
}
FEMALE = [
    "Алина", "Алиса", "Алёна", "Анастасия", "Анна", "Валентина", "Валерия", "Варвара", "Вера", "Вероника",
    "Виктория", "Галина", "Дарья", "Евгения", "Екатерина", "Елена", "Елизавета", "Ирина", "Кристина",
    "Ксения", "Людмила", "Маргарита", "Марина", "Мария", "Милана", "Надежда", "Наталья", "Нина", "Ольга",
    "Полина", "Светлана", "София", "Таисия", "Татьяна", "Ульяна", "Юлия", "Яна",
]
SURNAMES = (
    "Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков Алексеев "
    "Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев "
    "Соловьёв Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв "
    "Гусев Киселёв Ильин Максимов Поляков Сорокин Виноградов Ковалёв Белов Медведев Антонов Тарасов Жуков "
    "Баранов Филиппов Комаров Давыдов Беляев Герасимов Богданов Осипов Сидоров Матвеев Титов Марков Миронов "
    "Крылов Куликов Карпов Власов Мельников Денисов Гаврилов Тихонов Казаков Афанасьев Данилов Савельев "
    "Тимофеев Фомин Чернов Абрамов Мартынов Ефимов Щербаков Назаров Калинин Исаев Быков Маслов Родионов "
    "Коновалов Лазарев Воронин Климов Филатов Пономарёв Голубев Кудрявцев Прохоров Наумов Журавлёв Трофимов "
    "Леонов Соболев Ермаков Колесников Гончаров Емельянов Никифоров Котов Гришин Ефремов Архипов Громов "
    "Кириллов Малышев Панов Моисеев Румянцев Акимов Кондратьев Бирюков Горбунов Анисимов Ерёмин Галкин "
    "Лукьянов Скворцов Юдин Белоусов Нестеров Симонов Харитонов Князев Цветков Мальцев Логинов Горшков "
    "Островский Вишневский Покровский Соколовский Рождественский Шевченко Ткаченко Бондаренко Черных Кравчук Седых"
).split()


def surname(male_form: str, gender: str) -> str:
    if gender == "м":
        return male_form
    if male_form.endswith(("ский", "цкий")):
        return male_form[:-2] + "ая"
    if male_form.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return male_form + "а"
    return male_form  # Шевченко, Черных, Кравчук do not change


def patronymic(father: str, gender: str) -> str:
    male = MALE[father]
    if gender == "м":
        return male
    if male == "Ильич":
        return "Ильинична"
    if male == "Никитич":
        return "Никитична"
    return male[:-4] + ("овна" if male.endswith("ович") else "евна")


@dataclass
class FullName:
    last: str
    first: str
    middle: str
    gender: str  # "м" or "ж", as Person.gender

    def person_fields(self) -> dict:
        return dict(last_name=self.last, first_name=self.first, middle_name=self.middle, gender=self.gender)


class Names:
    """Gender-consistent Russian ФИО from a seeded ``random.Random``."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self, gender: str | None = None, family: str | None = None, father: str | None = None) -> FullName:
        rng = self.rng
        gender = gender or rng.choice("мж")
        family = family or rng.choice(SURNAMES)
        father = father or rng.choice(list(MALE))
        first = rng.choice(list(MALE)) if gender == "м" else rng.choice(FEMALE)
        return FullName(surname(family, gender), first, patronymic(father, gender), gender)


def birth_date(rng: random.Random, age_on_sept_1: int, start_year: int) -> dt.date:
    """A birth date of someone ``age_on_sept_1`` years old on 1 September of ``start_year``."""
    first = dt.date(start_year - age_on_sept_1 - 1, 9, 2)
    return first + dt.timedelta(days=rng.randrange(365))


# --------------------------------------------------------------------------
# The build context plugins read (today, login prefixes)
# --------------------------------------------------------------------------
@dataclass
class _Context:
    today: dt.date = field(default_factory=clock.today)
    prefixes: dict = field(default_factory=dict)  # organisation id -> login prefix
    password_hash: str = ""
    size: int = 1  # ``--size``: how many times more classes a school has


_ctx = _Context()


def today() -> dt.date:
    return _ctx.today


def size() -> int:
    """How many times more classes (of each grade) a plugin's organisation should have:
    ``flask demo --size N`` (1: the demo as documented)."""
    return _ctx.size


def username(organisation, slug: str) -> str:
    """The login of ``slug`` in ``organisation``: «s1-teacher», «c1-curator»."""
    return f"{_ctx.prefixes.get(organisation.id, f'o{organisation.id}')}-{slug}"


def add_login(session, slug: str, roles: list[str], person=None, organisation=None, authority=None,
              first_name: str = "", last_name: str = "") -> Account:
    """A login for ``person`` (or for authority staff), with the demo password."""
    sm = current_app.appbuilder.sm
    role_rows = [sm.find_role(name) for name in roles]
    if not all(role_rows):
        raise RuntimeError(f"roles missing: {roles}; run `flask --app app init` first")
    login = username(organisation, slug) if organisation is not None else slug
    if not _ctx.password_hash:
        _ctx.password_hash = generate_password_hash(
            PASSWORD, method=current_app.config.get("FAB_PASSWORD_HASH_METHOD", "scrypt"),
            salt_length=current_app.config.get("FAB_PASSWORD_HASH_SALT_LENGTH", 16))
    if person is not None:
        first_name = " ".join(p for p in (person.first_name, person.middle_name) if p)
        last_name = person.last_name
    account = sm.add_user(login, first_name, last_name, f"{login}@{EMAIL_DOMAIN}", role_rows,
                          hashed_password=_ctx.password_hash, commit=False)
    if not account:
        raise RuntimeError(f"could not create the demo account {login}")
    account.org_id = organisation.id if organisation is not None else None
    account.authority_id = authority.id if authority is not None else None
    account.person_id = person.id if person is not None else None
    return account


def add_staff(session, organisation, names: Names, position: str, gender: str | None = None,
              start_year: int | None = None) -> Staff:
    rng = names.rng
    full = names.person(gender)
    year = start_year or today().year
    staff = Staff(org_id=organisation.id, position=position, birth_date=birth_date(rng, rng.randint(26, 60), year),
                  hired_on=dt.date(year - rng.randint(0, 25), 8, rng.randint(20, 31)),
                  phone=f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}",
                  **full.person_fields())
    session.add(staff)
    return staff


def add_learners(session, organisation, group: LearnerGroup, names: Names, count: int, age: int,
                 start_year: int, enrolled_on: dt.date) -> list[Learner]:
    """``count`` learners of ``group`` with one or two guardians each (ФИО consistent in the family)."""
    rng = names.rng
    learners, links = [], []
    for _ in range(count):
        family = rng.choice(SURNAMES)
        father = rng.choice(list(MALE))
        child = names.person(family=family, father=father)
        learner = Learner(org_id=organisation.id, group=group, birth_date=birth_date(rng, age, start_year),
                          enrolled_on=enrolled_on, **child.person_fields())
        learners.append(learner)
        mother = names.person("ж", family=family)
        guardians = [(mother, "мать")]
        if rng.random() < 0.6:
            guardians.append((FullName(surname(family, "м"), father, names.person("м").middle, "м"), "отец"))
        if rng.random() < 0.5:
            guardians.reverse()
        for full, relation in guardians:
            guardian = Guardian(org_id=organisation.id, phone=f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                                f"{rng.randint(10, 99)}-{rng.randint(10, 99)}", **full.person_fields())
            links.append(GuardianLink(org_id=organisation.id, guardian=guardian, learner=learner, relation=relation))
    session.add_all(learners + links)
    return learners


# --------------------------------------------------------------------------
# Calendar, timetable and the journal
# --------------------------------------------------------------------------
def current_period(session, year: AcademicYear, plugin: str) -> Period | None:
    """The plugin's non-final period holding today (or the last one begun); of a
    quarter and a half begun the same day, the quarter (the shorter one, last here)."""
    periods = session.scalars(select(Period).where(Period.year_id == year.id, Period.plugin == plugin,
                                                   Period.is_final.is_(False))
                              .order_by(Period.start, Period.end.desc(), Period.id)).all()
    begun = [p for p in periods if p.start <= today()]
    holding = [p for p in begun if p.end >= today()]
    return (holding or begun or periods or [None])[-1]


def school_days(period: Period | AcademicYear, weeks: int = 4) -> list[dt.date]:
    """Weekdays of ``period`` (or of the year) up to today (or its end), at most ``weeks``
    weeks back, without holidays."""
    if period is None:
        return []
    end = min(today(), period.end)
    start = max(period.start, end - dt.timedelta(days=7 * weeks - 1))
    from app.services.production_calendar import HOLIDAY, proposed_days

    off = {d.date for d in proposed_days(start, end) if d.kind == HOLIDAY}  # public holidays, days off moved
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in off:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def lessons_per_day(total_hours: int, max_per_day: int) -> list[int]:
    """Spread a week's hours over five days: the first days get the extra lesson."""
    total = min(total_hours, 5 * max_per_day)
    base, extra = divmod(total, 5)
    return [base + (1 if i < extra else 0) for i in range(5)]


def build_timetable(rng: random.Random, plan: list[tuple], max_per_day: int, busy: set) -> dict[int, list[tuple]]:
    """A week of one group: weekday -> [(number, subject, teacher)].

    ``plan`` is [(subject, teacher, hours)]; ``busy`` holds (weekday, number,
    teacher) taken by other groups and is updated, so that a teacher is rarely in
    two rooms at once.
    """
    pool = [(subject, teacher) for subject, teacher, hours in plan for _ in range(int(hours))]
    rng.shuffle(pool)
    week: dict[int, list[tuple]] = {}
    for weekday, count in enumerate(lessons_per_day(len(pool), max_per_day)):
        day, used = [], set()
        for number in range(1, count + 1):
            if not pool:
                break
            pick = next((i for i, (s, t) in enumerate(pool)
                         if (weekday, number, t.id) not in busy and s.id not in used), None)
            if pick is None:
                pick = next((i for i, (s, t) in enumerate(pool) if (weekday, number, t.id) not in busy), 0)
            subject, teacher = pool.pop(pick)
            used.add(subject.id)
            busy.add((weekday, number, teacher.id))
            day.append((number, subject, teacher))
        week[weekday] = day
    return week


def insert_rows(connection, table, rows: list[dict]) -> None:
    """Rows built, not entered, written in one go on ``connection`` (no ORM, no audit):
    PostgreSQL's COPY, else one executemany INSERT. Every row has the same keys; the
    other columns get their Python defaults (COPY would apply none), a callable's
    value taken once for the lot."""
    if not rows:
        return
    if connection.dialect.name != "postgresql":
        connection.execute(table.insert(), rows)
        return
    keys = list(rows[0])
    defaults = {}
    for column in table.columns:
        if column.key in keys or column.default is None:
            continue
        arg = column.default.arg
        defaults[column.key] = arg(None) if column.default.is_callable else arg
    names = ", ".join(f'"{name}"' for name in [*keys, *defaults])
    tail = list(defaults.values())
    cursor = connection.connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row([row[key] for key in keys] + tail)
    finally:
        cursor.close()


def write_topics(session, rows: list[tuple]) -> None:
    """``(lesson, topic, entered_at)`` of lessons already in the database: written by one
    UPDATE for all and set on the objects as their stored values, so that no flush
    writes them again. The demo is built, not entered: no audit entry, no new version
    (a teacher's later change is audited as ever). ``entered_at`` None keeps the lesson's."""
    from sqlalchemy import bindparam, update
    from sqlalchemy.orm.attributes import set_committed_value

    if not rows:
        return
    table = Lesson.__table__
    values = []
    for lesson, topic, entered_at in rows:
        entered_at = entered_at if entered_at is not None else lesson.topic_entered_at
        values.append({"lesson": lesson.id, "new_topic": topic, "entered": entered_at})
        set_committed_value(lesson, "topic", topic)
        set_committed_value(lesson, "topic_entered_at", entered_at)
    session.connection().execute(
        update(table).where(table.c.id == bindparam("lesson"))
        .values(topic=bindparam("new_topic"), topic_entered_at=bindparam("entered")), values)


@dataclass
class JournalKit:
    """What filling a journal needs from the organisation: kinds of work, codes, the scale."""

    types: dict  # name -> AssignmentType
    codes: dict  # code -> AttendanceCode
    scale_values: list  # values of the plugin's current scale, best first; [] for no marks
    topics: dict  # subject name -> list of topics


def journal_kit(session, organisation, scale) -> JournalKit:
    types = {t.name: t for t in session.scalars(select(AssignmentType).where(AssignmentType.org_id == organisation.id))}
    codes = {c.code: c for c in session.scalars(select(AttendanceCode).where(AttendanceCode.org_id == organisation.id))}
    values = [v for v in scale.values if v.worth is not None] if scale else []
    values.sort(key=lambda v: -v.worth)
    return JournalKit(types, codes, [v.value for v in values], {})


def _topic(kit: JournalKit, subject, n: int) -> str:
    topics = kit.topics.get(subject.name)
    if not topics:
        return f"{subject.name}: занятие {n + 1}"
    # Two lessons a topic: a new one, then its practice; the list starts over as a review.
    topic = topics[(n // 2) % len(topics)]
    if n // 2 >= len(topics):
        return f"Повторение: {topic}"
    return topic if n % 2 == 0 else f"Закрепление по теме «{topic}»"


def _work_type(kit: JournalKit, subject_name: str, n: int, rng: random.Random) -> str:
    if n % 8 == 7:
        return "Контрольная работа"
    if n % 4 == 3:
        lowered = subject_name.lower()
        if "русский" in lowered:
            return "Диктант"
        if any(w in lowered for w in ("физика", "химия", "биология")):
            return "Лабораторная работа"
        if any(w in lowered for w in ("география", "информатика", "труд", "программ", "учёт", "сети")):
            return "Практическая работа"
        return rng.choice(["Самостоятельная работа", "Тест"])
    return "Ответ на уроке"


def fill_journal(session, organisation, group: LearnerGroup, learners: list[Learner], week: dict, days: list,
                 kit: JournalKit, rng: random.Random, marks: bool = True) -> list[Lesson]:
    """Lessons of ``group`` on ``days`` by its ``week``, with topics, marks and absences.

    Learners have a steady ability, so their marks look like a real record;
    illness lasts a few days; «ОТ» stays only on today's lessons (R6).
    """
    ability = {id(l): rng.uniform(2.9, 4.9) for l in learners}
    sick_until: dict[int, dt.date] = {}
    taught: dict[int, int] = {}
    objects = []
    lessons = []
    absences, given = [], []  # (learner, lesson, day, code), (assignment, learner, value)
    scale = kit.scale_values
    worst, best = (len(scale) - 1, 0) if scale else (0, 0)
    for day in days:
        day_absent: dict[int, AttendanceCode] = {}
        for learner in learners:
            key = id(learner)
            if sick_until.get(key, day - dt.timedelta(days=1)) >= day:
                day_absent[key] = kit.codes["Б"]
            elif rng.random() < 0.02:
                sick_until[key] = day + dt.timedelta(days=rng.randint(2, 6))
                day_absent[key] = kit.codes["Б"]
            elif rng.random() < 0.008:
                day_absent[key] = kit.codes["УП"]
        for number, subject, teacher in week.get(day.weekday(), []):
            n = taught.get(subject.id, 0)
            taught[subject.id] = n + 1
            lesson = Lesson(org_id=organisation.id, group=group, subject_id=subject.id, teacher_id=teacher.id,
                            date=day, number=number, topic=_topic(kit, subject, n),
                            topic_entered_at=utc_from_local(dt.datetime.combine(day, dt.time(8 + number, 50))))
            lessons.append(lesson)
            objects.append(lesson)
            present = []
            for learner in learners:
                code = day_absent.get(id(learner))
                if code is None:
                    roll = rng.random()
                    if roll < 0.004:
                        code = kit.codes["ОТ"] if day == today() else kit.codes["НП"]
                    elif number == 1 and roll < 0.02:
                        code = kit.codes["ОП"]
                if code is not None:
                    absences.append((learner, lesson, day, code))
                if code is None or code.code == "ОП":
                    present.append(learner)
            if not (marks and scale and present):
                continue
            kind = _work_type(kit, subject.name, n, rng)
            work_type = kit.types[kind]
            assignment = Assignment(org_id=organisation.id, lesson=lesson, type=work_type, weight=work_type.weight,
                                    title=f"{kind}: {lesson.topic}"[:300])
            objects.append(assignment)
            whole_class = kind != "Ответ на уроке"
            chosen = present if whole_class else rng.sample(present, min(len(present), rng.randint(2, 5)))
            for learner in chosen:
                worth = rng.gauss(ability[id(learner)], 0.7)
                index = max(best, min(worst, round(len(scale) - 1 - (worth - 2))))  # 5 -> 0, 2 -> last
                given.append((assignment, learner, scale[index]))
    session.add_all(objects)
    # The demo is built, not entered: its marks and absences (most of its rows) go in by
    # one INSERT each, after the lessons and works have their ids, and leave no audit
    # entries (what people enter later is audited as ever).
    session.flush()
    connection = session.connection()
    if absences:
        insert_rows(connection, Attendance.__table__, [
            {"org_id": organisation.id, "learner_id": learner.id, "lesson_id": lesson.id, "date": day,
             "code_id": code.id} for learner, lesson, day, code in absences])
    if given:
        insert_rows(connection, Mark.__table__, [
            {"org_id": organisation.id, "assignment_id": assignment.id, "learner_id": learner.id, "value": value}
            for assignment, learner, value in given])
    return lessons


# --------------------------------------------------------------------------
# The build
# --------------------------------------------------------------------------
def _year_bounds(host, plugins: list[str], start_year: int) -> tuple[dt.date, dt.date, list]:
    templates = [(plugin, t) for plugin in plugins for t in host.calendar(plugin, start_year)]
    if not templates:
        return dt.date(start_year, 9, 1), dt.date(start_year + 1, 6, 30), []
    return (min(t.start for _, t in templates), max(t.end for _, t in templates), templates)


def _organisation(session, host, authority, names: Names, name: str, short: str, plugins: list[str],
                  prefix: str, start_year: int, address: str, inn: str, positions: dict[str, str]):
    org = Organisation(authority=authority, name=name, short_name=short, plugins=plugins, settings={},
                       address=address, inn=inn)
    session.add(org)
    session.flush()
    _ctx.prefixes[org.id] = prefix
    start, end, templates = _year_bounds(host, plugins, start_year)
    year = AcademicYear(org_id=org.id, name=f"{start_year}/{start_year + 1}", start=start, end=end)
    session.add(year)
    session.flush()
    session.add_all([
        Period(org_id=org.id, year_id=year.id, plugin=plugin, type_code=t.type_code, name=t.name, start=t.start,
               end=t.end, order=t.order, is_final=host.period_types[t.type_code].is_final)
        for plugin, t in templates
    ])
    session.add_all([AssignmentType(org_id=org.id, name=n, weight=w) for n, w in ASSIGNMENT_TYPES])
    session.add_all([AttendanceCode(org_id=org.id, code=c, name=n, category=cat) for c, n, cat in ATTENDANCE_CODES])
    staff = []
    for slug, role, position in CORE_STAFF:
        staff.append((slug, role, add_staff(session, org, names, positions.get(slug, position),
                                            start_year=start_year)))
    session.flush()
    for slug, role, person in staff:
        add_login(session, slug, [role], person=person, organisation=org)
    session.flush()
    return org, year


def demo_organisations(host) -> list[tuple[list[str], DemoOrganisation]]:
    """The organisations the demo builds, in their declared order, each with its plugins:
    one per plugin declaring one, joined by the loaded plugins that join it."""
    infos = {code: info for code, info in host.plugin_infos.items() if info.demo is not None}
    out = []
    for code, info in infos.items():
        if info.demo.joins in infos:
            continue
        joined = [other for other, i in infos.items() if i.demo.joins == code]
        out.append(([code, *joined], info.demo))
    return sorted(out, key=lambda item: item[1].order)


def build_demo(scale: int = 1, on: dt.date | None = None, size: int = 1) -> list[DemoLogin] | None:
    """Create the demo authority and return the logins the plugins made; None when it
    is already there (nothing changes)."""
    session = db.session
    if session.scalar(select(Authority.id).where(Authority.name == AUTHORITY_NAME)) is not None:
        return None
    sm = current_app.appbuilder.sm
    host = current_app.extensions["ejournal"]
    if any(sm.find_role(name) is None for name in host.roles):
        from app.rights import sync_roles

        sync_roles()
    global _ctx
    _ctx = _Context(today=on or clock.today(), size=size)
    start_year = today().year if today().month >= 9 else today().year - 1
    rng = random.Random(SEED)
    names = Names(rng)
    authority = Authority(name=AUTHORITY_NAME, short_name=AUTHORITY_SHORT)
    session.add(authority)
    session.flush()
    chief = names.person()
    add_login(session, "uo", [AUTHORITY_OFFICER], authority=authority, first_name=f"{chief.first} {chief.middle}",
              last_name=chief.last)
    created: list[DemoLogin] = []
    for i in range(1, scale + 1):
        for plugins, declared in demo_organisations(host):
            full, short, address = declared.names(i)
            inn = with_inn_control(f"66{rng.randint(10**7, 10**8 - 1)}"[:9])  # a valid control digit
            org, year = _organisation(session, host, authority, names, full, short, plugins, f"{declared.prefix}{i}",
                                      start_year, address, inn,
                                      declared.positions)
            # Every plugin is asked: each fills only its own part (and returns at once for
            # an organisation it does not serve).
            created += host.populate_demo(session, org, year, rng)
            session.flush()
            past_finals(session, host, org, year, rng)
            homework(session, org, year, rng)
            from app.demo.communication import populate_communication

            populate_communication(session, org, today())  # announcements, letters, a month of activity
            # One organisation's rows written, the session lets go of them: every flush looks
            # at all the objects it holds, and thirty organisations' worth made each flush slow.
            session.flush()
            session.expunge_all()
            authority = session.get(Authority, authority.id)
            if (i & (i - 1)) == 0 and declared is demo_organisations(host)[-1][1]:
                _refresh_statistics(session, commit=False)  # statistics as the tables grow: rounds 1, 2, 4, 8 …
    from app.demo.accounts import populate_accounts_demo

    populate_accounts_demo(session, authority, today())
    session.commit()
    _refresh_statistics(session)
    return created


HOMEWORK = ["§ {n}, ответить на вопросы 1–{k}", "Упражнение {e}", "№ {e}, {f}", "Прочитать с. {p}–{q}",
            "Выучить правило на с. {p}, упражнение {e}", "Подготовить сообщение по теме {lesson}"]


def homework(session, organisation, year: AcademicYear, rng: random.Random) -> None:
    """Homework for most lessons given so far, due by the next lesson of the subject
    and entered on the lesson's day (R7), except in the no-marks grades (R2)
    and the preschool groups: those have no marks in the demo journal either."""
    from app.models import Homework

    rows = session.execute(
        select(Lesson.id, Lesson.group_id, Lesson.subgroup_id, Lesson.subject_id, Lesson.date, Lesson.number)
        .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
        .where(Lesson.org_id == organisation.id, LearnerGroup.year_id == year.id)
        .order_by(Lesson.date, Lesson.number, Lesson.id)).all()
    marked = set(session.scalars(select(Lesson.group_id).join(Assignment, Assignment.lesson_id == Lesson.id)
                                 .where(Lesson.org_id == organisation.id).distinct()))
    following: dict[tuple, dt.date] = {}
    due: dict[int, dt.date] = {}
    for lesson_id, group_id, subgroup_id, subject_id, day, _number in reversed(rows):
        key = (group_id, subgroup_id, subject_id)
        due[lesson_id] = following.get(key, day + dt.timedelta(days=7))
        following[key] = day
    # «по теме урока», «по теме пары»: the kind of the lesson's group says it.
    kinds = current_app.extensions["ejournal"].group_kinds
    lesson_of = {gid: getattr(kinds.get(code), "lesson_of", "урока") for gid, code in session.execute(
        select(LearnerGroup.id, LearnerGroup.kind).where(LearnerGroup.org_id == organisation.id))}
    items = []
    for lesson_id, group_id, _subgroup_id, _subject_id, day, number in rows:
        if group_id not in marked or day > today() or rng.random() < 0.2:
            continue
        n, e = rng.randint(3, 40), rng.randint(50, 600)
        text = rng.choice(HOMEWORK).format(n=n, k=rng.randint(3, 6), e=e, f=e + rng.randint(1, 9),
                                           p=n * 4, q=n * 4 + rng.randint(3, 8), lesson=lesson_of[group_id])
        # Entered at the end of the lesson, local time (stored as UTC): within R7's hour.
        ends = dt.datetime.combine(day, dt.time(8, 30)) + dt.timedelta(minutes=55 * (number - 1) + 50)
        items.append({"org_id": organisation.id, "lesson_id": lesson_id, "text": text, "due_date": due[lesson_id],
                      "entered_at": utc_from_local(ends)})
    if items:  # built, not entered: one INSERT, no audit entries
        insert_rows(session.connection(), Homework.__table__, items)


def past_finals(session, host, organisation, year: AcademicYear, rng: random.Random) -> None:
    """Final marks of the periods already over (the demo journal holds only the
    last weeks): every subject of the learner's group gets a mark near the
    learner's current average in it (or overall), set a few days before the
    period's end (R4), so that ledgers and results have a past. Only the periods the
    group studies by get them (quarters, or halves for the grades the year's mode names)."""
    from app.services.marks import WeightedMark, propose_final
    from app.services.periods import study_periods

    periods = session.scalars(select(Period).where(Period.year_id == year.id, Period.is_final.is_(False),
                                                   Period.end < today())).all()
    if not periods:
        return
    rows = session.execute(
        select(Mark.learner_id, Lesson.subject_id, Mark.value, Assignment.weight)
        .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
        .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
        .where(Mark.org_id == organisation.id, LearnerGroup.year_id == year.id)).all()
    groups = {g.id: g for g in session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id))}
    subjects: dict[int, set[int]] = {}
    for group_id, subject_id in session.execute(
            select(TeachingAssignment.group_id, TeachingAssignment.subject_id)
            .where(TeachingAssignment.year_id == year.id)):
        subjects.setdefault(group_id, set()).add(subject_id)
    learners = session.execute(select(Learner.id, Learner.group_id).where(
        Learner.group_id.in_(list(groups)), Learner.left_on.is_(None))).all()
    given: dict[tuple, list] = {}
    for learner_id, subject_id, value, weight in rows:
        given.setdefault((learner_id, subject_id), []).append((value, float(weight)))
        given.setdefault((learner_id, None), []).append((value, float(weight)))
    # A plugin that set final marks of a period in a group itself (a college closing the
    # exam sheets of a session) keeps that period's marks of the group as it left them.
    owned = set(session.execute(
        select(Learner.group_id, FinalMark.period_id).join(Learner, Learner.id == FinalMark.learner_id)
        .where(FinalMark.org_id == organisation.id, FinalMark.period_id.in_([p.id for p in periods]))).all())
    studied: dict[int, set[int]] = {}
    finals = []
    for learner_id, group_id in learners:
        group = groups[group_id]
        scale = host.scale_for(group.kind)
        if scale is None or (learner_id, None) not in given:
            continue  # no marks at all: a no-marks grade (R2)
        worth = {v.value: v.worth for v in scale.values}
        plugin = host.group_kinds[group.kind].plugin
        if group_id not in studied:
            studied[group_id] = {p.id for p in study_periods(session, host, group)}
        for subject_id in sorted(subjects.get(group_id, ())):
            own = given.get((learner_id, subject_id)) or given[(learner_id, None)]
            base = propose_final([WeightedMark(worth.get(v), w) for v, w in own], scale, 0.6, 1).average
            if base is None:
                continue
            for period in periods:
                if period.plugin != plugin:
                    continue
                mark = propose_final([WeightedMark(base + rng.gauss(0, 0.35), 1)], scale, 0.5, 1)
                # (drawn for every period of the plugin: the rest of the demo keeps its random sequence)
                if mark.value is not None and period.id in studied[group_id] and (group_id, period.id) not in owned:
                    finals.append(dict(
                        org_id=organisation.id, learner_id=learner_id, subject_id=subject_id, period_id=period.id,
                        value=mark.value,
                        created_at=dt.datetime.combine(period.end - dt.timedelta(days=3), dt.time(15, 0))))
    if finals:  # built, not entered: one INSERT, no audit entries
        insert_rows(session.connection(), FinalMark.__table__, finals)


def _refresh_statistics(session, commit: bool = True) -> None:
    """PostgreSQL plans by table statistics that autovacuum gathers only some
    time after a bulk load: without them a freshly built demo picks nested
    loops over thousands of rows (seen: the REST list of marks at 0.5 s
    instead of 20 ms). ANALYZE now, as one would after any bulk import.
    The build itself does so as it grows (its own transaction's rows count):
    planned for empty tables, its queries of the thirtieth organisation took
    minutes (``demo --scale 15 --size 3``)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))
        if commit:
            session.commit()


def _role_label(account, leaders: set[int]) -> str:
    names = {r.name for r in account.roles}
    specific = [n for n in role_order(current_app.extensions["ejournal"]) if n in names and n != TEACHER]
    if specific:
        return specific[0]
    if TEACHER in names:
        return CLASS_TEACHER if account.person_id in leaders else TEACHER
    return sorted(names)[0] if names else ""


def demo_logins() -> list[dict]:
    """The demo logins to print: the authority's and those of the first school and college."""
    session = db.session
    authority = session.scalar(select(Authority).where(Authority.name == AUTHORITY_NAME))
    if authority is None:
        return []
    orgs = session.scalars(select(Organisation).where(Organisation.authority_id == authority.id)
                           .order_by(Organisation.id)).all()
    shown = {}
    for org in orgs:
        shown.setdefault(tuple(org.plugins or ()), org)  # the first organisation of each kind
    org_ids = [o.id for o in shown.values()]
    accounts = session.scalars(
        select(Account).where(Account.email.like(f"%@{EMAIL_DOMAIN}"))
        .where((Account.org_id.in_(org_ids)) | (Account.authority_id == authority.id))
        .order_by(Account.id)).all()
    leaders = set(session.scalars(select(LearnerGroup.leader_id).where(LearnerGroup.org_id.in_(org_ids))))
    rows = []
    for account in accounts:
        org_name = account.organisation.short_name if account.organisation else authority.name
        rows.append({"role": _role_label(account, leaders), "username": account.username, "password": PASSWORD,
                     "organisation": org_name})
    order = {name: i for i, name in enumerate(role_order(current_app.extensions["ejournal"]))}
    org_order = {o.short_name: i for i, o in enumerate(shown.values())}
    rows.sort(key=lambda r: (order.get(r["role"], len(order)), org_order.get(r["organisation"], -1)))
    return rows


def demo_counts() -> dict[str, int]:
    """Rows per demo table: the tests compare them between two runs."""
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Authority, Organisation, Account, Learner, Guardian, Lesson, Mark, Attendance)}
