"""A small hand-made world for the tests: two authorities, three organisations,
users of every role, groups, learners with guardians, lessons and marks.

Built once per test session into a template database; every test gets a copy.
``World`` holds the ids the tests refer to.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

from flask import current_app

from app.extensions import db
from app.models import (
    AcademicYear, Account, Assignment, AssignmentType, Attendance, AttendanceCode, Authority, FinalMark,
    Guardian, GuardianLink, Learner, LearnerGroup, Lesson, Mark, Organisation, Period, Staff, Subject,
    TeachingAssignment,
)

PASSWORD = "Проверка-2026!"

# The world lives in the school year 2026/2027 and its «today» is any day of it:
# EJOURNAL_TEST_TODAY picks the day (CI runs the suite on several), the world's
# lessons and current quarter follow it. Tests count from TODAY, never from a
# date written in them, unless the date is the point of the test.
YEAR_START, YEAR_END = dt.date(2026, 9, 1), dt.date(2027, 6, 30)
# The world's quarters follow one another without a gap: its «today» may be any day
# from 1 September to the last study day, the holidays included, and always lies in
# a quarter. (Holidays themselves are the school calendar's, tested on their own.)
QUARTERS = [
    ("1 четверть", dt.date(2026, 9, 1), dt.date(2026, 11, 4)),
    ("2 четверть", dt.date(2026, 11, 5), dt.date(2027, 1, 11)),
    ("3 четверть", dt.date(2027, 1, 12), dt.date(2027, 3, 29)),
    ("4 четверть", dt.date(2027, 3, 30), dt.date(2027, 5, 26)),
]
TODAY = dt.date.fromisoformat(os.environ.get("EJOURNAL_TEST_TODAY") or "2026-11-20")
if not YEAR_START <= TODAY <= QUARTERS[-1][2]:
    raise RuntimeError(f"EJOURNAL_TEST_TODAY={TODAY} is outside the test world's school year 2026/2027")


def current_quarter(day: dt.date = TODAY) -> tuple[int, str, dt.date, dt.date]:
    """The quarter holding ``day`` (in the holidays: the one just ended), numbered from 1."""
    number = max(i for i, (_, start, _end) in enumerate(QUARTERS) if start <= day)
    name, start, end = QUARTERS[number]
    return number + 1, name, start, end


@dataclass
class World:
    ids: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.ids[name]
        except KeyError:
            raise AttributeError(name) from None


def _user(sm, username, role_names, org=None, authority=None, person=None):
    roles = [sm.find_role(r) for r in role_names]
    assert all(roles), role_names
    user = sm.add_user(username, username.capitalize(), "Тестов", f"{username}@example.ru", roles, PASSWORD)
    assert user, f"could not create {username}"
    account = db.session.get(Account, user.id)
    account.org_id = org.id if org else None
    account.authority_id = authority.id if authority else None
    account.person_id = person.id if person else None
    db.session.commit()
    return account


def _organisation(session, authority, name, plugins, kind, today):
    org = Organisation(name=name, short_name=name, authority=authority, plugins=plugins, settings={})
    session.add(org)
    session.flush()
    year = AcademicYear(org_id=org.id, name="2026/2027", start=YEAR_START, end=YEAR_END)
    session.add(year)
    session.flush()
    order, quarter, start, end = current_quarter(today)
    period = Period(org_id=org.id, year_id=year.id, plugin=plugins[0], type_code="quarter", name=quarter,
                    start=start, end=end, order=order)
    subject = Subject(org_id=org.id, name="Математика", plugin=plugins[0])
    types = AssignmentType(org_id=org.id, name="Ответ на уроке", weight=1)
    code = AttendanceCode(org_id=org.id, code="ОТ", name="Отсутствует, причина не известна", category="unknown")
    session.add_all([period, subject, types, code])
    session.flush()
    return org, year, period, subject, types, code


def build_world() -> World:
    """Create the world in the current app's database and return its ids."""
    s = db.session
    sm = current_app.appbuilder.sm
    w = {}
    today = TODAY
    auth_a = Authority(name="Управление образования города А", short_name="УО А")
    auth_b = Authority(name="Управление образования города Б", short_name="УО Б")
    s.add_all([auth_a, auth_b])
    s.flush()
    orgs = {}
    for key, authority, name, plugins, kind in [
        ("org1", auth_a, "Школа № 1", ["school", "preschool"], "class"),
        ("org2", auth_a, "Техникум № 2", ["college"], "college_group"),
        ("org3", auth_b, "Школа № 3", ["school"], "class"),
    ]:
        org, year, period, subject, atype, code = _organisation(s, authority, name, plugins, kind, today)
        teacher = Staff(org_id=org.id, last_name="Учителева", first_name="Анна", middle_name="Петровна", position="Учитель")
        other_teacher = Staff(org_id=org.id, last_name="Другова", first_name="Вера", position="Учитель")
        s.add_all([teacher, other_teacher])
        s.flush()
        group = LearnerGroup(org_id=org.id, year_id=year.id, kind=kind, name="5А", level=5, leader_id=teacher.id)
        other_group = LearnerGroup(org_id=org.id, year_id=year.id, kind=kind, name="6Б", level=6, leader_id=other_teacher.id)
        s.add_all([group, other_group])
        s.flush()
        learners = []
        for i, (last, first) in enumerate([("Иванов", "Иван"), ("Петрова", "Мария"), ("Сидоров", "Пётр")]):
            learner = Learner(org_id=org.id, last_name=last, first_name=first, group_id=group.id,
                              birth_date=dt.date(2015, 3, i + 1), enrolled_on=dt.date(2022, 9, 1))
            learners.append(learner)
        stranger = Learner(org_id=org.id, last_name="Чужой", first_name="Олег", group_id=other_group.id)
        s.add_all(learners + [stranger])
        s.flush()
        parent = Guardian(org_id=org.id, last_name="Иванова", first_name="Ольга")
        s.add(parent)
        s.flush()
        s.add(GuardianLink(org_id=org.id, guardian_id=parent.id, learner_id=learners[0].id, relation="мать"))
        s.add(TeachingAssignment(org_id=org.id, year_id=year.id, teacher_id=teacher.id, subject_id=subject.id,
                                 group_id=group.id, hours_per_week=5))
        s.add(TeachingAssignment(org_id=org.id, year_id=year.id, teacher_id=other_teacher.id, subject_id=subject.id,
                                 group_id=other_group.id, hours_per_week=5))
        lesson = Lesson(org_id=org.id, group_id=group.id, subject_id=subject.id, teacher_id=teacher.id,
                        date=today, number=1, topic="Дроби")
        other_lesson = Lesson(org_id=org.id, group_id=other_group.id, subject_id=subject.id,
                              teacher_id=other_teacher.id, date=today, number=2, topic="Уравнения")
        s.add_all([lesson, other_lesson])
        s.flush()
        assignment = Assignment(org_id=org.id, lesson_id=lesson.id, type_id=atype.id, weight=1)
        other_assignment = Assignment(org_id=org.id, lesson_id=other_lesson.id, type_id=atype.id, weight=1)
        s.add_all([assignment, other_assignment])
        s.flush()
        mark = Mark(org_id=org.id, assignment_id=assignment.id, learner_id=learners[0].id, value="5")
        sibling_mark = Mark(org_id=org.id, assignment_id=assignment.id, learner_id=learners[1].id, value="4")
        stranger_mark = Mark(org_id=org.id, assignment_id=other_assignment.id, learner_id=stranger.id, value="3")
        absence = Attendance(org_id=org.id, learner_id=learners[2].id, lesson_id=lesson.id, date=today, code_id=code.id)
        final = FinalMark(org_id=org.id, learner_id=learners[0].id, subject_id=subject.id, period_id=period.id, value="5")
        s.add_all([mark, sibling_mark, stranger_mark, absence, final])
        s.flush()
        orgs[key] = org
        w.update({
            key: org.id, f"{key}_year": year.id, f"{key}_period": period.id, f"{key}_subject": subject.id,
            f"{key}_type": atype.id, f"{key}_code": code.id, f"{key}_teacher": teacher.id,
            f"{key}_other_teacher": other_teacher.id, f"{key}_group": group.id, f"{key}_other_group": other_group.id,
            f"{key}_child": learners[0].id, f"{key}_sibling": learners[1].id, f"{key}_learner3": learners[2].id,
            f"{key}_stranger": stranger.id, f"{key}_parent": parent.id, f"{key}_lesson": lesson.id,
            f"{key}_other_lesson": other_lesson.id, f"{key}_assignment": assignment.id,
            f"{key}_other_assignment": other_assignment.id, f"{key}_mark": mark.id,
            f"{key}_sibling_mark": sibling_mark.id, f"{key}_stranger_mark": stranger_mark.id,
            f"{key}_absence": absence.id, f"{key}_final": final.id,
        })
    w["auth_a"], w["auth_b"] = auth_a.id, auth_b.id
    s.commit()

    o1 = orgs["org1"]
    p = lambda pid: s.get(Staff, pid) or s.get(Learner, pid) or s.get(Guardian, pid)  # noqa: E731
    sm.add_user("sysadmin", "Системный", "Администратор", "sysadmin@example.ru", [sm.find_role("Admin")], PASSWORD)
    users = {
        "admin1": (["Администратор"], o1, None, None),
        "director1": (["Директор"], o1, None, None),
        "deputy1": (["Завуч"], o1, None, None),
        "teacher1": (["Учитель"], o1, None, p(w["org1_teacher"])),
        "otherteacher1": (["Учитель"], o1, None, p(w["org1_other_teacher"])),
        "secretary1": (["Секретарь"], o1, None, None),
        "parent1": (["Родитель"], o1, None, p(w["org1_parent"])),
        "learner1": (["Обучающийся"], o1, None, p(w["org1_child"])),
        "admin2": (["Администратор"], orgs["org2"], None, None),
        "admin3": (["Администратор"], orgs["org3"], None, None),
        "teacher3": (["Учитель"], orgs["org3"], None, p(w["org3_teacher"])),
        "uo_a": (["Сотрудник УО"], None, s.get(Authority, w["auth_a"]), None),
    }
    for username, (roles, org, authority, person) in users.items():
        w[f"user_{username}"] = _user(sm, username, roles, org, authority, person).id
    return World(w)
