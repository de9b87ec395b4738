"""Demo data of the college: two specialties, groups on three courses, disciplines
and МДК by course, преподаватели with their load, curators, a timetable of pairs,
lessons with topics, marks and attendance; logins of the учебная часть."""
from __future__ import annotations

import datetime as dt
import math

from app import demo
from app.models import LearnerGroup, Subject, TeachingAssignment
from app.registry import DemoOrganisation
from app.roles import LEARNER, PARENT, TEACHER

from .models import GroupSpecialty, Specialty

name = "college"
GROUP_SIZE = (20, 25)
PAIRS_PER_DAY = 4
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

    period = demo.current_period(session, year, name)
    days = demo.school_days(period)
    kit = demo.journal_kit(session, organisation, host.scale_for("college_group"))
    kit.topics = TOPICS
    busy: set = set()
    for group, _specialty in groups:
        week = demo.build_timetable(rng, timetable_plans[group.name], PAIRS_PER_DAY, busy)
        demo.fill_journal(session, organisation, group, students[group.name], week, days, kit, rng)
    session.flush()

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
