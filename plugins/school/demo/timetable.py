"""Demo of the year's calendar and the timetable: the school's mode (five days,
halves for grades 10–11), holidays of the year, bells, a room for every teacher,
the timetable of every class (the week the demo journal was filled by), the rest of
the current period's lessons generated from it, a few one-off changes and class events."""
from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict

from sqlalchemy import select

from app import demo
from app.exceptions import RuleError
from app.models import LearnerGroup, Lesson, Period, Staff
from app.models.timetable import Bell, ClassEvent, Holiday, Room, SchoolYearMode, TimetableEntry, TimetableLesson
from app.services.calendar import load_calendar
from app.services.production_calendar import accept_days, proposed_days
from app.services.timetable import generate_lessons, save_change

from ..periods import ensure_periods, vacations_between

BELLS = [("08:30", "09:15"), ("09:25", "10:10"), ("10:30", "11:15"), ("11:35", "12:20"), ("12:30", "13:15"),
         ("13:25", "14:10"), ("14:20", "15:05")]


def populate_timetable(host, session, organisation, year, rng) -> None:
    if "school" not in (organisation.plugins or []):
        return
    org_id = organisation.id
    mode = SchoolYearMode(org_id=org_id, year_id=year.id, week_days=5, half_levels="10, 11")
    session.add(mode)
    periods = session.scalars(select(Period).where(Period.year_id == year.id, Period.plugin == "school")
                              .order_by(Period.start)).all()
    ensure_periods(session, year, mode)
    session.add_all([Holiday(org_id=org_id, year_id=year.id, name=n, start=s, end=e)
                     for n, s, e in vacations_between(periods)])
    session.flush()
    # The production calendar's days as the Завуч accepts them: holidays and transfers of days off.
    accept_days(session, host, year, [d.date for d in proposed_days(year.start, year.end)])
    session.add_all([Bell(org_id=org_id, year_id=year.id, shift=1, number=i, start=s, end=e)
                     for i, (s, e) in enumerate(BELLS, start=1)])
    session.flush()

    classes = {g.id: g for g in session.scalars(select(LearnerGroup).where(
        LearnerGroup.year_id == year.id, LearnerGroup.kind == "class").order_by(LearnerGroup.level, LearnerGroup.name))}
    rows = session.execute(select(Lesson.id, Lesson.group_id, Lesson.date, Lesson.number, Lesson.subject_id,
                                  Lesson.teacher_id, Lesson.subgroup_id)
                           .where(Lesson.group_id.in_(list(classes))).order_by(Lesson.date, Lesson.number)).all()
    if not rows:
        return
    # The week each class was taught by (the demo journal follows one week): its lines.
    slots = {}
    for _id, group_id, date, number, subject_id, teacher_id, subgroup_id in rows:
        slots[(group_id, date.weekday(), number, subgroup_id)] = (subject_id, teacher_id)
    teachers = sorted({t for _s, t in slots.values()})
    staff = {s.id: s for s in session.scalars(select(Staff).where(Staff.id.in_(teachers)))}
    rooms, gyms, number = {}, 0, 1
    for teacher_id in sorted(teachers, key=lambda t: (staff[t].position or "", staff[t].last_name, t)):
        if "физической культуры" in (staff[teacher_id].position or ""):
            gyms += 1
            name = "Спортивный зал" + (f" № {gyms}" if gyms > 1 else "")
        else:
            name = f"Кабинет {number}"
            number += 1
        rooms[teacher_id] = Room(org_id=org_id, name=name, capacity=30 if "зал" not in name else 60)
    session.add_all(rooms.values())
    session.flush()
    study_end = max((p.end for p in periods if not p.is_final), default=year.end)
    entries = {}
    for (group_id, weekday, number, subgroup_id), (subject_id, teacher_id) in sorted(slots.items(), key=str):
        entries[(group_id, weekday, number, subgroup_id)] = TimetableEntry(
            org_id=org_id, year_id=year.id, group_id=group_id, subgroup_id=subgroup_id, weekday=weekday,
            number=number, subject_id=subject_id, teacher_id=teacher_id,
            valid_from=year.start, valid_to=study_end)
    _untangle(entries, staff)
    for entry in entries.values():
        entry.room_id = rooms[entry.teacher_id].id
    session.add_all(entries.values())
    session.flush()
    # The journal's lessons are the timetable's: link them, so generation goes on from them.
    # (Keys are the journal's slots: an untangled line may now sit at another number.)
    for lesson in session.scalars(select(Lesson).where(Lesson.id.in_([r[0] for r in rows]))):
        entry = entries[(lesson.group_id, lesson.date.weekday(), lesson.number, lesson.subgroup_id)]
        lesson.teacher_id, lesson.number = entry.teacher_id, entry.number
    session.add_all([TimetableLesson(org_id=org_id, entry_id=entries[(g, day.weekday(), n, sg)].id, lesson_id=i,
                                     group_id=g, date=day) for i, g, day, n, _s, _t, sg in rows])
    session.flush()

    # The rest of the current period, generated from the timetable and the calendar.
    period = demo.current_period(session, year, "school")
    first = rows[0][2]
    if period is not None and period.end > first:
        generate_lessons(session, host, year, first, period.end)
        _planned_topics(session, classes, first)
    _changes(host, session, year, classes, entries, random.Random(demo.SEED))
    _events(session, year, classes)
    session.flush()


def _untangle(entries: dict, staff: dict) -> None:
    """The demo journal's week sometimes puts a teacher in two classes at once; give the
    second class a colleague of the same position who is free then, or move the lesson to
    another number of the day (the timetable refuses such a collision, so the demo must not
    hold one). Only when a day holds more lessons of a position than its teachers can give
    in lessons 1–6 does one stay."""
    busy = defaultdict(list)
    for entry in entries.values():
        busy[(entry.teacher_id, entry.weekday, entry.number)].append(entry)
    taken = Counter({key: len(found) for key, found in busy.items()})  # a teacher's lessons at a time
    seats = Counter((e.group_id, e.weekday, e.number) for e in entries.values())  # a class's lessons at a time

    def place(entry, teacher_id: int, number: int) -> None:
        taken[(entry.teacher_id, entry.weekday, entry.number)] -= 1
        seats[(entry.group_id, entry.weekday, entry.number)] -= 1
        entry.teacher_id, entry.number = teacher_id, number
        taken[(teacher_id, entry.weekday, number)] += 1
        seats[(entry.group_id, entry.weekday, number)] += 1

    def swap(entry, teacher_id: int) -> bool:
        """Swap ``entry`` with a lesson of the same class that day whose teacher is free at
        its number, ``teacher_id`` (free at the other's number) taking the lesson."""
        weekday, number = entry.weekday, entry.number
        for mate in sorted((e for e in entries.values() if e.group_id == entry.group_id and e.weekday == weekday
                            and e is not entry), key=lambda e: e.number):
            if not taken[(teacher_id, weekday, mate.number)] and not taken[(mate.teacher_id, weekday, number)]:
                mate_number = mate.number
                place(mate, mate.teacher_id, number)
                place(entry, teacher_id, mate_number)
                return True
        return False

    def elsewhere(entry, candidates: list[int]) -> bool:
        """``entry`` to one of ``candidates`` at another number free for its class, or in a swap."""
        weekday = entry.weekday
        pair = next(((c, n) for n in range(1, 7) if not seats[(entry.group_id, weekday, n)]
                     for c in candidates if not taken[(c, weekday, n)]), None)
        if pair is not None:
            place(entry, *pair)
            return True
        return any(swap(entry, c) for c in candidates)

    for (teacher_id, weekday, number), found in sorted(busy.items()):
        for entry in found[1:]:
            if (entry.teacher_id, entry.number) != (teacher_id, number) or taken[(teacher_id, weekday, number)] < 2:
                continue  # moved already, or the collision is gone
            position = staff[teacher_id].position
            colleagues = [s.id for s in sorted(staff.values(), key=lambda s: s.id)
                          if s.position == position and s.id != teacher_id]
            free = next((c for c in colleagues if not taken[(c, weekday, number)]), None)
            if free is not None:
                place(entry, free, number)
                continue
            # No colleague free: the same teacher, the same day, another lesson number free for both.
            other = next((n for n in range(1, 7) if not taken[(teacher_id, weekday, n)]
                          and not seats[(entry.group_id, weekday, n)]), None)
            if other is not None:
                place(entry, teacher_id, other)
                continue
            # Else swap with a lesson of the same class that day whose teacher is free at this number.
            if swap(entry, teacher_id):
                continue
            # Else a colleague at another number of the class (or in a swap)…
            if elsewhere(entry, colleagues):
                continue
            # … or a colleague's lesson of another class at this number goes elsewhere, and he takes this one.
            everyone = [teacher_id, *colleagues]
            for mate in [e for e in entries.values() if e.weekday == weekday and e.number == number
                         and e.teacher_id in colleagues and taken[(e.teacher_id, weekday, number)] == 1]:
                colleague = mate.teacher_id
                if elsewhere(mate, everyone) and not taken[(colleague, weekday, number)]:
                    place(entry, colleague, number)
                    break


def _planned_topics(session, classes, first) -> None:
    """Future lessons carry the next topics of the plan (entered by the teacher on the day)."""
    from . import TOPICS

    kit = demo.JournalKit({}, {}, [], TOPICS)
    taught = defaultdict(int)
    subjects = {}
    topics = []
    for lesson in session.scalars(select(Lesson).where(Lesson.group_id.in_(list(classes)), Lesson.date >= first)
                                  .order_by(Lesson.date, Lesson.number, Lesson.id)):
        key = (lesson.group_id, lesson.subject_id)
        if not lesson.topic:
            subject = subjects.get(lesson.subject_id)
            if subject is None:
                subject = subjects[lesson.subject_id] = lesson.subject
            topics.append((lesson, demo._topic(kit, subject, taught[key]), None))
        taught[key] += 1
    demo.write_topics(session, topics)  # one UPDATE for them all


def _next_week_day(calendar, weekday: int) -> dt.date | None:
    day = demo.today() + dt.timedelta(days=1)
    for _ in range(21):
        if calendar.timetable_weekday(day) == weekday:
            return day
        day += dt.timedelta(days=1)
    return None


def _changes(host, session, year, classes, entries, rng) -> None:
    """A replacement, a cancellation and a moved lesson of 5А in the coming days."""
    five_a = next((g for g in classes.values() if g.name == "5А"), None)
    if five_a is None:
        return
    calendar = load_calendar(session, host, year)
    upcoming = {e.id: _next_week_day(calendar, e.weekday) for e in entries.values() if e.group_id == five_a.id}
    own = sorted((e for e in entries.values() if upcoming.get(e.id)), key=lambda e: (upcoming[e.id], e.number))
    others = sorted({e.teacher_id for e in entries.values()})
    done = set()
    for entry in own:
        day = _next_week_day(calendar, entry.weekday)
        if day is None:
            continue
        for kind in ("replace", "cancel", "move"):
            if kind in done:
                continue
            forms = []
            if kind == "replace":
                forms = [{"teacher_id": t, "reason": "Курсы повышения квалификации"} for t in rng.sample(others, 8)
                         if t != entry.teacher_id]
            elif kind == "cancel":
                forms = [{"reason": "Всероссийская проверочная работа в параллели"}]
            else:
                forms = [{"new_date": (day + dt.timedelta(days=k)).isoformat(), "new_number": "6",
                          "reason": "Экскурсия в краеведческий музей"} for k in (1, 2, 3)]
            for form in forms:
                savepoint = session.begin_nested()
                try:
                    save_change(session, host, year, entry, {**form, "kind": kind, "lesson_date": day.isoformat()})
                    savepoint.commit()
                    done.add(kind)
                    break
                except RuleError:
                    savepoint.rollback()
            if kind in done:
                break
        if len(done) == 3:
            return


def _events(session, year, classes) -> None:
    today = demo.today()
    monday = today - dt.timedelta(days=today.weekday())
    by_name = {g.name: g for g in classes.values()}
    plan = [
        ("5А", "subbotnik", "Субботник на пришкольном участке", 5, 5, "Форма одежды рабочая, перчатки выдаются."),
        ("5А", "meeting", "Родительское собрание «Итоги первой четверти»", 3, 3, "Актовый зал, 18:30."),
        ("7Б", "excursion", "Экскурсия в краеведческий музей", 8, 9, "Сбор у школы в 9:00."),
        ("3А", "contest", "Конкурс чтецов «Родной край»", 2, 2, ""),
        ("9А", "documents", "Сдача заявлений на участие в ГИА", 0, 11, "Заявления принимает классный руководитель."),
        ("11Б", "extracurricular", "Классный час «Выбор профессии»", 4, 4, ""),
    ]
    for name, kind, title, first, last, note in plan:
        group = by_name.get(name)
        start, end = monday + dt.timedelta(days=first), monday + dt.timedelta(days=last)
        if group is None or start < year.start or end > year.end:
            continue
        session.add(ClassEvent(org_id=group.org_id, group_id=group.id, kind=kind, title=title, start=start, end=end,
                               note=note))
