"""The school year's calendar and its timetable."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Model, OrgScoped
from app.models.base import Timestamped

WEEKDAYS = ["Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье"]
# «во вторник», «в среду»: the form a refusal message needs.
WEEKDAYS_ON = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"]

# Kinds of class events (seed 002, «Классный руководитель», п. 15).
EVENT_KINDS = {
    "subbotnik": "Субботник",
    "meeting": "Собрание",
    "excursion": "Выезд / экскурсия",
    "extracurricular": "Внеклассное мероприятие",
    "contest": "Конкурс",
    "documents": "Сдача документации",
    "notice": "Рассылка уведомлений родителям",
}

CHANGE_KINDS = {"replace": "Замена", "cancel": "Отмена урока", "move": "Перенос урока"}


class SchoolYearMode(OrgScoped, Model):
    """Режим учебного года: length of the week and which grades study by which periods.

    Grades not named in ``half_levels`` or ``trimester_levels`` study by quarters.
    Without a row the organisation's rule setting ``week_days`` applies and every
    grade studies by quarters.
    """

    __tablename__ = "school_year_mode"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("year_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), nullable=False)
    week_days: Mapped[int] = mapped_column(Integer, nullable=False, default=5)  # 5 or 6
    # Grades as typed by the Завуч: «10, 11».
    half_levels: Mapped[str | None] = mapped_column(String(60), default="")
    trimester_levels: Mapped[str | None] = mapped_column(String(60), default="")
    second_shift_levels: Mapped[str | None] = mapped_column(String(60), default="")

    year = relationship("AcademicYear")

    @staticmethod
    def parse_levels(text) -> list[int]:
        parts = str(text or "").replace(";", ",").split(",")
        return sorted({int(p) for p in (x.strip() for x in parts) if p.isdigit()})

    def levels(self, which: str) -> list[int]:
        return self.parse_levels(getattr(self, f"{which}_levels"))

    def __str__(self):
        return str(self.year) if self.year else ""


class Holiday(OrgScoped, Model):
    """Каникулы или праздничные дни: a named range of days without lessons."""

    __tablename__ = "school_holiday"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (Index("ix_school_holiday_year_start", "year_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(String(120), nullable=False)  # «Осенние каникулы»
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    # A public non-working day (нерабочий праздничный день): every group of the
    # organisation is closed, a kindergarten's too. False: каникулы, days without
    # lessons on which a preschool group still works.
    public: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=sa_false())

    year = relationship("AcademicYear")

    def __str__(self):
        return self.name


class TransferredDay(OrgScoped, Model):
    """Перенос учебного дня: ``work_date`` (e.g. a Saturday) is worked by the
    timetable of ``off_date`` (e.g. a Monday), which becomes a day off."""

    __tablename__ = "school_transferred_day"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    work_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    off_date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    reason: Mapped[str | None] = mapped_column(String(200), default="")

    year = relationship("AcademicYear")

    def __str__(self):
        return f"{self.off_date:%d.%m.%Y} → {self.work_date:%d.%m.%Y}"


class Bell(OrgScoped, Model):
    """Расписание звонков: lesson number → start and end, per year and shift."""

    __tablename__ = "school_bell"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("year_id", "shift", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), nullable=False)
    shift: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    start: Mapped[str] = mapped_column(String(5), nullable=False)  # «08:30»
    end: Mapped[str] = mapped_column(String(5), nullable=False)

    year = relationship("AcademicYear")

    def __str__(self):
        return f"{self.number}: {self.start}–{self.end}"


class Room(OrgScoped, Model):
    """Кабинет."""

    __tablename__ = "school_room"
    __reference__ = True  # kept in memory between requests (app/reference.py)
    __scope__ = "organisation"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60), nullable=False)  # «Кабинет 12», «Спортзал»
    capacity: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(String(200), default="")

    def __str__(self):
        return self.name


class TimetableEntry(OrgScoped, Model):
    """A line of the timetable: a group (or subgroup) has a subject with a teacher
    in a room on a weekday at a lesson number, from ``valid_from`` to ``valid_to``."""

    __tablename__ = "school_timetable_entry"
    __scope__ = "group"
    __table_args__ = (Index("ix_school_timetable_slot", "year_id", "weekday", "number"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    year_id: Mapped[int] = mapped_column(ForeignKey("academic_year.id"), index=True, nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    subgroup_id: Mapped[int | None] = mapped_column(ForeignKey("subgroup.id"), index=True)
    weekday: Mapped[int] = mapped_column(Integer, nullable=False)  # 0 = понедельник
    number: Mapped[int] = mapped_column(Integer, nullable=False)
    subject_id: Mapped[int] = mapped_column(ForeignKey("subject.id"), index=True, nullable=False)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True, nullable=False)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("school_room.id"), index=True)
    valid_from: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[dt.date] = mapped_column(Date, nullable=False)

    group = relationship("LearnerGroup")
    subgroup = relationship("Subgroup")
    subject = relationship("Subject")
    teacher = relationship("Staff")
    room = relationship(Room)


class TimetableChange(OrgScoped, Timestamped, Model):
    """A one-off change of one lesson of the timetable on one date: a replacement
    (another teacher and/or subject), a cancellation or a move to another date/number."""

    __tablename__ = "school_timetable_change"
    __scope__ = "group"
    __table_args__ = (UniqueConstraint("entry_id", "date"),)
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("school_timetable_entry.id"), nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)  # the date by the timetable
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # replace, cancel, move
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("subject.id"), index=True)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("school_room.id"), index=True)
    new_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    new_number: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)

    entry = relationship(TimetableEntry)
    group = relationship("LearnerGroup")
    teacher = relationship("Staff")
    subject = relationship("Subject")
    room = relationship(Room)


class TimetableLesson(OrgScoped, Model):
    """Which lesson was generated from which timetable line for which date: what
    makes generation idempotent and lets a calendar change re-flow the lessons."""

    __tablename__ = "school_timetable_lesson"
    __scope__ = "group"
    __table_args__ = (UniqueConstraint("entry_id", "date"), UniqueConstraint("lesson_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("school_timetable_entry.id"), nullable=False)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), nullable=False)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False, index=True)  # the date by the timetable

    entry = relationship(TimetableEntry)
    lesson = relationship("Lesson")


class ClassEvent(OrgScoped, Timestamped, Model):
    """Мероприятие класса (субботник, собрание, экскурсия …) on a range of days."""

    __tablename__ = "school_class_event"
    __scope__ = "group"
    __table_args__ = (Index("ix_school_class_event_group_start", "group_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    start: Mapped[dt.date] = mapped_column(Date, nullable=False)
    end: Mapped[dt.date] = mapped_column(Date, nullable=False)
    note: Mapped[str | None] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(Integer)

    group = relationship("LearnerGroup")

    def __str__(self):
        return self.title


MODELS = [SchoolYearMode, Holiday, TransferredDay, Bell, Room, TimetableEntry, TimetableChange, TimetableLesson,
          ClassEvent]
