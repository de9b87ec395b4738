"""Demo data of the preschool groups: воспитанники with their parents, the
воспитатели, and attendance per day (no lessons, no marks)."""
from __future__ import annotations

import datetime as dt

from app import demo
from app.models import Attendance, LearnerGroup
from app.registry import DemoOrganisation
from app.roles import PARENT

name = "preschool"
# (name, age group level 1..6, age of the children on 1 September)
GROUPS = [("Средняя группа «Солнышко»", 4, 4), ("Подготовительная группа «Звёздочки»", 6, 6)]


def _names(n: int) -> tuple[str, str, str]:
    return (f"Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № {n * 3}»",
            f"МБДОУ детский сад № {n * 3}", f"г. Заречный, ул. Садовая, д. {n * 3}")


# Alone, a kindergarten; with the school plugin, the preschool groups of the school.
ORGANISATION = DemoOrganisation(order=2, prefix="d", names=_names, joins="school",
                                positions={"deputy": "Старший воспитатель"})


def populate(host, session, organisation, year, rng):
    if name not in (organisation.plugins or []):
        return []
    names = demo.Names(rng)
    start_year = year.start.year
    groups, educators, children = [], [], {}
    for title, level, age in GROUPS:
        educator = demo.add_staff(session, organisation, names, "Воспитатель", "ж", start_year)
        demo.add_staff(session, organisation, names, "Младший воспитатель", "ж", start_year)
        session.flush()
        group = LearnerGroup(org_id=organisation.id, year_id=year.id, kind="preschool_group", name=title,
                             level=level, leader_id=educator.id)
        session.add(group)
        groups.append(group)
        educators.append(educator)
        children[title] = demo.add_learners(session, organisation, group, names, rng.randint(18, 22), age=age,
                                            start_year=start_year,
                                            enrolled_on=dt.date(start_year - rng.randint(0, 2), 9, 1))
    session.flush()

    # Attendance per day (R6: the табель is kept by day): only absences are recorded.
    codes = demo.journal_kit(session, organisation, None).codes
    # The last weeks of the year, across months: a табель opened in the New Year
    # holidays still shows December.
    days = demo.school_days(year, weeks=5)
    rows = []
    for title, _level, _age in GROUPS:
        sick_until: dict[int, dt.date] = {}
        for day in days:
            for child in children[title]:
                code = None
                if sick_until.get(child.id, day - dt.timedelta(days=1)) >= day:
                    code = codes["Б"]
                elif rng.random() < 0.04:
                    sick_until[child.id] = day + dt.timedelta(days=rng.randint(3, 8))
                    code = codes["Б"]
                elif rng.random() < 0.03:
                    code = codes["УП"]  # family reasons: a note from the parents
                elif rng.random() < 0.01:
                    code = codes["ОТ"] if day == demo.today() else codes["НП"]
                if code is not None:
                    rows.append(Attendance(org_id=organisation.id, learner_id=child.id, lesson_id=None, date=day,
                                           code_id=code.id))
    session.add_all(rows)

    first = groups[0]
    child = children[first.name][0]
    logins = [
        demo.add_login(session, "educator", ["Воспитатель"], person=educators[0], organisation=organisation),
        demo.add_login(session, "preschool-parent", [PARENT], person=child.guardian_links[0].guardian,
                       organisation=organisation),
    ]
    session.flush()
    # The days before today were taken by the воспитатели (the first group's has a login);
    # today's is left for the demo's воспитатель to take.
    from .models import AttendanceDay

    session.add_all([AttendanceDay(org_id=organisation.id, group_id=group.id, date=day, version=1,
                                   taken_by=logins[0].id if group is first else None,
                                   taken_at=dt.datetime.combine(day, dt.time(6, 30)))
                     for group in groups for day in days if day < demo.today()])
    session.flush()
    from app.registry import DemoLogin

    return [DemoLogin(a.roles[0].name, a.username, demo.PASSWORD, organisation.short_name) for a in logins]
