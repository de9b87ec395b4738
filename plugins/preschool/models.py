"""The preschool's day of attendance: the воспитатель took the day of her group.

Absences stay the core's ``Attendance`` rows (learner × date, ``lesson_id`` NULL);
a child is present on a day that is taken and has no absence row."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models import Attendance, Model, OrgScoped
from app.models.base import Timestamped, now

# A child has at most one day row (no lesson) per date: two educators saving the
# same day at once cannot both add one. A partial index on the core's table; it is
# the preschool branch's migration that builds it (preschool_0001).
ATTENDANCE_DAY_INDEX = Index(
    "uq_attendance_learner_day", Attendance.learner_id, Attendance.date, unique=True,
    sqlite_where=Attendance.lesson_id.is_(None), postgresql_where=Attendance.lesson_id.is_(None))


class AttendanceDay(OrgScoped, Timestamped, Model):
    """One row per (group, date): the day's attendance was taken, by whom and when.

    ``version`` is the optimistic lock of the whole day: each save of the day sets
    it one higher (``UPDATE … WHERE version = <what the page saw>``), so a save made
    from a page opened before someone else's save fails instead of overwriting it.
    The version is bumped by the service, not by SQLAlchemy, because a save that
    changes only the absences leaves the row's own columns as they were."""

    __tablename__ = "preschool_attendance_day"
    __scope__ = "group"
    __audited__ = True
    __table_args__ = (UniqueConstraint("group_id", "date", name="uq_preschool_attendance_day_group_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), index=True, nullable=False)
    date: Mapped[dt.date] = mapped_column(Date, nullable=False)
    taken_by: Mapped[int | None] = mapped_column(ForeignKey("ab_user.id"), index=True)
    taken_at: Mapped[dt.datetime] = mapped_column(DateTime, nullable=False, default=now)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    group = relationship("LearnerGroup")

    def __str__(self):
        return f"{self.date:%d.%m.%Y}"
