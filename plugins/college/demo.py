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

from app import demo
from app.clock import utc_from_local
from app.models import Assignment, Attendance, LearnerGroup, Lesson, Mark, Subject, TeachingAssignment
from app.models.plans import LessonPlan, PlanTopic
from app.models.timetable import Bell, Holiday, Room
from app.services.calendar import public_holidays
from app.services.plans import flow_topics, plan_lessons_query
from app.services.timetable import generate_lessons, save_entry
from app.registry import DemoOrganisation
from app.roles import LEARNER, PARENT, TEACHER

from .models import GroupSpecialty, Specialty

name = "college"
GROUP_SIZE = (20, 25)
PAIRS_PER_DAY = 4
LAST_PAIR = 5  # a pair that finds no place among the first four goes to the fifth
# A пара is two academic hours; the break after the second is the long one (lunch).
BELLS = [("08:30", "10:00"), ("10:10", "11:40"), ("12:20", "13:50"), ("14:00", "15:30"), ("15:40", "17:10")]
FULL_LOAD = 18  # pairs a week a преподаватель takes at most

GENERAL = {"Русский язык": 2, "Литература": 2, "Математика": 3, "Иностранный язык": 2, "История": 2,
           "Физическая культура": 2, "Информатика": 2, "Физика": 2, "Основы безопасности и защиты Родины": 1}
# code, name, qualification, group prefix, disciplines by course 2 and 3 (pairs a week)
SPECIALTIES = [
    ("09.02.07", "Информационные системы и программирование", "Программист", "ИСП", {
        2: {"Операционные системы и среды": 2, "Архитектура аппаратных средств": 2,
            "Основы алгоритмизации и программирования": 3, "Элементы высшей математики": 2,
            "Дискретная математика с элементами математической логики": 2,
            "Иностранный язык в профессиональной деятельности": 2, "Физическая культура": 2},
        3: {"Разработка программных модулей": 3, "Технология разработки программного обеспечения": 2,
            "Разработка кода информационных систем": 3, "Поддержка и тестирование программных модулей": 2,
            "Компьютерные сети": 2, "Иностранный язык в профессиональной деятельности": 2, "Физическая культура": 2},
    }),
    ("38.02.01", "Экономика и бухгалтерский учёт (по отраслям)", "Бухгалтер", "ЭБУ", {
        2: {"Экономика организации": 3, "Финансы, денежное обращение и кредит": 2, "Бухгалтерский учёт": 3,
            "Налоги и налогообложение": 2, "Статистика": 2, "Иностранный язык в профессиональной деятельности": 2,
            "Физическая культура": 2},
        3: {"Практические основы бухгалтерского учёта активов организации": 3,
            "Ведение бухгалтерского учёта источников формирования активов": 3, "Аудит": 2,
            "Анализ финансово-хозяйственной деятельности": 2,
            "Информационные технологии в профессиональной деятельности": 2, "Физическая культура": 2},
    }),
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
    specialties, groups, plans = [], [], {}
    for code, title, qualification, prefix, courses in SPECIALTIES:
        specialty = Specialty(org_id=organisation.id, code=code, name=title, qualification=qualification)
        specialties.append(specialty)
        for course in (1, 2, 3):
            admitted = start_year - course + 1
            group = LearnerGroup(org_id=organisation.id, year_id=year.id, kind="college_group",
                                 name=f"{prefix}-{admitted % 100}", level=course)
            groups.append((group, specialty))
            plans[group.name] = GENERAL if course == 1 else courses[course]
    session.add_all(specialties + [g for g, _ in groups])
    session.flush()
    session.add_all([GroupSpecialty(org_id=organisation.id, group_id=g.id, specialty_id=s.id) for g, s in groups])

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

    # Logins: a преподаватель, a curator, the учебная часть, a student of a 2nd-course group and a parent.
    staff_by_id = {t.id: t for ts in teachers.values() for t in ts}
    second = next(g for g, _ in groups if g.level == 2)
    curator = staff_by_id[second.leader_id]
    lecturer = next(t for t in staff_by_id.values() if t.id not in curators)
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
            lesson.topic = demo._topic(kit, subject, n)
            if day > today:
                continue  # a pair to come: its planned topic, not yet confirmed by the преподаватель
            lesson.topic_entered_at = utc_from_local(dt.datetime.combine(day, dt.time(8 + 2 * lesson.number, 0)))
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
                    objects.append(Attendance(org_id=organisation.id, learner_id=learner.id, lesson=lesson, date=day,
                                              code=code))
                if code is None or code.code == "ОП":
                    present.append(learner)
            if not (values and present):
                continue
            kind = demo._work_type(kit, subject.name, n, rng)
            work_type = kit.types[kind]
            assignment = Assignment(org_id=organisation.id, lesson=lesson, type=work_type, weight=work_type.weight,
                                    title=f"{kind}: {lesson.topic}"[:300])
            objects.append(assignment)
            # A test marks the whole group; other work half of it, an answer a few (and keeps the demo quick).
            count = len(present) if kind == "Контрольная работа" else \
                len(present) // 2 if kind != "Ответ на уроке" else rng.randint(2, 4)
            chosen = rng.sample(present, min(len(present), count))
            for learner in chosen:
                worth = rng.gauss(ability[learner.id], 0.7)
                index = max(0, min(len(values) - 1, round(len(values) - 1 - (worth - 2))))  # 5 -> 0, 2 -> last
                objects.append(Mark(org_id=organisation.id, assignment=assignment, learner_id=learner.id,
                                    value=values[index]))
    session.add_all(objects)
    session.flush()


# --------------------------------------------------------------------------
# A КТП (the specialty's curriculum is the plugin's own, per semester)
# --------------------------------------------------------------------------
# КТП of «Основы алгоритмизации и программирования» of the 2nd-course ИСП group:
# 3 pairs a week, 102 hours in the semester.
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
    session.add_all([PlanTopic(org_id=organisation.id, plan_id=plan.id, position=i, title=title, hours=hours,
                               work_type=work) for i, (title, hours, work) in enumerate(PLAN, start=1)])
    session.flush()
    # The pairs take their topics from the plan; the преподаватель confirmed those held before today.
    lessons = session.scalars(plan_lessons_query(plan)).all()
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
