"""Demo data of the preschool groups: воспитанники with their parents, the
воспитатели, and attendance per day (no lessons, no marks)."""
from __future__ import annotations

import datetime as dt

from app import demo
from app.models import Attendance, AttendanceCode, LearnerGroup
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

    # A regime for each group: the «Солнышко» works a full day, the «Звёздочки» too, one hour shorter.
    from .models import GroupRegime

    session.add_all([GroupRegime(org_id=organisation.id, group_id=group.id, weekdays="12345", opens=dt.time(7, 0),
                                 closes=dt.time(19, 0) if i == 0 else dt.time(18, 0), group_type="full",
                                 places=24 if i == 0 else 25)
                     for i, group in enumerate(groups)])
    codes = demo.journal_kit(session, organisation, None).codes
    for code, title in (("ОТП", "Отпуск родителей (по заявлению)"), ("К", "Карантин")):
        codes[code] = AttendanceCode(org_id=organisation.id, code=code, name=title, category="excused")
        session.add(codes[code])
    session.flush()
    # Six weeks of days up to today, across months: a табель opened in the New Year
    # holidays still shows December.
    days = demo.school_days(year, weeks=6)
    rows = []
    for title, _level, _age in GROUPS:
        rows += _absences(organisation, children[title], days, codes, rng)
    first = groups[0]
    child = children[first.name][0]
    # The demo parent's child has been ill at least once, so that the parent's month shows
    # an absence with its reason even on the year's first day, the only one so far.
    if days and not any(r.learner_id == child.id for r in rows):
        rows.append(Attendance(org_id=organisation.id, learner_id=child.id, lesson_id=None, date=days[0],
                               code_id=codes["Б"].id))
    session.add_all(rows)

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
    _fees(session, organisation, year, children[first.name], children[groups[1].name])
    from app.registry import DemoLogin

    return [DemoLogin(a.roles[0].name, a.username, demo.PASSWORD, organisation.short_name) for a in logins]


def _fees(session, organisation, year, first_children, second_children) -> None:
    """The authority's daily norm (raised from 1 January, as authorities do) and two
    discounts: the demo parent's child, of a large family, pays half; a child of the
    second group, disabled, pays nothing. Written through the services, as by hand."""
    from sqlalchemy import select

    from .charges import add_discount, add_norm
    from .fees import FeeNorm

    if organisation.authority_id is not None and session.scalar(
            select(FeeNorm.id).where(FeeNorm.authority_id == organisation.authority_id)) is None:
        january = dt.date(year.start.year + 1, 1, 1)
        add_norm(session, organisation.authority_id, "full", "150.00", year.start, january - dt.timedelta(days=1))
        add_norm(session, organisation.authority_id, "full", "165.00", january)
    add_discount(session, first_children[0].id, "50", "large_family", "Удостоверение многодетной семьи",
                 year.start)
    add_discount(session, second_children[-1].id, "100", "disabled_child", "Справка МСЭ", year.start)


def _absences(organisation, children, days, codes, rng) -> list[Attendance]:
    """A group's absences over ``days``: a cold going round the group in one stretch
    of about two weeks (a third of the children, each ill for 5–9 working days),
    single illnesses, a parent's leave of a week, family reasons, the odd
    unexplained day; today's reasons are not all known yet."""
    if not days:
        return []
    out: dict[tuple[int, dt.date], object] = {}
    wave = rng.randrange(max(1, len(days) - 10))
    for child in children:
        if rng.random() < 0.35:  # caught the cold going round
            first = min(wave + rng.randint(0, 6), len(days) - 1)
            for day in days[first:first + rng.randint(5, 9)]:
                out[(child.id, day)] = codes["Б"]
        elif rng.random() < 0.15:
            first = rng.randrange(len(days))
            for day in days[first:first + rng.randint(3, 7)]:
                out[(child.id, day)] = codes["Б"]
        if rng.random() < 0.08:  # a parent's leave: a week at the grandmother's
            first = rng.randrange(len(days))
            for day in days[first:first + 5]:
                out.setdefault((child.id, day), codes["ОТП"])
        for day in days:
            if (child.id, day) in out:
                continue
            roll = rng.random()
            if roll < 0.02:
                out[(child.id, day)] = codes["УП"]
            elif roll < 0.027:
                out[(child.id, day)] = codes["ОТ"] if day == demo.today() else codes["НП"]
    return [Attendance(org_id=organisation.id, learner_id=learner_id, lesson_id=None, date=day, code_id=code.id)
            for (learner_id, day), code in sorted(out.items(), key=lambda item: (item[0][1], item[0][0]))]
