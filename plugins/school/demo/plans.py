"""Demo: the curriculum of every grade, КТП of the main subjects of 5А and 5Б with
their topics flowed into the demo lessons, and one plan short of the curriculum
(R13) so that its warning shows."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from app import demo
from app.clock import utc_from_local
from app.models import LearnerGroup, Subgroup, Subject
from app.models.plans import CurriculumEntry, LessonPlan, PlanTopic
from app.services.plans import flow_topics, plan_lessons_query

P, L, T = "practical", "laboratory", "test"

# Grade 5 (ФГОС ООО, federal work programmes), hours for 34 weeks.
PLANS = {
    "Русский язык": [  # 5 h × 34 = 170
        ("Повторение изученного в начальной школе", 8, None), ("Введение. Язык и речь", 4, None),
        ("Фонетика. Графика. Орфоэпия", 10, None), ("Входная контрольная работа (диктант)", 1, T),
        ("Морфемика. Орфография", 20, None), ("Лексикология", 12, None), ("Синтаксис и пунктуация", 30, None),
        ("Контрольная работа по теме «Синтаксис и пунктуация»", 1, T), ("Имя существительное", 24, None),
        ("Имя прилагательное", 18, None), ("Глагол", 26, None), ("Развитие речи. Изложение и сочинение", 6, None),
        ("Итоговая контрольная работа", 2, T), ("Повторение изученного в 5 классе", 8, None),
    ],
    "Математика": [  # 5 h × 34 = 170
        ("Повторение курса начальной школы", 4, None), ("Натуральные числа. Сравнение натуральных чисел", 10, None),
        ("Сложение и вычитание натуральных чисел", 12, None), ("Умножение и деление натуральных чисел", 20, None),
        ("Контрольная работа № 1 «Действия с натуральными числами»", 1, T),
        ("Наглядная геометрия. Линии на плоскости", 10, P), ("Обыкновенные дроби", 42, None),
        ("Контрольная работа № 2 «Обыкновенные дроби»", 1, T), ("Наглядная геометрия. Многоугольники", 10, P),
        ("Десятичные дроби", 40, None), ("Контрольная работа № 3 «Десятичные дроби»", 1, T),
        ("Наглядная геометрия. Тела и фигуры в пространстве", 9, P), ("Повторение и обобщение", 8, None),
        ("Итоговая контрольная работа", 2, T),
    ],
    "Литература": [  # 3 h × 34 = 102
        ("Введение. Книга в жизни человека", 1, None), ("Мифология", 4, None), ("Фольклор: сказки, пословицы", 8, None),
        ("Литература Древней Руси", 2, None), ("М. В. Ломоносов. Стихотворения", 2, None),
        ("Басни И. А. Крылова", 4, None), ("А. С. Пушкин. Стихотворения и «Сказка о мёртвой царевне»", 8, None),
        ("М. Ю. Лермонтов. «Бородино»", 3, None), ("Н. В. Гоголь. «Ночь перед Рождеством»", 4, None),
        ("И. С. Тургенев. «Муму»", 6, None), ("Н. А. Некрасов. Стихотворения", 4, None),
        ("Л. Н. Толстой. «Кавказский пленник»", 6, None), ("А. П. Чехов. Рассказы", 4, None),
        ("Литература XX века: рассказы о природе и детях", 18, None),
        ("Произведения о Великой Отечественной войне", 6, None), ("Литература народов России", 2, None),
        ("Зарубежная литература", 14, None), ("Контрольные и итоговые работы", 4, T),
        ("Развитие речи: отзыв о прочитанном", 2, None),
    ],
    "Иностранный язык (английский)": [  # 3 h × 34 = 102
        ("Моя семья. Мои друзья", 14, None), ("Внешность и характер человека", 10, None),
        ("Досуг и увлечения", 12, None), ("Здоровый образ жизни", 10, None), ("Покупки", 8, None),
        ("Школа, школьная жизнь", 14, None), ("Каникулы", 10, None), ("Природа: дикие и домашние животные", 8, None),
        ("Родная страна и страна изучаемого языка", 10, None), ("Контрольная работа", 2, T),
        ("Повторение", 4, None),
    ],
}
# Which plans the demo has: 5А all four, 5Б Russian, mathematics and a literature plan
# 6 hours short (R13: в плане 96 ч, по учебному плану 102 ч).
CLASSES = {"5А": list(PLANS), "5Б": ["Русский язык", "Математика", "Литература"]}
SHORT = ("5Б", "Литература", "Зарубежная литература", 8)


def populate_plans(host, session, organisation, year, rng):
    """The curriculum is the demo school's own (plugins/school/demo.py CURRICULUM)."""
    from . import CURRICULUM as curriculum

    subjects = {s.name: s for s in session.scalars(select(Subject).where(Subject.org_id == organisation.id))}
    for level, plan in sorted(curriculum.items()):
        for subject_name, hours in plan.items():
            session.add(CurriculumEntry(org_id=organisation.id, year_id=year.id, level=level,
                                        subject_id=subjects[subject_name].id, hours_per_week=hours))
    _load_differences(session, organisation, year, subjects)
    groups = {g.name: g for g in session.scalars(select(LearnerGroup).where(
        LearnerGroup.org_id == organisation.id, LearnerGroup.year_id == year.id, LearnerGroup.name.in_(CLASSES)))}
    for class_name, subject_names in CLASSES.items():
        group = groups.get(class_name)
        if group is None:
            continue
        for subject_name in subject_names:
            subject = subjects[subject_name]
            # A subject taught in subgroups has a plan per subgroup (the movement demo split English).
            splits = session.scalars(select(Subgroup.id).where(Subgroup.group_id == group.id,
                                                               Subgroup.subject_id == subject.id)
                                     .order_by(Subgroup.id)).all() or [None]
            for subgroup_id in splits:
                _plan(session, organisation, year, group, subject, subgroup_id, class_name)
    session.flush()


def _plan(session, organisation, year, group, subject, subgroup_id, class_name):
    today = demo.today()
    plan = LessonPlan(org_id=organisation.id, year_id=year.id, group_id=group.id, subject_id=subject.id,
                      subgroup_id=subgroup_id, updated_at=dt.datetime.combine(year.start, dt.time(15, 0)))
    session.add(plan)
    session.flush()
    for position, (title, hours, work) in enumerate(PLANS[subject.name], start=1):
        if (class_name, subject.name, title) == SHORT[:3]:
            hours = SHORT[3]
        session.add(PlanTopic(org_id=organisation.id, plan_id=plan.id, position=position, title=title,
                              hours=hours, work_type=work))
    session.flush()
    # The demo journal wrote its own topics: these classes take them from the plan,
    # and the teacher confirmed every lesson before today (R7), not today's yet.
    lessons = session.scalars(plan_lessons_query(plan)).all()
    for lesson in lessons:
        lesson.topic, lesson.topic_entered_at = "", None
    session.flush()
    flow_topics(session, plan)
    for lesson in lessons:
        if lesson.date < today and lesson.topic:
            lesson.topic_entered_at = utc_from_local(dt.datetime.combine(lesson.date, dt.time(8 + lesson.number, 50)))


def _load_differences(session, organisation, year, subjects):
    """What the Завуч finds on «Нагрузка и учебный план»: the individual project of
    grades 10–11 is in the curriculum of grade 11 too but nobody teaches it there
    yet, 6Б's Russian teacher has an hour too few and 9А's physics teacher one too many."""
    from app.models import TeachingAssignment

    project = subjects.get("Индивидуальный проект")
    if project is not None:
        session.add(CurriculumEntry(org_id=organisation.id, year_id=year.id, level=11, subject_id=project.id,
                                    hours_per_week=1))
    for class_name, subject_name, delta in (("6Б", "Русский язык", -1), ("9А", "Физика", 1)):
        assignment = session.scalar(
            select(TeachingAssignment).join(LearnerGroup, LearnerGroup.id == TeachingAssignment.group_id)
            .where(LearnerGroup.org_id == organisation.id, LearnerGroup.year_id == year.id,
                   LearnerGroup.name == class_name, TeachingAssignment.subject_id == subjects[subject_name].id)
            .order_by(TeachingAssignment.id))
        if assignment is not None:
            assignment.hours_per_week = float(assignment.hours_per_week) + delta
