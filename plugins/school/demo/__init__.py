"""Demo data of the school: classes 1–11 (two per grade), the curriculum by ФГОС,
teachers and their load, a timetable, lessons with topics, marks and attendance."""
from __future__ import annotations

import datetime as dt
import math

from app import demo
from app.models import LearnerGroup, Subject, TeachingAssignment
from app.registry import DemoOrganisation
from app.roles import LEARNER, PARENT, TEACHER
from app.services.marks import marks_allowed

from .movement import populate_movement
from .subgroups import populate_subgroups

name = "school"
LETTERS = "АБ"
CLASS_SIZE = (23, 28)

RU, LIT, READ = "Русский язык", "Литература", "Литературное чтение"
EN = "Иностранный язык (английский)"
MATH, ALG, ALG_AN, GEOM, STAT = ("Математика", "Алгебра", "Алгебра и начала математического анализа", "Геометрия",
                                 "Вероятность и статистика")
WORLD, HIST, SOC, GEO, BIO, PHYS, CHEM, INF = ("Окружающий мир", "История", "Обществознание", "География", "Биология",
                                               "Физика", "Химия", "Информатика")
MUS, ART, LAB, PE, SAFE = ("Музыка", "Изобразительное искусство", "Труд (технология)", "Физическая культура",
                           "Основы безопасности и защиты Родины")
ORKSE = "Основы религиозных культур и светской этики"
PROJECT = "Индивидуальный проект"

# Hours a week by grade (ФГОС НОО/ООО/СОО, five-day week).
_PRIMARY = {RU: 5, READ: 4, MATH: 4, WORLD: 2, MUS: 1, ART: 1, LAB: 1, PE: 2}
CURRICULUM = {
    1: dict(_PRIMARY),
    2: {**_PRIMARY, EN: 2},
    3: {**_PRIMARY, EN: 2},
    4: {**_PRIMARY, READ: 3, EN: 2, ORKSE: 1},
    5: {RU: 5, LIT: 3, EN: 3, MATH: 5, HIST: 2, BIO: 1, GEO: 1, MUS: 1, ART: 1, LAB: 2, PE: 2},
    6: {RU: 6, LIT: 3, EN: 3, MATH: 5, HIST: 2, SOC: 1, BIO: 1, GEO: 1, MUS: 1, ART: 1, LAB: 2, PE: 2},
    7: {RU: 4, LIT: 2, EN: 3, ALG: 3, GEOM: 2, STAT: 1, INF: 1, HIST: 2, SOC: 1, GEO: 2, BIO: 1, PHYS: 2, MUS: 1,
        ART: 1, LAB: 2, PE: 2},
    8: {RU: 3, LIT: 2, EN: 3, ALG: 3, GEOM: 2, STAT: 1, INF: 1, HIST: 2, SOC: 1, GEO: 2, BIO: 2, PHYS: 2, CHEM: 2,
        LAB: 1, SAFE: 1, PE: 2},
    9: {RU: 3, LIT: 2, EN: 3, ALG: 3, GEOM: 2, STAT: 1, INF: 1, HIST: 2, SOC: 1, GEO: 2, BIO: 2, PHYS: 3, CHEM: 2,
        SAFE: 1, PE: 2},
    10: {RU: 2, LIT: 3, EN: 3, ALG_AN: 3, GEOM: 2, STAT: 1, INF: 1, HIST: 2, SOC: 2, GEO: 1, BIO: 1, PHYS: 2,
         CHEM: 1, SAFE: 1, PE: 2, PROJECT: 1},
    11: {RU: 2, LIT: 3, EN: 3, ALG_AN: 3, GEOM: 2, STAT: 1, INF: 1, HIST: 2, SOC: 2, GEO: 1, BIO: 1, PHYS: 2,
         CHEM: 1, SAFE: 1, PE: 2},
}

# Subject teachers of grades 5–11 (and specialists of 1–4): position -> subjects.
SPECIALTIES = {
    "Учитель русского языка и литературы": [RU, LIT],
    "Учитель математики": [MATH, ALG, ALG_AN, GEOM, STAT],
    "Учитель английского языка": [EN],
    "Учитель истории и обществознания": [HIST, SOC, ORKSE],
    "Учитель географии": [GEO],
    "Учитель биологии": [BIO],
    "Учитель химии": [CHEM],
    "Учитель физики": [PHYS],
    "Учитель информатики": [INF, PROJECT],
    "Учитель музыки": [MUS],
    "Учитель изобразительного искусства": [ART],
    "Учитель труда (технологии)": [LAB],
    "Учитель физической культуры": [PE],
    "Преподаватель-организатор основ безопасности и защиты Родины": [SAFE],
}
PRIMARY_TEACHER_SUBJECTS = {RU, READ, MATH, WORLD, ART, LAB}
FULL_LOAD = 24  # hours a week a subject teacher takes at most

TOPICS = {
    RU: ["Имя существительное как часть речи", "Правописание безударных гласных в корне", "Склонение имён существительных",
         "Имя прилагательное: разряды", "Правописание -н- и -нн- в прилагательных", "Глагол: спряжение",
         "Развитие речи: изложение", "Причастный оборот", "Деепричастный оборот", "Сложносочинённое предложение"],
    LIT: ["А. С. Пушкин. «Капитанская дочка»", "Н. В. Гоголь. «Ревизор»", "М. Ю. Лермонтов. «Мцыри»",
          "И. С. Тургенев. «Муму»", "Л. Н. Толстой. «После бала»", "Лирика Ф. И. Тютчева",
          "А. П. Чехов. Рассказы", "Сочинение по прочитанному произведению"],
    READ: ["Русские народные сказки", "А. С. Пушкин. «Сказка о рыбаке и рыбке»", "Стихи о природе",
           "Л. Н. Толстой. Рассказы для детей", "Н. Н. Носов. «Живая шляпа»", "Басни И. А. Крылова"],
    MATH: ["Сложение и вычитание в пределах 100", "Таблица умножения", "Решение задач в два действия",
           "Обыкновенные дроби", "Десятичные дроби", "Проценты", "Уравнения", "Площадь прямоугольника"],
    ALG: ["Линейная функция", "Степень с натуральным показателем", "Многочлены", "Формулы сокращённого умножения",
          "Квадратные уравнения", "Системы линейных уравнений", "Неравенства"],
    ALG_AN: ["Тригонометрические функции", "Производная", "Применение производной к исследованию функции",
             "Показательная функция", "Логарифмы", "Первообразная и интеграл"],
    GEOM: ["Треугольники. Признаки равенства", "Параллельные прямые", "Четырёхугольники", "Теорема Пифагора",
           "Подобные треугольники", "Окружность", "Векторы"],
    STAT: ["Представление данных", "Среднее арифметическое и медиана", "Случайные события", "Вероятность события"],
    WORLD: ["Природа и её охрана", "Растения нашего края", "Животные леса", "Человек и его здоровье",
            "Наша Родина — Россия", "Правила дорожного движения"],
    HIST: ["Древняя Русь", "Образование Московского государства", "Эпоха Петра I", "Отечественная война 1812 года",
           "Реформы Александра II", "Великая Отечественная война"],
    SOC: ["Человек и общество", "Право и закон", "Экономика семьи", "Государство и гражданин"],
    GEO: ["Литосфера", "Гидросфера", "Атмосфера и климат", "Природные зоны России", "Население России"],
    BIO: ["Клетка — единица живого", "Строение растений", "Многообразие животных", "Системы органов человека",
          "Экосистемы"],
    PHYS: ["Механическое движение", "Сила тяжести", "Давление", "Работа и мощность", "Электрический ток",
           "Закон Ома для участка цепи"],
    CHEM: ["Атомы и молекулы", "Периодическая система Д. И. Менделеева", "Химические реакции", "Кислоты и основания",
           "Растворы"],
    INF: ["Информация и информационные процессы", "Системы счисления", "Алгоритмы и исполнители",
          "Программирование на Python: циклы", "Электронные таблицы"],
    EN: ["Моя семья", "Школьная жизнь", "Времена года и погода", "Путешествия", "Present Simple и Present Continuous",
         "Чтение и перевод текста"],
    PE: ["Лёгкая атлетика: бег на короткие дистанции", "Гимнастика", "Баскетбол", "Волейбол", "Лыжная подготовка"],
    MUS: ["Музыка народов России", "Русская классическая музыка", "Музыкальный театр", "Песни о Родине"],
    ART: ["Рисунок с натуры", "Декоративно-прикладное искусство", "Пейзаж", "Портрет"],
    LAB: ["Технологии обработки материалов", "Работа с бумагой", "Конструирование и моделирование", "Кулинария"],
    SAFE: ["Безопасность в быту", "Правила поведения при чрезвычайных ситуациях", "Первая помощь",
           "Основы обороны государства"],
    ORKSE: ["Россия — наша Родина", "Культура и религия", "Добро и зло", "Семья и семейные ценности"],
    PROJECT: ["Выбор темы проекта", "Постановка цели и задач", "Работа с источниками", "Оформление проекта"],
}


def _names(n: int) -> tuple[str, str, str]:
    number = (1, 7, 12, 24, 31)[n - 1] if n <= 5 else n * 5
    return (f"Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № {number}»",
            f"МБОУ СОШ № {number}", f"г. Заречный, ул. Школьная, д. {number}")


ORGANISATION = DemoOrganisation(order=1, prefix="s", names=_names)


def populate(host, session, organisation, year, rng):
    if name not in (organisation.plugins or []):
        return []
    names = demo.Names(rng)
    start_year = year.start.year
    subjects = {}
    for subject_name in sorted({s for plan in CURRICULUM.values() for s in plan}):
        subjects[subject_name] = Subject(org_id=organisation.id, name=subject_name, plugin=name)
    session.add_all(subjects.values())

    classes = []
    letters = LETTERS if demo.size() == 1 else (LETTERS + "ВГДЕЖИКЛМНП")[:len(LETTERS) * demo.size()]
    for level in range(1, 12):
        for letter in letters:
            classes.append(LearnerGroup(org_id=organisation.id, year_id=year.id, kind="class",
                                        name=f"{level}{letter}", level=level))
    session.add_all(classes)

    # Teachers: one primary teacher per class of grades 1–4, subject teachers by load.
    primary = {g.name: demo.add_staff(session, organisation, names, "Учитель начальных классов", "ж", start_year)
               for g in classes if g.level <= 4}
    teachers: dict[str, list] = {}
    for position, subject_names in SPECIALTIES.items():
        hours = sum(plan.get(s, 0) for g in classes for s in subject_names
                    for plan in [CURRICULUM[g.level]] if not (g.level <= 4 and s in PRIMARY_TEACHER_SUBJECTS))
        count = max(1, math.ceil(hours / FULL_LOAD))
        teachers[position] = [demo.add_staff(session, organisation, names, position, start_year=start_year)
                              for _ in range(count)]
    session.flush()

    # Load: each subject teacher takes whole classes for the subjects of his position.
    load = {id(t): 0 for staff in teachers.values() for t in staff}
    plans: dict[str, list[tuple]] = {}
    assignments = []
    for group in classes:
        plan = []
        for subject_name, hours in CURRICULUM[group.level].items():
            if group.level <= 4 and subject_name in PRIMARY_TEACHER_SUBJECTS:
                teacher = primary[group.name]
            else:
                position = next(p for p, s in SPECIALTIES.items() if subject_name in s)
                teacher = min(teachers[position], key=lambda t: load[id(t)])
                load[id(teacher)] += hours
            plan.append((subjects[subject_name], teacher, hours))
            assignments.append(TeachingAssignment(org_id=organisation.id, year_id=year.id, teacher_id=teacher.id,
                                                  subject_id=subjects[subject_name].id, group_id=group.id,
                                                  hours_per_week=hours))
        plans[group.name] = plan
    session.add_all(assignments)

    # Class teachers: the primary teacher in 1–4, a subject teacher teaching the class in 5–11.
    leading = set()
    for group in classes:
        if group.level <= 4:
            group.leader_id = primary[group.name].id
        else:
            candidates = [t for _, t, _ in plans[group.name] if t.id not in leading]
            leader = candidates[rng.randrange(len(candidates))] if candidates else plans[group.name][0][1]
            group.leader_id = leader.id
        leading.add(group.leader_id)

    learners = {}
    for group in classes:
        learners[group.name] = demo.add_learners(
            session, organisation, group, names, rng.randint(*CLASS_SIZE), age=6 + group.level, start_year=start_year,
            enrolled_on=dt.date(start_year - group.level + 1, 9, 1))
    session.flush()

    # A timetable and the journal of the current quarter (its last weeks, up to today).
    period = demo.current_period(session, year, name)
    days = demo.school_days(period)
    kit = demo.journal_kit(session, organisation, host.scale_for("class"))
    kit.topics = TOPICS
    no_marks = host.setting(organisation, name, "no_marks_levels")
    no_marks_half = host.setting(organisation, name, "no_marks_first_half_levels")
    busy: set = set()
    for group in classes:
        week = demo.build_timetable(rng, plans[group.name], 6, busy)
        takes_marks = marks_allowed(group.level, demo.today(), year.start, no_marks, no_marks_half)
        demo.fill_journal(session, organisation, group, learners[group.name], week, days, kit, rng, marks=takes_marks)
    session.flush()
    populate_movement(host, session, organisation, year, rng)
    populate_subgroups(host, session, organisation, year, rng)

    # The year's calendar and the timetable; the rest of the period's lessons generated from it.
    from .timetable import populate_timetable

    populate_timetable(host, session, organisation, year, rng)

    from .plans import populate_plans
    populate_plans(host, session, organisation, year, rng)

    # Logins: a subject teacher, a class teacher (5А), a learner of 5А with marks and a parent.
    five_a = next(g for g in classes if g.name == "5А")
    class_teacher = next(t for staff in teachers.values() for t in staff if t.id == five_a.leader_id)
    subject_teacher = next(t for position in ("Учитель физики", "Учитель химии", *teachers)
                           for t in teachers[position] if t.id not in leading)
    logins = [
        demo.add_login(session, "teacher", [TEACHER], person=subject_teacher, organisation=organisation),
        demo.add_login(session, "classteacher", [TEACHER], person=class_teacher, organisation=organisation),
    ]
    pupil = learners["5А"][0]
    parent = pupil.guardian_links[0].guardian
    logins.append(demo.add_login(session, "learner", [LEARNER], person=pupil, organisation=organisation))
    logins.append(demo.add_login(session, "parent", [PARENT], person=parent, organisation=organisation))
    session.flush()
    from .cards import populate_cards

    populate_cards(host, session, organisation, year, rng)
    return [demo_login(a, organisation) for a in logins]


def demo_login(account, organisation):
    from app.registry import DemoLogin

    return DemoLogin(account.roles[0].name, account.username, demo.PASSWORD, organisation.short_name)
