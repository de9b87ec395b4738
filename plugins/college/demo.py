"""Demo data of the college: two specialties, groups on three courses, disciplines
and МДК by course, преподаватели with their load, curators, the bells of pairs and the
semester's timetable of every group (saved and turned into pairs by the core's timetable
services), the pairs held so far with topics, marks and attendance, a КТП of one
discipline; logins of the учебная часть."""
from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict

from sqlalchemy import select

from app import clock, demo
from app.clock import utc_from_local
from app.models import (
    Assignment, Attendance, FinalMark, Learner, LearnerGroup, Lesson, Mark, Period, Subject, TeachingAssignment,
)
from app.models.plans import LessonPlan, PlanTopic
from app.models.timetable import Bell, Holiday, Room
from app.services.calendar import public_holidays
from app.services.plans import flow_topics, plan_lessons_query
from app.services.timetable import generate_lessons, save_entry
from app.registry import DemoOrganisation
from app.roles import LEARNER, PARENT, TEACHER

from . import exams
from .curriculum import MODULE
# The weeks of a semester as the load check counts them: the plan's hours are made to agree.
from .curriculum_service import DEFAULT_SEMESTER_WEEKS, _weeks, plan_rows, save_row
from .exam_models import ExamSheet
from .models import GroupSpecialty, Specialty
from .portfolio_service import SYSTEM_ACTOR, add_entry, current_semester

name = "college"
GROUP_SIZE = (20, 25)
PAIRS_PER_DAY = 4
LAST_PAIR = 5  # a pair that finds no place among the first four goes to the fifth
# A пара is two academic hours; the break after the second is the long one (lunch).
BELLS = [("08:30", "10:00"), ("10:10", "11:40"), ("12:20", "13:50"), ("14:00", "15:30"), ("15:40", "17:10")]
FULL_LOAD = 18  # pairs a week a преподаватель takes at most

# Forms of attestation in a course's odd and even semester (seed 003): экзамен, зачёт,
# дифференцированный зачёт, экзамен квалификационный; «none»: other forms of control only.
E, C, D, N, Q = "exam", "credit", "graded_credit", "none", "qualifying_exam"
PRACTICE = "training_practice"
# discipline -> (pairs a week, form in the odd semester, form in the even one); the first
# course learns the general disciplines of either specialty.
GENERAL = {"Русский язык": (2, N, E), "Литература": (2, N, D), "Математика": (3, E, E), "Иностранный язык": (2, N, D),
           "История": (2, N, D), "Физическая культура": (2, C, D), "Информатика": (2, D, E), "Физика": (2, N, D),
           "Основы безопасности и защиты Родины": (1, N, D)}
# code, name, qualification, group prefix, disciplines of courses 2 and 3, and the
# professional modules (ПМ) of course 3: (module, its forms, [(МДК or practice, kind)]).
SPECIALTIES = [
    ("09.02.07", "Информационные системы и программирование", "Программист", "ИСП", {
        2: {"Операционные системы и среды": (2, E, D), "Архитектура аппаратных средств": (2, N, E),
            "Основы алгоритмизации и программирования": (3, E, E), "Элементы высшей математики": (2, D, E),
            "Дискретная математика с элементами математической логики": (2, N, D),
            "Иностранный язык в профессиональной деятельности": (2, C, D), "Физическая культура": (2, C, D)},
        3: {"Разработка программных модулей": (3, E, D), "Поддержка и тестирование программных модулей": (2, D, E),
            "Учебная практика по разработке модулей программного обеспечения": (1, N, D),
            "Технология разработки программного обеспечения": (2, N, E),
            "Разработка кода информационных систем": (3, E, D), "Компьютерные сети": (2, N, E),
            "Иностранный язык в профессиональной деятельности": (2, C, D), "Физическая культура": (2, C, D)},
    }, {3: [
        ("Разработка модулей программного обеспечения для компьютерных систем", (N, Q), [
            ("Разработка программных модулей", "mdk"), ("Поддержка и тестирование программных модулей", "mdk"),
            ("Учебная практика по разработке модулей программного обеспечения", PRACTICE)]),
        ("Осуществление интеграции программных модулей", (N, N),
         [("Технология разработки программного обеспечения", "mdk")]),
        ("Проектирование и разработка информационных систем", (N, N),
         [("Разработка кода информационных систем", "mdk")]),
    ]}),
    ("38.02.01", "Экономика и бухгалтерский учёт (по отраслям)", "Бухгалтер", "ЭБУ", {
        2: {"Экономика организации": (3, E, D), "Финансы, денежное обращение и кредит": (2, N, E),
            "Бухгалтерский учёт": (3, D, E), "Налоги и налогообложение": (2, E, D), "Статистика": (2, N, D),
            "Иностранный язык в профессиональной деятельности": (2, C, D), "Физическая культура": (2, C, D)},
        3: {"Практические основы бухгалтерского учёта активов организации": (3, E, D),
            "Учебная практика по бухгалтерскому учёту активов организации": (1, N, D),
            "Ведение бухгалтерского учёта источников формирования активов": (3, D, E), "Аудит": (2, N, E),
            "Анализ финансово-хозяйственной деятельности": (2, E, D),
            "Информационные технологии в профессиональной деятельности": (2, N, D), "Физическая культура": (2, C, D)},
    }, {3: [
        ("Документирование хозяйственных операций и ведение бухгалтерского учёта активов организации", (N, Q), [
            ("Практические основы бухгалтерского учёта активов организации", "mdk"),
            ("Учебная практика по бухгалтерскому учёту активов организации", PRACTICE)]),
        ("Ведение бухгалтерского учёта источников формирования активов, выполнение работ по инвентаризации "
         "активов и финансовых обязательств организации", (N, N),
         [("Ведение бухгалтерского учёта источников формирования активов", "mdk")]),
    ]}),
]
TOPICS = {
    "Основы алгоритмизации и программирования": ["Понятие алгоритма", "Типы данных", "Ветвления", "Циклы",
                                                 "Массивы", "Функции", "Работа со строками"],
    "Разработка программных модулей": ["Объектно-ориентированное программирование", "Классы и объекты",
                                       "Наследование", "Обработка исключений", "Модульное тестирование"],
    "Компьютерные сети": ["Модель OSI", "Адресация IPv4", "Маршрутизация", "Коммутаторы и VLAN"],
    "Бухгалтерский учёт": ["Бухгалтерский баланс", "План счетов", "Двойная запись", "Учёт денежных средств",
                           "Учёт расчётов с поставщиками"],
    "Экономика организации": ["Организация как субъект рынка", "Основные средства", "Оборотные средства",
                              "Себестоимость продукции", "Прибыль и рентабельность"],
    "Налоги и налогообложение": ["Налоговая система РФ", "Налог на добавленную стоимость", "Налог на прибыль",
                                 "Налог на доходы физических лиц"],
    "Математика": ["Тригонометрические функции", "Производная", "Показательная функция", "Логарифмы"],
    "Русский язык": ["Лексика и фразеология", "Орфография", "Пунктуация в сложном предложении"],
    "История": ["Россия в начале XX века", "Великая Отечественная война", "Россия в XXI веке"],
    "Физическая культура": ["Лёгкая атлетика", "Волейбол", "Баскетбол", "Общая физическая подготовка"],
}
POSITIONS = {  # discipline -> position of its преподаватель
    "Физическая культура": "Руководитель физического воспитания",
}



def _names(n: int) -> tuple[str, str, str]:
    title = "Заречный политехнический колледж" if n == 1 else f"Заречный колледж № {n}"
    return (f"Государственное бюджетное профессиональное образовательное учреждение «{title}»",
            f"ГБПОУ «{title}»", f"г. Заречный, пр. Ленина, д. {40 + n}")


ORGANISATION = DemoOrganisation(order=3, prefix="c", names=_names, positions={
    "deputy": "Заместитель директора по учебной работе", "secretary": "Секретарь учебной части",
    "psychologist": "Социальный педагог", "nurse": "Фельдшер", "tech": "Лаборант"})


def populate(host, session, organisation, year, rng):
    if name not in (organisation.plugins or []):
        return []
    names = demo.Names(rng)
    start_year = year.start.year
    specialties, groups, plans, tables = [], [], {}, {}
    for code, title, qualification, prefix, courses, _modules in SPECIALTIES:
        specialty = Specialty(org_id=organisation.id, code=code, name=title, qualification=qualification)
        specialties.append(specialty)
        for course in (1, 2, 3):
            admitted = start_year - course + 1
            group = LearnerGroup(org_id=organisation.id, year_id=year.id, kind="college_group",
                                 name=f"{prefix}-{admitted % 100}", level=course)
            groups.append((group, specialty))
            tables[(code, course)] = GENERAL if course == 1 else courses[course]
            plans[group.name] = {d: pairs for d, (pairs, *_forms) in tables[(code, course)].items()}
    session.add_all(specialties + [g for g, _ in groups])
    session.flush()
    # Every demo group studies очно; its year of admission follows from its course.
    session.add_all([GroupSpecialty(org_id=organisation.id, group_id=g.id, specialty_id=s.id,
                                    admission_year=start_year - g.level + 1, study_form="full_time")
                     for g, s in groups])

    disciplines = sorted({d for plan in plans.values() for d in plan})
    subjects = {d: Subject(org_id=organisation.id, name=d, plugin=name) for d in disciplines}
    session.add_all(subjects.values())

    # Преподаватели: one per discipline, more where the load asks for it.
    teachers = {}
    for discipline in disciplines:
        hours = sum(plan.get(discipline, 0) for plan in plans.values())
        position = POSITIONS.get(discipline, "Преподаватель")
        teachers[discipline] = [demo.add_staff(session, organisation, names, position, start_year=start_year)
                                for _ in range(max(1, math.ceil(hours / FULL_LOAD)))]
    session.flush()
    load, assignments, timetable_plans = {}, [], {}
    for group, _specialty in groups:
        plan = []
        for discipline, hours in plans[group.name].items():
            teacher = min(teachers[discipline], key=lambda t: load.get(t.id, 0))
            load[teacher.id] = load.get(teacher.id, 0) + hours
            plan.append((subjects[discipline], teacher, hours))
            assignments.append(TeachingAssignment(org_id=organisation.id, year_id=year.id, teacher_id=teacher.id,
                                                  subject_id=subjects[discipline].id, group_id=group.id,
                                                  hours_per_week=hours * 2))  # a pair is two academic hours
        timetable_plans[group.name] = plan
    session.add_all(assignments)

    # Curators: a преподаватель of the group who leads no other group.
    curators = set()
    for group, _specialty in groups:
        candidates = [t for _, t, _ in timetable_plans[group.name] if t.id not in curators]
        group.leader_id = (candidates[rng.randrange(len(candidates))] if candidates
                           else timetable_plans[group.name][0][1]).id
        curators.add(group.leader_id)

    students = {}
    for group, _specialty in groups:
        students[group.name] = demo.add_learners(
            session, organisation, group, names, rng.randint(*GROUP_SIZE), age=15 + group.level,
            start_year=start_year, enrolled_on=dt.date(start_year - group.level + 1, 9, 1))
    session.flush()

    # The semester's timetable of pairs; its lessons made by the core's generation, the
    # journal of the semester so far filled in them, and a КТП flowed into one discipline.
    populate_timetable(host, session, organisation, year, rng, groups=[g for g, _ in groups],
                       plans=timetable_plans, students=students, topics=TOPICS)
    populate_plan(session, organisation, year, [g for g, _ in groups], subjects)

    # The specialties' curricula, the examination sessions and the teachers' portfolios,
    # each written through its service as the учебная часть and the преподаватели would.
    populate_curriculum(host, session, organisation, year, specialties, tables, subjects)
    examiners = populate_sessions(host, session, organisation, year, rng, groups, timetable_plans, subjects)

    # Logins: a преподаватель (the examiner of a sheet still open, when the calendar has one),
    # a curator, the учебная часть, a student of a 2nd-course group and a parent.
    staff_by_id = {t.id: t for ts in teachers.values() for t in ts}
    second = next(g for g, _ in groups if g.level == 2)
    curator = staff_by_id[second.leader_id]
    lecturer = next((staff_by_id[i] for i in examiners if i not in curators), None) or \
        next(t for t in staff_by_id.values() if t.id not in curators)
    populate_portfolio(session, organisation, year, sorted(staff_by_id.values(), key=lambda t: t.id), lecturer,
                       subjects, timetable_plans)
    manager = demo.add_staff(session, organisation, names, "Методист учебной части", start_year=start_year)
    head = demo.add_staff(session, organisation, names, "Заведующий учебной частью", start_year=start_year)
    session.flush()
    student = students[second.name][0]
    logins = [
        demo.add_login(session, "teacher", [TEACHER], person=lecturer, organisation=organisation),
        demo.add_login(session, "curator", [TEACHER, "Куратор"], person=curator, organisation=organisation),
        demo.add_login(session, "manager", ["Менеджер учебной части"], person=manager, organisation=organisation),
        demo.add_login(session, "head", ["Заведующий учебной частью"], person=head, organisation=organisation),
        demo.add_login(session, "student", [LEARNER], person=student, organisation=organisation),
        demo.add_login(session, "parent", [PARENT], person=student.guardian_links[0].guardian,
                       organisation=organisation),
    ]
    session.flush()
    from app.registry import DemoLogin

    return [DemoLogin(a.roles[0].name, a.username, demo.PASSWORD, organisation.short_name) for a in logins]


# --------------------------------------------------------------------------
# The timetable of pairs and the journal of the semester
# --------------------------------------------------------------------------
def _week(rng, plan: list[tuple], busy: set) -> list[tuple]:
    """A week of one group: [(weekday, number, subject, teacher)], pairs from the first
    on, the same discipline at most once a day where it can; ``busy`` holds (weekday,
    number, teacher) of the other groups and is updated: a преподаватель (and so his
    room) is never in two groups at once — the core's timetable would refuse it."""
    pool = [(subject, teacher) for subject, teacher, pairs in plan for _ in range(int(pairs))]
    rng.shuffle(pool)
    out, taken = [], set()
    for weekday, count in enumerate(demo.lessons_per_day(len(pool), PAIRS_PER_DAY)):
        used = set()
        number = 1
        while count and pool and number <= LAST_PAIR:
            free = [i for i, (_s, t) in enumerate(pool) if (weekday, number, t.id) not in busy]
            pick = next((i for i in free if pool[i][0].id not in used), free[0] if free else None)
            if pick is not None:
                subject, teacher = pool.pop(pick)
                used.add(subject.id)
                busy.add((weekday, number, teacher.id))
                taken.add((weekday, number))
                out.append((weekday, number, subject, teacher))
                count -= 1
            number += 1
    for subject, teacher in pool:  # what the days could not hold: any free pair of the week
        slot = next(((d, n) for d in range(5) for n in range(1, LAST_PAIR + 1)
                     if (d, n) not in taken and (d, n, teacher.id) not in busy), None)
        if slot is not None:
            busy.add((*slot, teacher.id))
            taken.add(slot)
            out.append((*slot, subject, teacher))
    return out


def populate_timetable(host, session, organisation, year, rng, groups, plans, students, topics) -> None:
    org_id = organisation.id
    period = demo.current_period(session, year, name)
    if period is None:
        return
    session.add_all([Holiday(org_id=org_id, year_id=year.id, name=n, start=s, end=e, public=True)
                     for n, s, e in public_holidays(year.start.year)])
    session.add_all([Bell(org_id=org_id, year_id=year.id, shift=1, number=i, start=s, end=e)
                     for i, (s, e) in enumerate(BELLS, start=1)])
    teachers = sorted({t.id: t for plan in plans.values() for _s, t, _h in plan}.values(),
                      key=lambda t: (t.position or "", t.last_name, t.id))
    rooms, gyms = {}, 0
    for number, teacher in enumerate(teachers, start=1):
        if "физического воспитания" in (teacher.position or ""):
            gyms += 1
            rooms[teacher.id] = Room(org_id=org_id, name="Спортивный зал" + (f" № {gyms}" if gyms > 1 else ""),
                                     capacity=60)
        else:
            rooms[teacher.id] = Room(org_id=org_id, name=f"Аудитория {100 + number}", capacity=30)
    session.add_all(rooms.values())
    session.flush()
    busy: set = set()
    for group in groups:
        for weekday, number, subject, teacher in _week(rng, plans[group.name], busy):
            save_entry(session, host, year, {
                "group_id": str(group.id), "weekday": str(weekday), "number": str(number),
                "subject_id": str(subject.id), "teacher_id": str(teacher.id), "room_id": str(rooms[teacher.id].id),
                "valid_from": period.start.isoformat(), "valid_to": period.end.isoformat()})
    generate_lessons(session, host, year, period.start, period.end)
    _journal(session, organisation, groups, students, topics, host.scale_for("college_group"), rng)


def _journal(session, organisation, groups, students, topics, scale, rng) -> None:
    """Topics, attendance and current marks of every pair of the semester held so far."""
    kit = demo.journal_kit(session, organisation, scale)
    kit.topics = topics
    values = kit.scale_values
    today = demo.today()
    lessons = session.scalars(select(Lesson).where(Lesson.group_id.in_([g.id for g in groups]))
                              .order_by(Lesson.group_id, Lesson.date, Lesson.number)).all()
    by_group = defaultdict(list)
    for lesson in lessons:
        by_group[lesson.group_id].append(lesson)
    subjects = {s.id: s for s in session.scalars(select(Subject).where(Subject.org_id == organisation.id))}
    objects = []
    absences, given = [], []  # (learner id, lesson, day, code id), (assignment, learner id, value)
    topics = []  # (lesson, topic, entered at): one UPDATE for them all
    for group in groups:
        learners = students[group.name]
        ability = {learner.id: rng.uniform(2.9, 4.9) for learner in learners}
        sick_until: dict[int, dt.date] = {}
        taught: dict[int, int] = defaultdict(int)
        absent_on: dict[dt.date, dict] = {}
        for lesson in by_group[group.id]:
            day = lesson.date
            if day not in absent_on and day <= today:  # who is away the whole day: illness lasts a few days
                away = absent_on[day] = {}
                for learner in learners:
                    if sick_until.get(learner.id, day - dt.timedelta(days=1)) >= day:
                        away[learner.id] = kit.codes["Б"]
                    elif rng.random() < 0.01:
                        sick_until[learner.id] = day + dt.timedelta(days=rng.randint(2, 6))
                        away[learner.id] = kit.codes["Б"]
                    elif rng.random() < 0.006:
                        away[learner.id] = kit.codes["УП"]
            subject = subjects[lesson.subject_id]
            n = taught[subject.id]
            taught[subject.id] += 1
            topic = demo._topic(kit, subject, n)
            if day > today:
                topics.append((lesson, topic, None))
                continue  # a pair to come: its planned topic, not yet confirmed by the преподаватель
            topics.append((lesson, topic, utc_from_local(dt.datetime.combine(day, dt.time(8 + 2 * lesson.number, 0)))))
            present = []
            for learner in learners:
                code = absent_on[day].get(learner.id)
                if code is None:
                    roll = rng.random()
                    if roll < 0.006:
                        code = kit.codes["ОТ"] if day == today else kit.codes["НП"]
                    elif lesson.number == 1 and roll < 0.03:
                        code = kit.codes["ОП"]
                if code is not None:
                    absences.append((learner.id, lesson, day, code.id))
                if code is None or code.code == "ОП":
                    present.append(learner)
            if not (values and present):
                continue
            kind = demo._work_type(kit, subject.name, n, rng)
            work_type = kit.types[kind]
            assignment = Assignment(org_id=organisation.id, lesson=lesson, type=work_type, weight=work_type.weight,
                                    title=f"{kind}: {topic}"[:300])
            objects.append(assignment)
            # A test marks the whole group; other work half of it, an answer a few (and keeps the demo quick).
            count = len(present) if kind == "Контрольная работа" else \
                len(present) // 2 if kind != "Ответ на уроке" else rng.randint(2, 4)
            chosen = rng.sample(present, min(len(present), count))
            for learner in chosen:
                worth = rng.gauss(ability[learner.id], 0.7)
                index = max(0, min(len(values) - 1, round(len(values) - 1 - (worth - 2))))  # 5 -> 0, 2 -> last
                given.append((assignment, learner.id, values[index]))
    demo.write_topics(session, topics)
    session.add_all(objects)
    session.flush()
    # Built, not entered: the marks and absences go in by one INSERT each, without audit
    # entries (as the core's demo journal: app/demo fill_journal).
    connection = session.connection()
    if absences:
        demo.insert_rows(connection, Attendance.__table__, [
            {"org_id": organisation.id, "learner_id": learner_id, "lesson_id": lesson.id, "date": day,
             "code_id": code_id} for learner_id, lesson, day, code_id in absences])
    if given:
        demo.insert_rows(connection, Mark.__table__, [
            {"org_id": organisation.id, "assignment_id": assignment.id, "learner_id": learner_id, "value": value}
            for assignment, learner_id, value in given])


# --------------------------------------------------------------------------
# A КТП (the specialty's curriculum is the plugin's own, per semester)
# --------------------------------------------------------------------------
# КТП of «Основы алгоритмизации и программирования» of the 2nd-course ИСП group for the
# year, as R13 asks: 102 hours of the autumn semester and 120 of the spring (3 pairs a week).
PLAN_GROUP, PLAN_DISCIPLINE = "ИСП", "Основы алгоритмизации и программирования"
PLAN = [
    ("Введение. Понятие алгоритма и его свойства", 4, None), ("Способы записи алгоритмов. Блок-схемы", 6, None),
    ("Практическая работа «Построение блок-схем»", 4, "practical"), ("Среда разработки. Первая программа", 4, None),
    ("Типы данных и переменные", 6, None), ("Ввод и вывод данных", 4, None),
    ("Практическая работа «Линейные программы»", 4, "practical"), ("Ветвления", 8, None),
    ("Циклы с условием и со счётчиком", 10, None), ("Контрольная работа «Ветвления и циклы»", 2, "test"),
    ("Массивы: объявление, заполнение, обход", 10, None), ("Практическая работа «Обработка массивов»", 4, "practical"),
    ("Функции и процедуры", 10, None), ("Рекурсия", 4, None), ("Работа со строками", 8, None),
    ("Практическая работа «Обработка строк»", 4, "practical"), ("Контрольная работа за семестр", 2, "test"),
    ("Обобщение и повторение", 8, None),
    ("Файлы: чтение и запись", 8, None), ("Практическая работа «Обработка текстовых файлов»", 4, "practical"),
    ("Структуры и записи", 8, None), ("Списки, стеки и очереди", 10, None),
    ("Практическая работа «Динамические структуры данных»", 6, "practical"), ("Сортировка и поиск", 12, None),
    ("Контрольная работа «Алгоритмы сортировки»", 2, "test"), ("Основы объектно-ориентированного программирования", 14, None),
    ("Классы и объекты. Наследование", 12, None), ("Практическая работа «Классы и объекты»", 6, "practical"),
    ("Обработка исключений", 8, None), ("Отладка и тестирование программ", 10, None),
    ("Курсовой проект: постановка задачи и план", 6, None), ("Контрольная работа за год", 2, "test"),
    ("Повторение. Подготовка к экзамену", 12, None),
]


def populate_plan(session, organisation, year, groups, subjects) -> None:
    group = next((g for g in groups if g.level == 2 and g.name.startswith(PLAN_GROUP)), None)
    subject = subjects.get(PLAN_DISCIPLINE)
    if group is None or subject is None:
        return
    plan = LessonPlan(org_id=organisation.id, year_id=year.id, group_id=group.id, subject_id=subject.id,
                      updated_at=dt.datetime.combine(year.start, dt.time(15, 0)))
    session.add(plan)
    session.flush()
    lessons = session.scalars(plan_lessons_query(plan)).all()
    # Should the timetable give more pairs than the plan's hours, the last review takes
    # those left over, so that no pair stays without a topic.
    topics = [[title, hours, work] for title, hours, work in PLAN]
    topics[-1][1] += max(0, 2 * len(lessons) - sum(hours for _t, hours, _w in PLAN))
    session.add_all([PlanTopic(org_id=organisation.id, plan_id=plan.id, position=i, title=title, hours=hours,
                               work_type=work) for i, (title, hours, work) in enumerate(topics, start=1)])
    session.flush()
    # The pairs take their topics from the plan; the преподаватель confirmed those held before today.
    for lesson in lessons:
        lesson.topic, lesson.topic_entered_at = "", None
    session.flush()
    flow_topics(session, plan)
    for lesson in lessons:
        if lesson.date < demo.today() and lesson.topic:
            lesson.topic_entered_at = utc_from_local(
                dt.datetime.combine(lesson.date, dt.time(8 + 2 * lesson.number, 0)))
        for assignment in lesson.assignments:
            assignment.title = f"{assignment.type.name}: {lesson.topic}"[:300]


# --------------------------------------------------------------------------
# The specialties' curricula
# --------------------------------------------------------------------------
def _semesters(session, year) -> list[Period]:
    return session.scalars(select(Period).where(Period.year_id == year.id, Period.plugin == name,
                                                Period.type_code == "semester").order_by(Period.start)).all()


def populate_curriculum(host, session, organisation, year, specialties, tables, subjects) -> None:
    """Every semester of the three courses of both specialties, written by the curriculum
    service. A discipline's classroom hours are its pairs a week over the weeks the load
    check counts in that semester, so that the check finds the load and the plan agreeing."""
    semesters = _semesters(session, year)[:2]
    weeks = [_weeks(p) for p in semesters] + [DEFAULT_SEMESTER_WEEKS] * (2 - len(semesters))
    modules = {code: by_course for code, *_rest, by_course in SPECIALTIES}
    # A module is a row of the plan with a subject of its own, in no one's teaching load.
    missing = {module for by_course in modules.values() for listed in by_course.values()
               for module, _forms, _members in listed if module not in subjects}
    added = {module: Subject(org_id=organisation.id, name=module, plugin=name) for module in sorted(missing)}
    session.add_all(added.values())
    session.flush()
    subjects.update(added)
    for specialty in specialties:
        for course in (1, 2, 3):
            for half in (0, 1):
                semester = 2 * course - 1 + half
                within = {}
                for module, forms, members in modules[specialty.code].get(course, []):
                    row = save_row(session, host, specialty_id=specialty.id, semester=semester,
                                   subject_id=subjects[module].id, kind=MODULE, attestation=forms[half])
                    within.update({member: (row.id, kind) for member, kind in members})
                for discipline, (pairs, *forms) in tables[(specialty.code, course)].items():
                    parent_id, kind = within.get(discipline, (None, "discipline"))
                    hours = pairs * 2 * weeks[half]
                    save_row(session, host, specialty_id=specialty.id, semester=semester,
                             subject_id=subjects[discipline].id, kind=kind, attestation=forms[half],
                             classroom_hours=hours, self_study_hours=0 if kind == PRACTICE else hours // 3,
                             parent_id=parent_id)


# --------------------------------------------------------------------------
# The examination sessions
# --------------------------------------------------------------------------
# The sheet of each form of the plan; экзамены are held in the session, зачёты in the
# last weeks of the semester (seed 003).
SHEET_KIND = {"exam": "exam", "credit": "credit", "graded_credit": "diff_credit", "course_work": "course_work",
              "qualifying_exam": "qualification_exam"}
IN_SESSION = ("exam", "qualification_exam")


def _workdays(start: dt.date, end: dt.date, holidays) -> list[dt.date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5 and not any(first <= day <= last for first, last in holidays):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _averages(session, group_ids) -> dict:
    """(learner, subject) and (learner, None) → the weighted average of the journal's marks."""
    sums = defaultdict(lambda: [0.0, 0.0])
    for learner_id, subject_id, value, weight in session.execute(
            select(Mark.learner_id, Lesson.subject_id, Mark.value, Assignment.weight)
            .join(Assignment, Assignment.id == Mark.assignment_id).join(Lesson, Lesson.id == Assignment.lesson_id)
            .where(Lesson.group_id.in_(group_ids))):
        if value.isdigit():
            for key in ((learner_id, subject_id), (learner_id, None)):
                sums[key][0] += int(value) * float(weight)
                sums[key][1] += float(weight)
    return {key: total / weight for key, (total, weight) in sums.items() if weight}


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute))


def populate_sessions(host, session, organisation, year, rng, groups, plans, subjects) -> list[int]:
    """The sessions of the year up to the coming one, through the session service: a sheet
    for every form of attestation the plan puts in the semester, with the group's
    преподаватель of the discipline as examiner. A sheet whose day has passed is filled
    on its day and closed, which writes the semester's final marks through the journal.
    The last session over also has two students who failed: one passes the retake, the
    other fails it and keeps an academic debt. The finals of the disciplines without
    attestation are set at the end of each semester over, so the semester's finals are
    all the plugin's. Returns the examiners of the sheets still open, those of exams and the
    soonest first."""
    periods = session.scalars(select(Period).where(Period.year_id == year.id, Period.plugin == name)
                              .order_by(Period.start)).all()
    semesters = [p for p in periods if p.type_code == "semester"]
    today = demo.today()
    ended = [p for p in periods if p.type_code == "session" and p.end < today]
    coming = next((p for p in periods if p.type_code == "session" and p.end >= today), None)
    if not semesters:
        return []
    holidays = [(first, last) for _n, first, last in public_holidays(year.start.year)]
    teacher_of = {(group.id, subject.id): teacher.id
                  for group, _s in groups for subject, teacher, _h in plans[group.name]}
    scores = _averages(session, [g.id for g, _s in groups])
    access = exams.SYSTEM_ACCESS
    opened = []
    for period in [*ended, *([coming] if coming else [])]:
        semester = exams.semester_of(session, period)
        half = 0 if semester.id == semesters[0].id else 1
        credit_days = _workdays(semester.end - dt.timedelta(days=13), semester.end, holidays)
        exam_days = _workdays(period.start, period.end, holidays) or [period.end]
        sheets = []
        for index, (group, specialty) in enumerate(groups):
            number = 2 * group.level - 1 + half
            rows = plan_rows(session, specialty.id, number)
            held = {"credits": 0, "exams": 0}
            in_session = sum(1 for row in rows if SHEET_KIND.get(row.attestation) in IN_SESSION)
            for row in rows:
                kind = SHEET_KIND.get(row.attestation)
                if kind is None:
                    continue
                if kind in IN_SESSION:  # spread over the session, days to prepare; groups take turns
                    place = (held["exams"] + 1) * len(exam_days) // (in_session + 1) - 1 + index % 2
                    day = exam_days[max(0, min(len(exam_days) - 1, place))]
                    held["exams"] += 1
                else:
                    day = credit_days[max(0, len(credit_days) - 1 - index % 3 - held["credits"])]
                    held["credits"] += 1
                # A module's qualifying exam: the преподаватель of its first МДК examines.
                members = [r.subject_id for r in rows if r.parent_id == row.id]
                examiner = next(teacher_of[(group.id, s)] for s in [row.subject_id, *members]
                                if (group.id, s) in teacher_of)
                sheets.append((exams.create_sheet(session, host, access, group_id=group.id, subject_id=row.subject_id,
                                                  session_id=period.id, kind=kind, examiner_id=examiner, date=day),
                               group))
        failing = _failing(session, sheets, today) if ended and period is ended[-1] else {}
        for sheet, group in sorted(sheets, key=lambda item: (item[0].date, item[0].id)):
            if sheet.date >= today:
                opened.append((sheet.kind != "exam", sheet.date, sheet.examiner_id))
                continue
            learners = exams.sheet_learners(session, sheet)
            results = {}
            for learner in learners:
                results[learner.id] = failing.get((sheet.id, learner.id)) or _result(sheet, learner.id, scores, rng)
            with clock.pinned(_at(sheet.date, 14)):
                exams.fill_sheet(session, host, access, sheet.id, results)
            with clock.pinned(_at(sheet.date, 16, 30)):
                exams.close_sheet(session, host, access, sheet.id)
        if failing:
            _retakes(session, host, access, period, failing, today, holidays)
        if semester.end < today:
            _other_finals(session, host, groups, semester, half, scores, rng)
    return [examiner for *_order, examiner in sorted(opened)]


def _result(sheet, learner_id: int, scores: dict, rng) -> str:
    if sheet.kind == "credit":
        return "зч"
    base = scores.get((learner_id, sheet.subject_id)) or scores.get((learner_id, None)) or 4.0
    return str(max(3, min(5, round(base + rng.gauss(0, 0.45)))))


def _failing(session, sheets, today) -> dict:
    """The two results that leave debts: a «2» at the first exam of a 2nd-course group and an
    unexcused absence from a зачёт of another one; never the demo student (the first of a group)."""
    out = {}
    for wanted, code in (("exam", "2"), ("credit", exams.ABSENT_INVALID)):
        taken = {group.id for (sheet, group) in sheets if sheet.id in {s for s, _l in out}}
        sheet = next((s for s, g in sorted(sheets, key=lambda item: (item[0].date, item[0].id))
                      if s.kind == wanted and g.level == 2 and g.id not in taken and s.date < today), None)
        if sheet is None:
            continue
        learners = exams.sheet_learners(session, sheet)
        first = min(learners, key=lambda learner: learner.id)
        out[(sheet.id, next(l for l in reversed(learners) if l.id != first.id).id)] = code
    return out


def _retakes(session, host, access, period, failing: dict, today, holidays) -> None:
    """The retakes of the two failed students, after the session where the days allow:
    the first passes (his final mark becomes the retake's), the second fails again."""
    after = _workdays(period.end + dt.timedelta(days=1), today - dt.timedelta(days=1), holidays)
    for n, ((sheet_id, learner_id), code) in enumerate(failing.items()):
        sheet = session.get(ExamSheet, sheet_id)
        days = after or _workdays(sheet.date + dt.timedelta(days=1), today - dt.timedelta(days=1), holidays)
        if not days:
            continue
        day = days[min(2 + 2 * n, len(days) - 1)]
        retake = exams.add_retake(session, host, access, sheet_id=sheet.id, learner_id=learner_id, date=day,
                                  examiner_id=sheet.examiner_id)
        with clock.pinned(_at(day, 13)):
            exams.fill_retake(session, host, access, retake.id,
                              ("нз" if sheet.kind == "credit" else "2") if n else
                              ("зч" if sheet.kind == "credit" else "3"))


def _other_finals(session, host, groups, semester, half, scores, rng) -> None:
    """The semester's final marks of the disciplines the plan attests no way in it, set by
    their преподаватели a few days before the semester's end (R4). Added as rows, as the
    core's demo adds the finals of a past period: through the journal's path each would
    be a savepoint of its own, seconds of the demo for marks that need no sheet; their
    scale is the group's usual one, as the journal's would be for a form «none»."""
    day = semester.end - dt.timedelta(days=3)
    rows = []
    for group, specialty in groups:
        subject_ids = [r.subject_id for r in plan_rows(session, specialty.id, 2 * group.level - 1 + half)
                       if r.attestation == "none" and r.kind != MODULE]
        learners = session.scalars(select(Learner.id).where(Learner.group_id == group.id, Learner.left_on.is_(None))
                                   .order_by(Learner.id)).all()
        for subject_id in subject_ids:
            for learner_id in learners:
                base = scores.get((learner_id, subject_id)) or scores.get((learner_id, None)) or 4.0
                value = str(max(3, min(5, round(base + rng.gauss(0, 0.35)))))
                rows.append(FinalMark(org_id=group.org_id, learner_id=learner_id, subject_id=subject_id,
                                      period_id=semester.id, value=value, created_at=utc_from_local(_at(day, 15))))
    session.add_all(rows)
    session.flush()


# --------------------------------------------------------------------------
# The teachers' portfolios
# --------------------------------------------------------------------------
COURSES = [
    ("Цифровые образовательные технологии в среднем профессиональном образовании", 72),
    ("Организация и проведение демонстрационного экзамена", 36),
    ("Оказание первой помощи", 16),
    ("Практическая подготовка обучающихся в организациях среднего профессионального образования", 40),
]
UNIVERSITIES = ["Уральский федеральный университет имени первого Президента России Б. Н. Ельцина",
                "Российский государственный профессионально-педагогический университет",
                "Уральский государственный экономический университет"]
INSTITUTE = "ГАОУ ДПО «Институт развития образования»"


def populate_portfolio(session, organisation, year, teachers, lecturer, subjects, plans) -> None:
    """The portfolios of the преподаватели, written on the days they were corrected, so that
    «Преподаватели, не обновлявшие портфолио» (twice a semester, seed 003) lists some and
    not others: two in five corrected theirs twice in the current semester (the демо
    преподаватель among them), the others once, only before it, or never."""
    semester = current_semester(session, year)
    if semester is None:
        return
    today = demo.today()
    days = _workdays(semester.start, min(today, semester.end), []) or [semester.start]
    taught = {teacher.id: subject.name for plan in plans.values() for subject, teacher, _h in plan}
    for i, teacher in enumerate(teachers):
        share = 0 if teacher.id == lecturer.id else i % 5
        if share == 4:
            continue
        if share == 3:
            updates = [semester.start - dt.timedelta(days=45)]
        elif share == 2:
            updates = [days[len(days) // 2]]
        else:
            updates = sorted({days[len(days) // 3], days[(2 * len(days)) // 3]})
        for n, day in enumerate(updates):
            with clock.pinned(_at(day, 16)):
                if n == 0:
                    graduated = dt.date(teacher.birth_date.year + 22, 6, 28)
                    add_entry(session, SYSTEM_ACTOR, teacher.id, "education", "Диплом о высшем образовании",
                              graduated, description=f"{UNIVERSITIES[i % len(UNIVERSITIES)]}, "
                              f"квалификация «{taught.get(teacher.id, 'Педагог')}: преподаватель»",
                              issuer=UNIVERSITIES[i % len(UNIVERSITIES)], document=f"1066 {400000 + 137 * i}")
                    title, hours = COURSES[i % len(COURSES)]
                    add_entry(session, SYSTEM_ACTOR, teacher.id, "courses", title, day - dt.timedelta(days=12),
                              hours=hours, issuer=INSTITUTE, document=f"Удостоверение № 6624{180000 + 53 * i}")
                else:
                    add_entry(session, SYSTEM_ACTOR, teacher.id, "methodical",
                              f"Методическая разработка «Практические занятия по дисциплине "
                              f"«{taught.get(teacher.id, 'Физическая культура')}»»", day,
                              description="Рассмотрена и одобрена на заседании предметно-цикловой комиссии")
