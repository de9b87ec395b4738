"""The timetable's rules: no teacher, room or class in two places at once; lessons
generated from the timetable and the calendar (idempotent, never deleting a lesson
that holds data); one-off changes; class events. No Flask request stuff here."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import joinedload

from app import clock, reference
from app.exceptions import RuleError
from app.models import (
    AcademicYear, Assignment, Attendance, Homework, LearnerGroup, Lesson, Period, Staff, Subgroup, Subject,
    Substitution,
)
from app.models.timetable import (
    CHANGE_KINDS, EVENT_KINDS, WEEKDAYS_ON, ClassEvent, Room, TimetableChange, TimetableEntry, TimetableLesson,
)
from app.services.calendar import load_calendar
from app.services.kinds import kind_of, taught_kinds

RULE = "Расписание"
MAX_NUMBER = 10  # lessons a day at most
MAX_EVENT_DAYS = 31  # «от нескольких дней до месяца» (seed 002)


def initials(person) -> str:
    """«Иванова И. И.»: the surname and initials, spaced as Russian typography wants."""
    return person.short_name if person is not None else ""


# The school's words, for a group of no declared kind.
_SCHOOL_WORDS = {"teacher": "Учитель", "teacher_of": "учителя", "lesson": "Урок", "lesson_acc": "урок",
                 "lesson_of": "урока"}


def _word(group, name: str) -> str:
    """A word of ``group``'s kind: a college's «Преподаватель» and «пара», a school's «Учитель» and «урок»."""
    kind = kind_of(group) if group is not None else None
    return (getattr(kind, name, "") if kind is not None else "") or _SCHOOL_WORDS[name]


def _ordinal(number: int, lesson: str) -> str:
    """«3-й урок», «3-я пара», «3-е занятие»: the ordinal agrees with the noun, and the
    kinds declare no gender, so the nominative's ending tells it."""
    noun = lesson.lower()
    ending = "я" if noun.endswith(("а", "я")) else "е" if noun.endswith(("е", "о")) else "й"
    return f"{number}-{ending} {noun}"


def slot_text(weekday: int, number: int, group=None) -> str:
    return f"{WEEKDAYS_ON[weekday]}, {_ordinal(number, _word(group, 'lesson'))}"


def _date(value, what) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise RuleError(RULE, _l("Укажите %(what)s в виде даты.", what=what)) from None


def _int(value, what) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise RuleError(RULE, _l("Укажите %(what)s числом.", what=what)) from None


def _opt_int(value) -> int | None:
    if value in (None, "", "0"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- timetable entries ----------------------------------------------------------

def conflicts(session, year_id: int, weekday: int, number: int, valid_from: dt.date, valid_to: dt.date,
              group_id: int, subgroup_id: int | None, teacher_id: int, room_id: int | None,
              exclude_id: int | None = None) -> list[str]:
    """Russian messages for every line of the timetable the new one collides with."""
    q = (select(TimetableEntry).options(joinedload(TimetableEntry.group), joinedload(TimetableEntry.teacher),
                                        joinedload(TimetableEntry.room), joinedload(TimetableEntry.subject))
         .where(TimetableEntry.year_id == year_id, TimetableEntry.weekday == weekday,
                TimetableEntry.number == number, TimetableEntry.valid_from <= valid_to,
                TimetableEntry.valid_to >= valid_from,
                or_(TimetableEntry.teacher_id == teacher_id, TimetableEntry.group_id == group_id,
                    and_(TimetableEntry.room_id.is_not(None), TimetableEntry.room_id == room_id)))
         .order_by(TimetableEntry.id))
    if exclude_id is not None:
        q = q.where(TimetableEntry.id != exclude_id)
    out = []
    for other in session.scalars(q).unique():
        group = other.group.name if other.group else ""
        # The message speaks the kind of the group met: «Преподаватель … уже ведёт пару».
        slot = slot_text(weekday, number, other.group)
        lesson = _word(other.group, "lesson").lower()  # «есть пара», «занят: пара»; «ведёт пару» below
        if other.teacher_id == teacher_id:
            out.append(str(_l("%(who)s %(teacher)s уже ведёт %(lesson)s в %(group)s %(slot)s.",
                              who=_word(other.group, "teacher"), teacher=initials(other.teacher),
                              lesson=_word(other.group, "lesson_acc"), group=group, slot=slot)))
        elif room_id is not None and other.room_id == room_id:
            out.append(str(_l("Кабинет «%(room)s» уже занят: %(lesson)s в %(group)s %(slot)s.",
                              room=other.room.name if other.room else "", lesson=lesson, group=group, slot=slot)))
        elif other.group_id == group_id and (other.subgroup_id is None or subgroup_id is None
                                             or other.subgroup_id == subgroup_id):
            out.append(str(_l("У %(group)s уже есть %(lesson)s %(slot)s: %(subject)s.", group=group,
                              lesson=lesson, slot=slot, subject=other.subject.name if other.subject else "")))
    return out


def save_entry(session, host, year: AcademicYear, form: dict, entry: TimetableEntry | None = None) -> TimetableEntry:
    """Add a line of the timetable (or change ``entry``) from ``form``; refused with
    a Russian message and nothing saved when it collides with another line."""
    from app.services.calendar import week_days_of

    group = session.get(LearnerGroup, _int(form.get("group_id"), _l("класс")))
    if group is None or group.year_id != year.id:
        raise RuleError(RULE, _l("Класс не найден в этом учебном году."))
    weekday = _int(form.get("weekday"), _l("день недели"))
    week_days = week_days_of(session, host, year)
    if not 0 <= weekday < week_days:
        raise RuleError(RULE, _l("В этом учебном году %(n)s учебных дней в неделе: выберите день с понедельника.",
                                 n=week_days))
    number = _int(form.get("number"), _l("номер %(lesson)s", lesson=_word(group, "lesson_of")))
    if not 1 <= number <= MAX_NUMBER:
        raise RuleError(RULE, _l("Номер %(lesson)s — от 1 до %(n)s.", lesson=_word(group, "lesson_of"),
                                 n=MAX_NUMBER))
    subject = session.get(Subject, _int(form.get("subject_id"), _l("предмет")))
    if subject is None:
        raise RuleError(RULE, _l("Выберите предмет из списка."))
    teacher = session.get(Staff, _int(form.get("teacher_id"), _word(group, "teacher_of")))
    if teacher is None:
        raise RuleError(RULE, _l("Выберите %(teacher)s из списка.", teacher=_word(group, "teacher_of")))
    room_id = _opt_int(form.get("room_id"))
    if room_id is not None and session.get(Room, room_id) is None:
        raise RuleError(RULE, _l("Выберите кабинет из списка."))
    subgroup_id = _opt_int(form.get("subgroup_id"))
    if subgroup_id is not None:
        subgroup = session.get(Subgroup, subgroup_id)
        if subgroup is None or subgroup.group_id != group.id:
            raise RuleError(RULE, _l("Подгруппа не из этого класса."))
    valid_from = _date(form.get("valid_from") or year.start, _l("начало действия"))
    valid_to = _date(form.get("valid_to") or year.end, _l("окончание действия"))
    if valid_from > valid_to:
        raise RuleError(RULE, _l("Начало действия позже окончания."))
    if valid_from < year.start or valid_to > year.end:
        raise RuleError(RULE, _l("Сроки действия выходят за учебный год %(year)s.", year=year.name))
    found = conflicts(session, year.id, weekday, number, valid_from, valid_to, group.id, subgroup_id, teacher.id,
                      room_id, exclude_id=entry.id if entry is not None else None)
    if found:
        raise RuleError(RULE, found[0])
    if entry is None:
        entry = TimetableEntry(org_id=year.org_id, year_id=year.id)
        session.add(entry)
    entry.group_id, entry.subgroup_id, entry.weekday, entry.number = group.id, subgroup_id, weekday, number
    entry.subject_id, entry.teacher_id, entry.room_id = subject.id, teacher.id, room_id
    entry.valid_from, entry.valid_to = valid_from, valid_to
    session.flush()
    return entry


def delete_entry(session, entry: TimetableEntry) -> int:
    """Remove a line of the timetable and its planned lessons; lessons with data stay
    (as ordinary lessons of the journal). Returns how many lessons stayed."""
    links = session.scalars(select(TimetableLesson).where(TimetableLesson.entry_id == entry.id)).all()
    protected = lessons_with_data(session, [l.lesson_id for l in links])
    for link in links:
        lesson_id = link.lesson_id
        session.delete(link)
        if lesson_id not in protected:
            lesson = session.get(Lesson, lesson_id)
            if lesson is not None:
                session.delete(lesson)
    for change in session.scalars(select(TimetableChange).where(TimetableChange.entry_id == entry.id)):
        session.delete(change)
    session.flush()
    session.delete(entry)
    session.flush()
    return len({l.lesson_id for l in links} & protected)


# --- lessons from the timetable ---------------------------------------------------

def _has_data():
    """A lesson holds data: a topic entered, kinds of work (and so marks), attendance,
    homework or a substitution. Such a lesson is never deleted by a re-flow."""
    return or_(
        Lesson.topic_entered_at.is_not(None),
        exists().where(Assignment.lesson_id == Lesson.id),
        exists().where(Attendance.lesson_id == Lesson.id),
        exists().where(Homework.lesson_id == Lesson.id),
        exists().where(Substitution.lesson_id == Lesson.id),
    )


def lessons_with_data(session, lesson_ids) -> set[int]:
    ids = list(lesson_ids)
    out: set[int] = set()
    for i in range(0, len(ids), 500):
        out |= set(session.scalars(select(Lesson.id).where(Lesson.id.in_(ids[i:i + 500]), _has_data())))
    return out


@dataclass
class Generation:
    created: int = 0
    updated: int = 0
    removed: int = 0
    kept: list = field(default_factory=list)  # lesson ids with data the timetable no longer places


def generate_lessons(session, host, year: AcademicYear, start: dt.date, end: dt.date,
                     group_ids: list[int] | None = None, created_by: int | None = None) -> Generation:
    """Bring the lessons from ``start`` to ``end`` in line with the timetable, its
    one-off changes and the calendar. Running it twice changes nothing the second
    time. A planned lesson the timetable no longer places is deleted when it holds
    no data, else kept and reported (it appears in «Уроки вне учебных дней» when its
    day is no study day)."""
    result = Generation()
    start, end = max(start, year.start), min(end, year.end)
    if start > end:
        return result
    calendar = load_calendar(session, host, year)
    days = calendar.working_days(start, end)
    by_weekday: dict[int, list[dt.date]] = defaultdict(list)
    for day, weekday in sorted(days.items()):
        by_weekday[weekday].append(day)
    q = select(TimetableEntry).where(TimetableEntry.year_id == year.id, TimetableEntry.valid_from <= end,
                                     TimetableEntry.valid_to >= start)
    if group_ids is not None:
        q = q.where(TimetableEntry.group_id.in_(group_ids))
    entries = session.scalars(q.order_by(TimetableEntry.id)).all()
    entry_ids = select(TimetableEntry.id).where(TimetableEntry.year_id == year.id)
    if group_ids is not None:
        entry_ids = entry_ids.where(TimetableEntry.group_id.in_(group_ids))
    changes = {(c.entry_id, c.date): c for c in session.scalars(
        select(TimetableChange).where(TimetableChange.entry_id.in_(entry_ids), TimetableChange.date >= start,
                                      TimetableChange.date <= end))}
    existing = {(link.entry_id, link.date): (link, lesson) for link, lesson in session.execute(
        select(TimetableLesson, Lesson).join(Lesson, Lesson.id == TimetableLesson.lesson_id)
        .where(TimetableLesson.entry_id.in_(entry_ids), TimetableLesson.date >= start, TimetableLesson.date <= end))}
    protected = lessons_with_data(session, [lesson.id for _link, lesson in existing.values()])

    wanted = {}
    for entry in entries:
        for day in by_weekday.get(entry.weekday, []):
            if not entry.valid_from <= day <= entry.valid_to:
                continue
            change = changes.get((entry.id, day))
            if change is not None and change.kind == "cancel":
                continue
            fields = dict(group_id=entry.group_id, subgroup_id=entry.subgroup_id, subject_id=entry.subject_id,
                          teacher_id=entry.teacher_id, substitute_id=None, date=day, number=entry.number)
            if change is not None and change.kind == "replace":
                if change.subject_id:
                    fields["subject_id"] = change.subject_id
                if change.teacher_id and change.teacher_id != entry.teacher_id:
                    fields["substitute_id"] = change.teacher_id
            elif change is not None and change.kind == "move":
                if change.new_date and calendar.timetable_weekday(change.new_date) is None:
                    continue  # moved onto a day that is no longer a study day: like a cancellation
                fields["date"] = change.new_date or day
                fields["number"] = change.new_number or entry.number
            wanted[(entry.id, day)] = (entry, change, fields)

    new_rows = []
    for key, (entry, change, fields) in wanted.items():
        found = existing.get(key)
        if found is None:
            lesson = Lesson(org_id=year.org_id, topic="", **fields)
            new_rows.append((key, lesson, change, entry))
            continue
        _link, lesson = found
        if lesson.id in protected:
            continue  # a lesson with data is left as it is
        diff = {k: v for k, v in fields.items() if getattr(lesson, k) != v}
        if diff:
            for k, v in diff.items():
                setattr(lesson, k, v)
            result.updated += 1
        _log_substitution(session, lesson, entry, change, created_by)
    session.add_all([lesson for _k, lesson, _c, _e in new_rows])
    session.flush()
    for (entry_id, day), lesson, change, entry in new_rows:
        session.add(TimetableLesson(org_id=year.org_id, entry_id=entry_id, lesson_id=lesson.id,
                                    group_id=lesson.group_id, date=day))
        _log_substitution(session, lesson, entry, change, created_by)
    result.created = len(new_rows)

    for key, (link, lesson) in existing.items():
        if key in wanted:
            continue
        if lesson.id in protected:
            result.kept.append(lesson.id)
            continue
        session.delete(link)
        session.flush()
        session.delete(lesson)
        result.removed += 1
    session.flush()
    return result


def _log_substitution(session, lesson: Lesson, entry: TimetableEntry, change, created_by) -> None:
    """R15: a replacement by another teacher is written to the journal of substitutions once."""
    if change is None or change.kind != "replace" or not lesson.substitute_id:
        return
    if lesson.id is not None and session.scalar(select(Substitution.id).where(
            Substitution.lesson_id == lesson.id, Substitution.substitute_id == lesson.substitute_id)) is not None:
        return
    session.add(Substitution(org_id=lesson.org_id, lesson=lesson, absent_teacher_id=entry.teacher_id,
                             substitute_id=lesson.substitute_id, reason=change.reason or str(_l("Замена по расписанию")),
                             created_by=created_by))


def generated_span(session, year: AcademicYear) -> tuple[dt.date, dt.date] | None:
    """The dates lessons have been generated for in ``year``, if any."""
    low, high = session.execute(
        select(func.min(TimetableLesson.date), func.max(TimetableLesson.date))
        .join(TimetableEntry, TimetableEntry.id == TimetableLesson.entry_id)
        .where(TimetableEntry.year_id == year.id)).one()
    return (low, high) if low is not None else None


def reflow(session, host, year: AcademicYear) -> Generation:
    """After a change of the calendar: the generated lessons follow the new study days."""
    span = generated_span(session, year)
    if span is None:
        return Generation()
    return generate_lessons(session, host, year, span[0], span[1])


def lessons_off_days(session, host, year: AcademicYear, limit: int = 500) -> list[Lesson]:
    """«Уроки вне учебных дней»: lessons of the year's classes on a day without lessons
    (a holiday, a day off by a transfer, a weekend of the week's length)."""
    calendar = load_calendar(session, host, year)
    groups = select(LearnerGroup.id).where(LearnerGroup.year_id == year.id,
                                        LearnerGroup.kind.in_(taught_kinds(host)))
    dates = session.scalars(select(Lesson.date).where(Lesson.group_id.in_(groups), Lesson.date >= year.start,
                                                      Lesson.date <= year.end).distinct()).all()
    bad = sorted(d for d in dates if calendar.timetable_weekday(d) is None)
    if not bad:
        return []
    return session.scalars(
        select(Lesson).options(joinedload(Lesson.group), joinedload(Lesson.subject), joinedload(Lesson.teacher))
        .where(Lesson.group_id.in_(groups), Lesson.date.in_(bad[:400]))
        .order_by(Lesson.date, Lesson.group_id, Lesson.number).limit(limit)).unique().all()


# --- one-off changes -----------------------------------------------------------------

def save_change(session, host, year: AcademicYear, entry: TimetableEntry, form: dict,
                created_by: int | None = None) -> TimetableChange:
    """Record a one-off change of ``entry`` on one date and apply it to the lesson."""
    kind = form.get("kind")
    if kind not in CHANGE_KINDS:
        raise RuleError(RULE, _l("Выберите вид изменения: замена, отмена или перенос."))
    day = _date(form.get("lesson_date"), _l("дату урока"))
    calendar = load_calendar(session, host, year)
    if calendar.timetable_weekday(day) != entry.weekday or not entry.valid_from <= day <= entry.valid_to:
        raise RuleError(RULE, _l("%(date)s этого урока нет в расписании.", date=day.strftime("%d.%m.%Y")))
    reason = (form.get("reason") or "").strip()
    if not reason:
        raise RuleError(RULE, _l("Укажите причину изменения."))
    change = session.scalar(select(TimetableChange).where(TimetableChange.entry_id == entry.id,
                                                          TimetableChange.date == day))
    if change is None:
        change = TimetableChange(org_id=entry.org_id, entry_id=entry.id, group_id=entry.group_id, date=day)
        session.add(change)
    change.kind, change.reason, change.created_by = kind, reason, created_by
    change.teacher_id = change.subject_id = change.room_id = change.new_date = change.new_number = None
    if kind == "replace":
        teacher_id, subject_id = _opt_int(form.get("teacher_id")), _opt_int(form.get("subject_id"))
        if teacher_id is not None and session.get(Staff, teacher_id) is None:
            raise RuleError(RULE, _l("Выберите %(teacher)s из списка.", teacher=_word(entry.group, "teacher_of")))
        if subject_id is not None and session.get(Subject, subject_id) is None:
            raise RuleError(RULE, _l("Выберите предмет из списка."))
        if not teacher_id and not subject_id:
            raise RuleError(RULE, _l("Для замены укажите другого учителя или другой предмет."))
        if teacher_id and teacher_id != entry.teacher_id:
            _check_busy(session, calendar, year, entry, day, entry.number, teacher_id)
        change.teacher_id, change.subject_id = teacher_id, subject_id
    elif kind == "move":
        new_date = _date(form.get("new_date"), _l("новую дату"))
        lesson_of = _word(entry.group, "lesson_of")
        new_number = _int(form.get("new_number") or entry.number, _l("новый номер %(lesson)s", lesson=lesson_of))
        if not 1 <= new_number <= MAX_NUMBER:
            raise RuleError(RULE, _l("Номер %(lesson)s — от 1 до %(n)s.", lesson=lesson_of, n=MAX_NUMBER))
        if calendar.timetable_weekday(new_date) is None:
            raise RuleError(RULE, _l("%(date)s — не учебный день.", date=new_date.strftime("%d.%m.%Y")))
        _check_busy(session, calendar, year, entry, new_date, new_number, entry.teacher_id)
        change.new_date, change.new_number = new_date, new_number
    session.flush()
    _apply_to_lesson(session, host, year, entry, day, kind, created_by)
    return change


def _check_busy(session, calendar, year, entry, day: dt.date, number: int, teacher_id: int) -> None:
    """A replacement teacher or a moved lesson must not meet another lesson of the teacher or the class."""
    weekday = calendar.timetable_weekday(day)
    busy = session.scalars(
        select(TimetableEntry).options(joinedload(TimetableEntry.group), joinedload(TimetableEntry.teacher))
        .where(TimetableEntry.year_id == year.id, TimetableEntry.weekday == weekday,
               TimetableEntry.number == number, TimetableEntry.valid_from <= day, TimetableEntry.valid_to >= day,
               TimetableEntry.id != entry.id,
               or_(TimetableEntry.teacher_id == teacher_id, TimetableEntry.group_id == entry.group_id))
        .order_by(TimetableEntry.id)).unique().all()
    cancelled = set(session.scalars(select(TimetableChange.entry_id).where(
        TimetableChange.date == day, TimetableChange.kind.in_(("cancel", "move")),
        TimetableChange.entry_id.in_([b.id for b in busy]))))
    for other in busy:
        if other.id in cancelled:
            continue
        slot = slot_text(other.weekday, number, other.group)
        if other.teacher_id == teacher_id:
            raise RuleError(RULE, _l("%(who)s %(teacher)s уже ведёт %(lesson)s в %(group)s %(slot)s.",
                                     who=_word(other.group, "teacher"), teacher=initials(other.teacher),
                                     lesson=_word(other.group, "lesson_acc"), group=other.group.name, slot=slot))
        raise RuleError(RULE, _l("У %(group)s уже есть %(lesson)s %(slot)s.", group=other.group.name,
                                 lesson=_word(other.group, "lesson").lower(), slot=slot))


def _apply_to_lesson(session, host, year, entry, day, kind, created_by) -> None:
    """Bring the lesson of this date in line at once; a cancelled lesson that already
    holds data is refused: the teacher keeps it or the Завуч moves it instead."""
    link = session.scalar(select(TimetableLesson).where(TimetableLesson.entry_id == entry.id,
                                                        TimetableLesson.date == day))
    if kind == "cancel" and link is not None and lessons_with_data(session, [link.lesson_id]):
        raise RuleError(RULE, _l("У этого урока уже есть отметки, посещаемость, тема или домашнее задание: "
                                 "отменить его нельзя."))
    if link is not None:
        generate_lessons(session, host, year, day, day, group_ids=[entry.group_id], created_by=created_by)


# --- class events --------------------------------------------------------------------

def save_event(session, year: AcademicYear, group: LearnerGroup, form: dict, *, person_id: int | None,
               leader_only: bool, created_by: int | None = None) -> ClassEvent:
    """An event of a class on a range of days. A class teacher puts events on his own class only."""
    if leader_only and (person_id is None or group.leader_id != person_id):
        raise RuleError(RULE, _l("Мероприятия класса %(group)s назначает его классный руководитель.",
                                 group=group.name))
    kind = form.get("kind")
    if kind not in EVENT_KINDS:
        raise RuleError(RULE, _l("Выберите вид мероприятия из списка."))
    title = (form.get("title") or "").strip() or EVENT_KINDS[kind]
    start = _date(form.get("start"), _l("первый день"))
    end = _date(form.get("end") or start, _l("последний день"))
    if start > end:
        raise RuleError(RULE, _l("Первый день мероприятия позже последнего."))
    if (end - start).days + 1 > MAX_EVENT_DAYS:
        raise RuleError(RULE, _l("Мероприятие назначается не больше чем на месяц."))
    if start < year.start or end > year.end:
        raise RuleError(RULE, _l("Даты мероприятия выходят за учебный год %(year)s.", year=year.name))
    event = ClassEvent(org_id=group.org_id, group_id=group.id, kind=kind, title=title[:200], start=start, end=end,
                       note=(form.get("note") or "").strip(), created_by=created_by)
    session.add(event)
    session.flush()
    return event


def events_between(session, group_ids, start: dt.date, end: dt.date) -> list[ClassEvent]:
    return session.scalars(select(ClassEvent).where(ClassEvent.group_id.in_(list(group_ids)),
                                                    ClassEvent.start <= end, ClassEvent.end >= start)
                           .order_by(ClassEvent.start, ClassEvent.id)).all()


def diary_extras(session, learner, start: dt.date, end: dt.date) -> list[dict]:
    """Events of the learner's class by day, for the diary week."""
    if learner.group_id is None:
        return []
    out = []
    for event in events_between(session, [learner.group_id], start, end):
        day = max(event.start, start)
        while day <= min(event.end, end):
            out.append({"date": day.isoformat(), "kind": EVENT_KINDS.get(event.kind, event.kind),
                        "title": event.title, "note": event.note or ""})
            day += dt.timedelta(days=1)
    return out


def current_year(session, on: dt.date | None = None) -> AcademicYear | None:
    """The academic year holding ``on`` (today), else the latest one."""
    on = on or clock.today()
    years = reachable_years(session)
    return next((y for y in years if y.start <= on <= y.end), years[0] if years else None)


def reachable_years(session) -> list[AcademicYear]:
    """The academic years the user reaches, newest first: those of his one organisation
    from its reference data (app/reference.py), else (an authority's) read."""
    from ..scoping import current_scope

    scope = current_scope()
    if scope is not None and not scope.is_system and len(scope.org_ids) == 1:
        return sorted(reference.rows(session, AcademicYear, scope.org_ids[0]), key=lambda y: y.start, reverse=True)
    return list(session.scalars(select(AcademicYear).order_by(AcademicYear.start.desc())))


def period_range(session, period_id: int, year: AcademicYear) -> tuple[dt.date, dt.date]:
    period = session.get(Period, period_id)
    if period is None or period.year_id != year.id:
        raise RuleError(RULE, _l("Выберите учебный период этого года."))
    return period.start, period.end


def bell_end_times(session, org_id: int, on: dt.date) -> dict[int, dt.time] | None:
    """The first shift's lesson ends in the year holding ``on`` (R7's «last lesson»)."""
    from app.models import AcademicYear
    from app.models.timetable import Bell

    rows = session.execute(
        select(Bell.number, Bell.end).join(AcademicYear, AcademicYear.id == Bell.year_id)
        .where(Bell.org_id == org_id, Bell.shift == 1, AcademicYear.start <= on, AcademicYear.end >= on)).all()
    if not rows:
        return None
    return {number: dt.time.fromisoformat(end) for number, end in rows}
