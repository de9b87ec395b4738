"""The demo school has a full timetable: every class, bells, rooms, the year's
holidays, the current period's lessons generated from it, changes and events."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AcademicYear, LearnerGroup, Lesson, Organisation
from app.models.timetable import Bell, ClassEvent, Holiday, Room, TimetableChange, TimetableEntry, TimetableLesson
from app.services.calendar import load_calendar
from tests.world import TODAY

pytestmark = pytest.mark.dates  # the demo is built on the world's day


def test_every_class_of_the_demo_school_has_its_timetable(demo_app):
    with demo_app.app_context():
        s = db.session
        school = next(o for o in s.scalars(select(Organisation).order_by(Organisation.id)) if "school" in o.plugins)
        # This year's classes (last year's, closed, come from the movement book's demo).
        classes = s.scalars(select(LearnerGroup.id).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
                            .where(LearnerGroup.org_id == school.id, LearnerGroup.kind == "class",
                                   AcademicYear.closed.is_(False))).all()
        with_lines = set(s.scalars(select(TimetableEntry.group_id).where(TimetableEntry.org_id == school.id)))
        assert set(classes) == with_lines
        assert s.scalar(select(func.count(Bell.id)).where(Bell.org_id == school.id)) >= 6
        assert s.scalar(select(func.count(Room.id)).where(Room.org_id == school.id)) > 10
        names = set(s.scalars(select(Holiday.name).where(Holiday.org_id == school.id)))
        assert {"Осенние каникулы", "Зимние каникулы", "Весенние каникулы"} <= names
        # Every lesson of the classes comes from the timetable, and none falls on a holiday.
        lessons = s.scalar(select(func.count(Lesson.id)).where(Lesson.group_id.in_(classes)))
        linked = s.scalar(select(func.count(TimetableLesson.id)).where(TimetableLesson.org_id == school.id))
        assert lessons == linked > 0
        for start, end in s.execute(select(Holiday.start, Holiday.end).where(Holiday.org_id == school.id)):
            assert s.scalar(select(func.count(Lesson.id)).where(Lesson.group_id.in_(classes), Lesson.date >= start,
                                                                Lesson.date <= end)) == 0
        # One-off changes of 5А's lessons in the coming three weeks: a replacement, a cancellation and a
        # move; on the year's last study day none is coming, and the past lessons are not changed.
        five_a = s.scalar(select(LearnerGroup).where(LearnerGroup.org_id == school.id, LearnerGroup.name == "5А",
                                                     LearnerGroup.id.in_(classes)))
        calendar = load_calendar(s, demo_app.extensions["ejournal"], s.get(AcademicYear, five_a.year_id))
        lines = s.scalars(select(TimetableEntry).where(TimetableEntry.group_id == five_a.id)).all()
        coming = [day for day in (TODAY + dt.timedelta(days=i) for i in range(1, 22))
                  if any(e.weekday == calendar.timetable_weekday(day) and e.valid_from <= day <= e.valid_to
                         for e in lines)]
        assert {c.kind for c in s.scalars(select(TimetableChange).where(TimetableChange.org_id == school.id))} \
            == ({"replace", "cancel", "move"} if coming else set())
        assert all(c.date > TODAY for c in s.scalars(select(TimetableChange).where(TimetableChange.org_id == school.id)))
        assert s.scalar(select(func.count(ClassEvent.id)).where(ClassEvent.org_id == school.id)) >= 3
        # The timetable refuses a teacher in two places at once: the demo holds (almost) none.
        doubled = s.execute(select(TimetableEntry.teacher_id, TimetableEntry.weekday, TimetableEntry.number)
                            .where(TimetableEntry.org_id == school.id)
                            .group_by(TimetableEntry.teacher_id, TimetableEntry.weekday, TimetableEntry.number)
                            .having(func.count(TimetableEntry.id) > 1)).all()
        assert len(doubled) <= 1
