"""The session timetable (расписание сессии): the exams of a group's sheets with their
hours and rooms, and the consultations before them, in date order.

Every write goes through here and is refused with a Russian ``RuleError``; the pages
commit or roll back. As the core's timetable refuses a teacher, a room or a class in
two places at once (``app.services.timetable.conflicts``), so does the session: against
its own exams and consultations and against the core's lessons of that day, whose
hours come from the bells of the group's year.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import false, or_, select

from app.exceptions import RuleError
from app.models import LearnerGroup, Lesson, Period, Staff, Subject
from app.models.timetable import Bell, Room, TimetableChange, TimetableEntry, TimetableLesson

from .consultation_models import Consultation, ExamTime
from .exam_models import KINDS, ExamSheet
from .exams import Access

RULE = "Расписание"
EXAM, CONSULTATION = "exam", "consultation"
_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass
class Event:
    """One line of the session timetable."""

    kind: str  # EXAM or CONSULTATION
    id: int  # the consultation's id, or the sheet's for an exam
    sheet_id: int
    group_id: int
    group: str
    date: dt.date
    starts: str  # empty: the exam's hours are not set yet
    ends: str
    subject: str
    what: str  # «Консультация», «Экзамен», «Дифференцированный зачёт» …
    room_id: int | None
    room: str
    teacher_id: int
    teacher: str  # «Иванова А. П.»

    @property
    def hours(self) -> str:
        return f"{self.starts}–{self.ends}" if self.starts else ""

    def described(self) -> str:
        """«консультация «Математика» группы 5А 15.01.2027, 10:00–11:30» for a refusal."""
        text = str(_l("%(what)s «%(subject)s» группы %(group)s %(date)s", what=self.what.lower(),
                      subject=self.subject, group=self.group, date=f"{self.date:%d.%m.%Y}"))
        return f"{text}, {self.hours}" if self.hours else text


# --- input -------------------------------------------------------------------------------

def _id(value, message) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise RuleError(RULE, message) from None


def _opt_id(value) -> int | None:
    if value in (None, "", "0"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _time(value, label) -> str:
    match = _TIME.match((value or "").strip())
    if match is None:
        raise RuleError(RULE, _l("«%(label)s»: укажите время в виде ЧЧ:ММ, например 10:00.", label=label))
    return f"{int(match.group(1)):02d}:{match.group(2)}"


def _hours(starts, ends) -> tuple[str, str]:
    starts, ends = _time(starts, _l("Начало")), _time(ends, _l("Окончание"))
    if ends <= starts:
        raise RuleError(RULE, _l("Окончание (%(ends)s) должно быть позже начала (%(starts)s).", starts=starts,
                                 ends=ends))
    return starts, ends


def _date(value) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat((value or "").strip())
    except (TypeError, ValueError):
        raise RuleError(RULE, _l("Укажите дату консультации.")) from None


def _sheet(session, sheet_id) -> ExamSheet:
    sheet = session.get(ExamSheet, _id(sheet_id, _l("Выберите экзамен.")))
    if sheet is None:
        raise RuleError("R10", _l("Ведомость не найдена или вам недоступна."))
    return sheet


def _room(session, org_id: int, room_id) -> Room | None:
    room_id = _opt_id(room_id)
    if room_id is None:
        return None
    room = session.get(Room, room_id)
    if room is None or room.org_id != org_id:
        raise RuleError(RULE, _l("Выберите аудиторию из списка."))
    return room


def _teacher(session, org_id: int, staff_id) -> Staff:
    staff = session.get(Staff, _id(staff_id, _l("Выберите преподавателя.")))
    if staff is None or staff.org_id != org_id:
        raise RuleError(RULE, _l("Преподаватель не найден среди сотрудников организации."))
    return staff


def _require_manager(access: Access) -> None:
    if not access.manager:
        raise RuleError("R10", _l("Расписание сессии составляет учебная часть."))


# --- reading -----------------------------------------------------------------------------

def _events(session, *, day: dt.date | None = None, group_id: int | None = None,
            session_id: int | None = None) -> list[Event]:
    """Exams (every sheet, with its hours when set) and consultations, of one day or of
    one group's session, in date and time order. Two queries."""
    exams = (select(ExamSheet, ExamTime, Subject.name, LearnerGroup.name, Staff, Room)
             .join(Subject, Subject.id == ExamSheet.subject_id)
             .join(LearnerGroup, LearnerGroup.id == ExamSheet.group_id)
             .join(Staff, Staff.id == ExamSheet.examiner_id)
             .outerjoin(ExamTime, ExamTime.sheet_id == ExamSheet.id)
             .outerjoin(Room, Room.id == ExamTime.room_id))
    talks = (select(Consultation, ExamSheet, Subject.name, LearnerGroup.name, Staff, Room)
             .join(ExamSheet, ExamSheet.id == Consultation.sheet_id)
             .join(Subject, Subject.id == ExamSheet.subject_id)
             .join(LearnerGroup, LearnerGroup.id == Consultation.group_id)
             .join(Staff, Staff.id == Consultation.teacher_id)
             .outerjoin(Room, Room.id == Consultation.room_id))
    if day is not None:
        exams, talks = exams.where(ExamSheet.date == day), talks.where(Consultation.date == day)
    if group_id is not None:
        exams, talks = exams.where(ExamSheet.group_id == group_id), talks.where(Consultation.group_id == group_id)
    if session_id is not None:
        exams = exams.where(ExamSheet.session_id == session_id)
        talks = talks.where(ExamSheet.session_id == session_id)
    out = []
    for sheet, time, subject, group, examiner, room in session.execute(exams):
        out.append(Event(EXAM, sheet.id, sheet.id, sheet.group_id, group, sheet.date,
                         time.starts if time else "", time.ends if time else "", subject,
                         str(KINDS.get(sheet.kind, sheet.kind)), time.room_id if time else None,
                         room.name if room else "", sheet.examiner_id, examiner.short_name))
    for talk, sheet, subject, group, teacher, room in session.execute(talks):
        out.append(Event(CONSULTATION, talk.id, sheet.id, talk.group_id, group, talk.date, talk.starts, talk.ends,
                         subject, str(_l("Консультация")), talk.room_id, room.name if room else "",
                         talk.teacher_id, teacher.short_name))
    # On one day a consultation comes before the exam it prepares; an exam without hours, last.
    out.sort(key=lambda e: (e.date, e.starts or "99:99", e.kind != CONSULTATION, e.subject, e.id))
    return out


def timetable(session, group_id: int, session_id: int) -> list[Event]:
    """The session timetable of a group: its exams and consultations in date order."""
    return _events(session, group_id=group_id, session_id=session_id)


# --- conflicts ---------------------------------------------------------------------------

def _lesson_hours(session, lessons) -> dict[int, tuple[str, str]]:
    """lesson id → (start, end) by the bells of its group's year (the first shift, else any)."""
    if not lessons:
        return {}
    years = {lesson.id: year for lesson, year, *_ in lessons}
    bells: dict[tuple[int, int], tuple[int, str, str]] = {}
    for bell in session.scalars(select(Bell).where(Bell.year_id.in_(set(years.values())))):
        key = (bell.year_id, bell.number)
        if key not in bells or bell.shift < bells[key][0]:
            bells[key] = (bell.shift, bell.start, bell.end)
    out = {}
    for lesson, year, *_ in lessons:
        found = bells.get((year, lesson.number))
        if found is not None:
            out[lesson.id] = found[1:]
    return out


def conflicts(session, day: dt.date, starts: str, ends: str, teacher_id: int, room_id: int | None,
              group_id: int, exclude: tuple[str, int] | None = None) -> list[str]:
    """Russian messages for every exam, consultation and lesson of ``day`` that the new
    event overlaps in time and shares a teacher, a room or the group with."""
    out = []
    for other in _events(session, day=day):
        if exclude is not None and (other.kind, other.id) == exclude:
            continue
        if not other.starts or not (other.starts < ends and starts < other.ends):
            continue  # an exam without hours collides with nothing known
        if other.teacher_id == teacher_id:
            out.append(str(_l("Преподаватель %(teacher)s в это время занят: %(event)s.", teacher=other.teacher,
                              event=other.described())))
        elif room_id is not None and other.room_id == room_id:
            out.append(str(_l("Аудитория «%(room)s» в это время занята: %(event)s.", room=other.room,
                              event=other.described())))
        elif other.group_id == group_id:
            out.append(str(_l("У группы %(group)s в это время уже есть %(event)s.", group=other.group,
                              event=other.described())))
    # The core's lessons of the day: the teacher's own or substituted, the room's by the
    # timetable (a one-off change may move it to another room), the group's.
    lessons = session.execute(
        select(Lesson, LearnerGroup.year_id, LearnerGroup.name, Subject.name, TimetableEntry.room_id,
               TimetableChange.room_id)
        .join(LearnerGroup, LearnerGroup.id == Lesson.group_id)
        .join(Subject, Subject.id == Lesson.subject_id)
        .outerjoin(TimetableLesson, TimetableLesson.lesson_id == Lesson.id)
        .outerjoin(TimetableEntry, TimetableEntry.id == TimetableLesson.entry_id)
        .outerjoin(TimetableChange, (TimetableChange.entry_id == TimetableLesson.entry_id)
                   & (TimetableChange.date == TimetableLesson.date))
        .where(Lesson.date == day)
        .where(or_(Lesson.teacher_id == teacher_id, Lesson.substitute_id == teacher_id, Lesson.group_id == group_id,
                   TimetableEntry.room_id == room_id if room_id is not None else false(),
                   TimetableChange.room_id == room_id if room_id is not None else false()))
        .order_by(Lesson.number, Lesson.id)).all()
    hours = _lesson_hours(session, lessons)
    rooms = {}
    for lesson, _year, group, subject, entry_room, changed_room in lessons:
        if lesson.id not in hours:
            continue  # no bells: the lesson's hours are unknown
        start, end = hours[lesson.id]
        if not (start < ends and starts < end):
            continue
        room = changed_room or entry_room
        what = str(_l("пара «%(subject)s» группы %(group)s (%(number)s-я, %(start)s–%(end)s)", subject=subject,
                      group=group, number=lesson.number, start=start, end=end))
        if teacher_id in (lesson.teacher_id, lesson.substitute_id):
            name = session.get(Staff, teacher_id)
            out.append(str(_l("Преподаватель %(teacher)s в это время занят: %(event)s.",
                              teacher=name.short_name if name else "", event=what)))
        elif room_id is not None and room == room_id:
            if room_id not in rooms:
                rooms[room_id] = session.get(Room, room_id)
            out.append(str(_l("Аудитория «%(room)s» в это время занята: %(event)s.",
                              room=rooms[room_id].name if rooms[room_id] else "", event=what)))
        elif lesson.group_id == group_id:
            out.append(str(_l("У группы %(group)s в это время уже есть %(event)s.", group=group, event=what)))
    return out


def _refuse_conflicts(found: list[str]) -> None:
    if found:
        raise RuleError(RULE, found[0])


# --- writing -----------------------------------------------------------------------------

def set_exam_time(session, access: Access, *, sheet_id, starts, ends, room_id=None) -> ExamTime:
    """The hours and room of a sheet's exam (its day and examiner are the sheet's)."""
    _require_manager(access)
    sheet = _sheet(session, sheet_id)
    starts, ends = _hours(starts, ends)
    room = _room(session, sheet.org_id, room_id)
    _refuse_conflicts(conflicts(session, sheet.date, starts, ends, sheet.examiner_id, room.id if room else None,
                                sheet.group_id, exclude=(EXAM, sheet.id)))
    row = session.scalar(select(ExamTime).where(ExamTime.sheet_id == sheet.id))
    if row is None:
        row = ExamTime(org_id=sheet.org_id, sheet_id=sheet.id, group_id=sheet.group_id, starts=starts, ends=ends)
        session.add(row)
    row.starts, row.ends, row.room_id = starts, ends, room.id if room else None
    session.flush()
    return row


def save_consultation(session, access: Access, *, sheet_id, date, starts, ends, room_id=None, teacher_id=None,
                      consultation_id=None) -> Consultation:
    """Add (or change) a consultation before the exam of ``sheet_id``; the teacher is the
    examiner unless another is named."""
    _require_manager(access)
    sheet = _sheet(session, sheet_id)
    day = _date(date)
    starts, ends = _hours(starts, ends)
    if day > sheet.date:
        raise RuleError(RULE, _l("Консультация — до экзамена (%(date)s), а не после него.",
                                 date=f"{sheet.date:%d.%m.%Y}"))
    if day == sheet.date:
        exam = session.scalar(select(ExamTime).where(ExamTime.sheet_id == sheet.id))
        if exam is not None and ends > exam.starts:
            raise RuleError(RULE, _l("Консультация в день экзамена заканчивается до его начала (%(starts)s).",
                                     starts=exam.starts))
    period = session.get(Period, sheet.session_id)
    if period is not None and day < period.start - dt.timedelta(days=31):
        raise RuleError(RULE, _l("Консультация — не раньше чем за месяц до сессии (%(date)s).",
                                 date=f"{period.start:%d.%m.%Y}"))
    teacher = _teacher(session, sheet.org_id, teacher_id or sheet.examiner_id)
    room = _room(session, sheet.org_id, room_id)
    row = None
    if consultation_id not in (None, ""):
        row = session.get(Consultation, _id(consultation_id, _l("Консультация не найдена.")))
        if row is None:
            raise RuleError("R10", _l("Консультация не найдена или вам недоступна."))
    _refuse_conflicts(conflicts(session, day, starts, ends, teacher.id, room.id if room else None, sheet.group_id,
                                exclude=(CONSULTATION, row.id) if row is not None else None))
    if row is None:
        row = Consultation(org_id=sheet.org_id)
        session.add(row)
    row.sheet_id, row.group_id, row.date, row.starts, row.ends = sheet.id, sheet.group_id, day, starts, ends
    row.room_id, row.teacher_id = room.id if room else None, teacher.id
    session.flush()
    return row


def delete_consultation(session, access: Access, consultation_id) -> None:
    """A cancelled consultation leaves the timetable; the audit log keeps what it was."""
    _require_manager(access)
    row = session.get(Consultation, _id(consultation_id, _l("Консультация не найдена.")))
    if row is None:
        raise RuleError("R10", _l("Консультация не найдена или вам недоступна."))
    session.delete(row)
    session.flush()
