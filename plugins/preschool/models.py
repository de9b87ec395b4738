"""The preschool's day of attendance: the воспитатель took the day of her group.

Absences stay the core's ``Attendance`` rows (learner × date, ``lesson_id`` NULL);
a child is present on a day that is taken and has no absence row."""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Time, UniqueConstraint
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


# Kinds of group by the length of stay: the authority's fee norms are set per kind.
GROUP_TYPES = {
    "full": _l("Группа полного дня (10,5–12 часов)"),
    "nursery": _l("Ясельная группа полного дня (до 3 лет)"),
    "short": _l("Группа кратковременного пребывания (до 5 часов)"),
}


class GroupRegime(OrgScoped, Model):
    """Режим работы группы: the days of the week it works and its hours, and the
    kind of group by length of stay (which fee norm applies). A group without a
    regime works Monday to Friday, a full day."""

    __tablename__ = "preschool_group_regime"
    __scope__ = "group"
    __audited__ = True

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"), unique=True, nullable=False)
    # ISO weekdays the group works, as digits: «12345» is Monday to Friday.
    weekdays: Mapped[str] = mapped_column(String(7), nullable=False, default="12345")
    opens: Mapped[dt.time] = mapped_column(Time, nullable=False, default=dt.time(7, 0))
    closes: Mapped[dt.time] = mapped_column(Time, nullable=False, default=dt.time(19, 0))
    group_type: Mapped[str] = mapped_column(String(20), nullable=False, default="full")
    # Places of the group (by its rooms' area and the sanitary rules); None: not set.
    places: Mapped[int | None] = mapped_column(Integer)

    group = relationship("LearnerGroup")

    def __str__(self):
        return f"{self.group} {self.opens:%H:%M}–{self.closes:%H:%M}"
