"""The week grid of the timetable (days × lesson numbers) for a class, a teacher
or a room, with bells, holidays, one-off changes and class events. A fixed number
of queries whatever the size of the school."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from flask_babel import gettext as _
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from app import reference
from app.models import AcademicYear, LearnerGroup
from app.models.timetable import EVENT_KINDS, WEEKDAYS, Bell, TimetableChange, TimetableEntry
from app.services.calendar import load_calendar, year_mode
from app.services.timetable import events_between, initials

DEFAULT_NUMBERS = 6


def _entry_options():
    return (joinedload(TimetableEntry.group), joinedload(TimetableEntry.subgroup), joinedload(TimetableEntry.subject),
            joinedload(TimetableEntry.teacher), joinedload(TimetableEntry.room))


def _item(entry, **extra) -> dict:
    item = {"entry_id": entry.id, "group": entry.group.name if entry.group else "",
            "subgroup": entry.subgroup.name if entry.subgroup else "",
            "subject": entry.subject.name if entry.subject else "",
            "teacher": initials(entry.teacher),
            "room": entry.room.name if entry.room else "", "status": "", "note": ""}
    item.update(extra)
    return item


def week_grid(session, host, year: AcademicYear, monday: dt.date, *, group: LearnerGroup | None = None,
              teacher_id: int | None = None, room_id: int | None = None) -> dict:
    sunday = monday + dt.timedelta(days=6)
    calendar = load_calendar(session, host, year)
    mode = year_mode(session, year.id, year.org_id)
    transfers = {work: off for work, off in calendar.transfers}
    offs = {off: work for work, off in calendar.transfers}
    week_events = events_between(session, [group.id], monday, sunday) if group is not None else []
    days = []
    for i in range(7):
        day = monday + dt.timedelta(days=i)
        weekday = calendar.timetable_weekday(day)
        if i >= calendar.week_days and weekday is None and not any(e.start <= day <= e.end for e in week_events):
            continue
        note = calendar.holiday_of(day) or ""
        if day in transfers and weekday is not None:
            note = _("Учебный день по расписанию: %(weekday)s (%(date)s)", weekday=_(WEEKDAYS[weekday]).lower(), date=transfers[day].strftime("%d.%m"))
        elif day in offs:
            note = _("Выходной: перенесён на %(date)s", date=offs[day].strftime("%d.%m"))
        elif weekday is None and not note:
            note = _("Нет уроков") if year.start <= day <= year.end else _("Вне учебного года")
        days.append({"date": day, "name": _(WEEKDAYS[i]), "weekday": weekday, "note": note})

    q = (select(TimetableEntry).options(*_entry_options())
         .where(TimetableEntry.year_id == year.id, TimetableEntry.valid_from <= sunday,
                TimetableEntry.valid_to >= monday))
    if group is not None:
        q = q.where(TimetableEntry.group_id == group.id)
    if teacher_id is not None:
        q = q.where(TimetableEntry.teacher_id == teacher_id)
    if room_id is not None:
        q = q.where(TimetableEntry.room_id == room_id)
    entries = session.scalars(q.order_by(TimetableEntry.number, TimetableEntry.id)).unique().all()

    in_week = or_(and_(TimetableChange.date >= monday, TimetableChange.date <= sunday),
                  and_(TimetableChange.new_date >= monday, TimetableChange.new_date <= sunday))
    mine = [TimetableChange.entry_id.in_([e.id for e in entries])]
    if teacher_id is not None:
        mine.append(TimetableChange.teacher_id == teacher_id)
    if room_id is not None:
        mine.append(TimetableChange.room_id == room_id)
    changes = session.scalars(
        select(TimetableChange).options(joinedload(TimetableChange.entry).options(*_entry_options()),
                                        joinedload(TimetableChange.teacher), joinedload(TimetableChange.subject))
        .where(in_week, or_(*mine)).order_by(TimetableChange.id)).unique().all()
    by_key = {(c.entry_id, c.date): c for c in changes}

    cells: dict = defaultdict(list)
    for day in days:
        if day["weekday"] is None:
            continue
        d = day["date"]
        for entry in entries:
            if entry.weekday != day["weekday"] or not entry.valid_from <= d <= entry.valid_to:
                continue
            change = by_key.get((entry.id, d))
            item = _item(entry, date=d)
            if change is not None:
                item["change"] = change.kind
                if change.kind == "cancel":
                    item.update(status="cancelled", note=_("Отменён: %(reason)s", reason=change.reason))
                elif change.kind == "move":
                    item.update(status="moved", note=_("Перенесён на %(date)s, %(n)s-й урок", date=change.new_date.strftime("%d.%m"), n=change.new_number))
                elif change.kind == "replace":
                    if change.subject is not None:
                        item["subject"] = change.subject.name
                    if change.teacher is not None and change.teacher_id != entry.teacher_id:
                        item["teacher"] = initials(change.teacher)
                        item["note"] = _("Замена: вместо %(teacher)s", teacher=initials(entry.teacher))
                    else:
                        item["note"] = _("Замена предмета")
                    item["status"] = "replaced"
            cells[(d, entry.number)].append(item)
    week_dates = {day["date"] for day in days}
    for change in changes:
        entry = change.entry
        if change.kind == "move" and change.new_date in week_dates:
            shown = ((group is not None and entry.group_id == group.id) or entry.teacher_id == teacher_id
                     or (room_id is not None and entry.room_id == room_id))
            if shown:
                cells[(change.new_date, change.new_number)].append(_item(
                    entry, date=change.new_date, status="moved-in",
                    note=_("Перенесён с %(date)s, %(n)s-й урок", date=change.date.strftime("%d.%m"), n=entry.number)))
        elif (change.kind == "replace" and teacher_id is not None and change.teacher_id == teacher_id
              and entry.teacher_id != teacher_id and change.date in week_dates):
            item = _item(entry, date=change.date, status="substitute", note=_("Замена за %(teacher)s", teacher=initials(entry.teacher)))
            if change.subject is not None:
                item["subject"] = change.subject.name
            cells[(change.date, entry.number)].append(item)

    shift = 2 if group is not None and mode is not None and group.level in mode.levels("second_shift") else 1
    bells = {b.number: b for b in sorted((b for b in reference.rows(session, Bell, year.org_id)
                                          if b.year_id == year.id and b.shift == shift), key=lambda b: b.number)}
    top = max([DEFAULT_NUMBERS, *bells, *(n for _d, n in cells)])
    events = defaultdict(list)
    if group is not None:
        for event in week_events:
            for day in days:
                if event.start <= day["date"] <= event.end:
                    events[day["date"]].append({"kind": _(EVENT_KINDS.get(event.kind, event.kind)),
                                                "title": event.title, "note": event.note or "", "id": event.id})
    return {"days": days, "numbers": list(range(1, top + 1)), "bells": bells, "cells": cells, "events": events,
            "shift": shift, "week_days": calendar.week_days}
