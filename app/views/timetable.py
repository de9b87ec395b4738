"""Меню «Расписание»: the week of a class, a teacher or a room; its editing by the
Завуч / Администратор (teachers read); lessons from the timetable; one-off changes;
class events; the calendar of the year (holidays, transfers, bells, rooms, mode)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, protect
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from app import clock, reference
from app.exceptions import RuleError
from app.extensions import db
from app.idempotency import once
from app.models import AcademicYear, LearnerGroup, Period, Staff, Subgroup, Subject
from app.models.timetable import (
    CHANGE_KINDS, EVENT_KINDS, WEEKDAYS, Bell, ClassEvent, Holiday, Room, SchoolYearMode, TimetableEntry,
    TransferredDay,
)
from app.registry import READ, WRITE
from app.scoping import current_scope
from app.services.calendar import check_holiday, check_transfer, working_days
from app.services.kinds import kind_of, taught_kinds
from app.services.production_calendar import accept_days, pending_days
from app.services.timetable import (
    current_year, delete_entry, generate_lessons, initials, lessons_off_days, period_range, reachable_years, reflow,
    save_change, save_entry, save_event,
)
from app.services.timetable_grid import week_grid
from app.views.base import EjournalModelView, interface, saved
from app.views.vocabulary import current_vocabulary, organisation_answers, phrase

CATEGORY = "Timetable"
CATEGORY_LABEL = _l("Расписание")
CATEGORY_ICON = "fa-table"


def _host():
    return current_app.extensions["ejournal"]


def _monday(value: str | None) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if value else clock.today()
    except ValueError:
        abort(400)
    return day - dt.timedelta(days=day.weekday())


def _year_or_404():
    """The year asked for (``year``: the next year is drawn up before it starts), else the current one."""
    year_id = request.values.get("year", type=int)
    year = db.session.get(AcademicYear, year_id) if year_id else current_year(db.session)
    if year is None:
        abort(404)
    return year


def _can(resource: str) -> bool:
    return current_app.appbuilder.sm.level(resource) >= 2


class TimetableView(BaseView):
    route_base = "/timetable"
    class_permission_name = "Timetable"
    method_permission_name = {"week": READ, "save_entry": WRITE, "delete_entry": WRITE, "change": WRITE,
                              "generate": WRITE}
    default_view = "week"

    @staticmethod
    def menu_label():
        return phrase("Расписание %(lessons)s", lessons="lessons_of")

    @expose("/")
    @has_access
    def week(self):
        session = db.session
        year = _year_or_404()
        today = clock.today()
        monday = _monday(request.args.get("date") or (None if year.start <= today <= year.end else
                                                      year.start.isoformat()))
        years = reachable_years(session)
        group_id = request.args.get("group", type=int)
        teacher_id = request.args.get("teacher", type=int)
        room_id = request.args.get("room", type=int)
        groups = session.scalars(select(LearnerGroup).where(LearnerGroup.year_id == year.id,
                                                            LearnerGroup.kind.in_(taught_kinds()))
                                 .order_by(LearnerGroup.level, LearnerGroup.name)).all()
        staff = session.scalars(select(Staff).order_by(Staff.last_name, Staff.first_name, Staff.id)).all()
        rooms = sorted(reference.rows(session, Room, year.org_id), key=lambda r: (r.name, r.id))
        if group_id is None and teacher_id is None and room_id is None:
            scope = current_scope()
            mine = scope.person_id if scope is not None else None
            if mine is not None and session.scalar(select(TimetableEntry.id).where(
                    TimetableEntry.teacher_id == mine).limit(1)) is not None:
                teacher_id = mine
            elif groups:
                group_id = groups[0].id
        group = teacher = room = None
        if group_id is not None:
            group = next((g for g in groups if g.id == group_id), None)
            if group is None:
                abort(404)
            kind = kind_of(group)
            title = _("Расписание: %(kind)s %(name)s", kind=(kind.name if kind else _("Класс")).lower(), name=group.name)
        elif teacher_id is not None:
            teacher = next((s for s in staff if s.id == teacher_id), None)
            if teacher is None:
                abort(404)
            title = _("Расписание %(teacher)s %(name)s", teacher=current_vocabulary().teacher_of,
                      name=initials(teacher))
        elif room_id is not None:
            room = next((r for r in rooms if r.id == room_id), None)
            if room is None:
                abort(404)
            title = _("Расписание кабинета «%(name)s»", name=room.name)
        else:
            title = _("Расписание")
        grid = week_grid(session, _host(), year, monday, group=group, teacher_id=teacher_id, room_id=room_id) \
            if (group or teacher or room) else None
        can_write = _can("Timetable")
        edit = change_entry = None
        subjects = subgroups = periods = []
        if can_write:
            subjects = sorted(reference.rows(session, Subject, year.org_id), key=lambda s: s.name)
            taught_plugins = {_host().group_kinds[k].plugin for k in taught_kinds()}
            periods = sorted((p for p in reference.rows(session, Period, year.org_id)
                              if p.year_id == year.id and not p.is_final and p.plugin in taught_plugins),
                             key=lambda p: (p.type_code, p.order))
            if group is not None:
                subgroups = session.scalars(select(Subgroup).where(Subgroup.group_id == group.id)
                                            .order_by(Subgroup.name)).all()
            edit_id = request.args.get("edit", type=int)
            if edit_id:
                edit = session.get(TimetableEntry, edit_id) or abort(404)
            change_id = request.args.get("change", type=int)
            if change_id:
                change_entry = session.get(TimetableEntry, change_id) or abort(404)
        here = dict(group=group_id, teacher=teacher_id, room=room_id,
                    year=year.id if request.args.get("year") else None)
        study_end = max((p.end for p in periods), default=year.end)
        fv = _form_values(edit, group, teacher, room, year.start, study_end)
        return self.render_template(
            "timetable/week.html", initials=initials, years=years, title=title, year=year, monday=monday, grid=grid, groups=groups,
            unit=kind.lesson if (kind := kind_of(group)) is not None else current_vocabulary().lesson,
            staff=staff, rooms=rooms, group=group, teacher=teacher, room=room, here=here, can_write=can_write,
            subjects=subjects, subgroups=subgroups, periods=periods, edit=edit, change_entry=change_entry,
            change_date=request.args.get("on", ""), weekdays=WEEKDAYS[:grid["week_days"]] if grid else WEEKDAYS[:5],
            change_kinds=CHANGE_KINDS, timedelta=dt.timedelta, today=clock.today(), fv=fv,
            can_offdays=current_app.appbuilder.sm.level("TimetableOffDays") >= 1)

    def _back(self, keep_form: bool = False):
        args = {k: request.form.get(k) for k in ("group", "teacher", "room", "date", "year") if request.form.get(k)}
        if keep_form:  # a refused line comes back filled in, to be corrected
            args.update({f"f_{k}": request.form.get(k) for k in ENTRY_FIELDS if request.form.get(k)})
        return url_for("TimetableView.week", **args)

    @expose("/entry", methods=["POST"])
    @has_access
    def save_entry(self):
        session = db.session
        year = _year_or_404()
        entry_id = request.form.get("entry_id", type=int)
        entry = None
        if entry_id:
            entry = session.get(TimetableEntry, entry_id)
            if entry is None:
                abort(404)
        try:
            save_entry(session, _host(), year, request.form.to_dict(), entry)
            session.commit()
        except RuleError as exc:
            session.rollback()
            flash(exc.shown(), "danger")
            return redirect(self._back(keep_form=True))
        flash(_("Урок в расписании сохранён."), "success")
        return redirect(self._back())

    @expose("/entry/<int:entry_id>/delete", methods=["POST"])
    @has_access
    def delete_entry(self, entry_id: int):
        session = db.session
        entry = session.get(TimetableEntry, entry_id)
        if entry is None:
            abort(404)
        kept = delete_entry(session, entry)
        session.commit()
        flash(_("Урок удалён из расписания.") + (" " + _("Уроков с данными оставлено в журнале: %(n)s.", n=kept)
                                                  if kept else ""), "success")
        return redirect(self._back())

    @expose("/change", methods=["POST"])
    @has_access
    def change(self):
        session = db.session
        year = _year_or_404()
        entry = session.get(TimetableEntry, request.form.get("entry_id", type=int) or 0)
        if entry is None:
            abort(404)
        return saved(
            lambda: save_change(session, _host(), year, entry, request.form.to_dict(), created_by=current_user.id),
            _("Разовое изменение записано."), self._back())

    @expose("/generate", methods=["POST"])
    @has_access
    def generate(self):
        session = db.session
        year = _year_or_404()
        group_id = request.form.get("group", type=int)
        if group_id is not None and session.get(LearnerGroup, group_id) is None:
            abort(404)
        result = {}

        def run():
            start, end = period_range(session, request.form.get("period", type=int) or 0, year)
            result["r"] = generate_lessons(session, _host(), year, start, end,
                                           group_ids=[group_id] if group_id else None, created_by=current_user.id)

        response = saved(run, _("Уроки созданы по расписанию."), self._back())
        r = result.get("r")
        if r is not None:
            flash(_("Создано уроков: %(c)s, изменено: %(u)s, удалено: %(d)s, оставлено с данными: %(k)s.",
                    c=r.created, u=r.updated, d=r.removed, k=len(r.kept)), "info")
        return response


ENTRY_FIELDS = ("entry_id", "group_id", "subgroup_id", "weekday", "number", "subject_id", "teacher_id", "room_id",
                "valid_from", "valid_to")


def _form_values(edit, group, teacher, room, start, end) -> dict:
    """The values of the entry form: a refused attempt (``f_*`` arguments), the line
    being edited, or defaults from the page (its class, teacher or room)."""
    back = {k: request.args.get(f"f_{k}") for k in ENTRY_FIELDS if request.args.get(f"f_{k}")}
    if back:
        return back
    if edit is not None:
        return {k: str(v.isoformat() if isinstance(v, dt.date) else v) for k, v in (
            ("entry_id", edit.id), ("group_id", edit.group_id), ("subgroup_id", edit.subgroup_id or ""),
            ("weekday", edit.weekday), ("number", edit.number), ("subject_id", edit.subject_id),
            ("teacher_id", edit.teacher_id), ("room_id", edit.room_id or ""), ("valid_from", edit.valid_from),
            ("valid_to", edit.valid_to))}
    return {"group_id": str(group.id) if group else "", "teacher_id": str(teacher.id) if teacher else "",
            "room_id": str(room.id) if room else "", "weekday": "0", "number": "1",
            "valid_from": start.isoformat(), "valid_to": end.isoformat()}


class OffDaysView(BaseView):
    """«Уроки вне учебных дней»: what a calendar change left for the Завуч to decide."""

    route_base = "/timetable-offdays"
    class_permission_name = "TimetableOffDays"
    method_permission_name = {"index": READ}
    default_view = "index"

    @staticmethod
    def menu_label():
        return phrase("%(lessons)s вне учебных дней", lessons="lessons")

    @expose("/")
    @has_access
    def index(self):
        year = _year_or_404()
        lessons = lessons_off_days(db.session, _host(), year)
        return self.render_template("timetable/offdays.html", lessons=lessons, year=year,
                                    initials=initials)


class ClassEventView(BaseView):
    """Мероприятия классов: the class teacher puts them on his class (seed 002)."""

    route_base = "/class-events"
    class_permission_name = "ClassEvents"
    method_permission_name = {"index": READ, "add": WRITE, "delete": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return phrase("Мероприятия %(groups)s", groups="groups_of")

    @staticmethod
    def _leader_only() -> bool:
        scope = current_scope()
        return scope is not None and scope.learner_ids is not None

    def _own_groups(self, year):
        q = select(LearnerGroup).where(LearnerGroup.year_id == year.id).order_by(LearnerGroup.level, LearnerGroup.name)
        if self._leader_only():
            q = q.where(LearnerGroup.leader_id == current_scope().person_id)
        return db.session.scalars(q).all()

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        year = _year_or_404()
        page = max(request.args.get("page", 1, type=int), 1)
        groups = self._own_groups(year) if _can("ClassEvents") else []
        q = (select(ClassEvent, LearnerGroup.name).join(LearnerGroup, LearnerGroup.id == ClassEvent.group_id)
             .where(LearnerGroup.year_id == year.id).order_by(ClassEvent.start.desc(), ClassEvent.id.desc()))
        rows = session.execute(q.offset((page - 1) * 50).limit(51)).all()
        return self.render_template("timetable/events.html", rows=rows[:50], more=len(rows) > 50, page=page,
                                    groups=groups, kinds=EVENT_KINDS, can_write=_can("ClassEvents"), today=clock.today())

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        session = db.session
        year = _year_or_404()
        group = session.get(LearnerGroup, request.form.get("group_id", type=int) or 0)
        if group is None:
            abort(404)
        scope = current_scope()
        return saved(
            lambda: save_event(session, year, group, request.form.to_dict(), person_id=scope.person_id if scope else None,
                               leader_only=self._leader_only(), created_by=current_user.id),
            _("Мероприятие назначено."), url_for("ClassEventView.index"))

    @expose("/<int:event_id>/delete", methods=["POST"])
    @has_access
    def delete(self, event_id: int):
        session = db.session
        event = session.get(ClassEvent, event_id)
        if event is None:
            abort(404)
        scope = current_scope()
        if self._leader_only() and session.get(LearnerGroup, event.group_id).leader_id != scope.person_id:
            abort(403)
        session.delete(event)
        session.commit()
        flash(_("Мероприятие удалено."), "success")
        return redirect(url_for("ClassEventView.index"))


# --- the calendar of the year: CRUD pages whose changes re-flow the lessons ---------

class _CalendarView(EjournalModelView):
    """A change of the calendar re-flows the generated lessons of the year."""

    def _reflow(self, item):
        year = db.session.get(AcademicYear, item.year_id)
        if year is None:
            return
        result = reflow(db.session, _host(), year)
        db.session.commit()
        if result.created or result.removed or result.kept:
            flash(_("Уроки перестроены по календарю: создано %(c)s, удалено %(d)s, с данными оставлено %(k)s "
                    "(см. «Уроки вне учебных дней»).", c=result.created, d=result.removed, k=len(result.kept)), "info")

    def post_add(self, item):
        self._reflow(item)

    def post_update(self, item):
        self._reflow(item)

    def post_delete(self, item):
        self._reflow(item)

    def _refuse(self, message):
        db.session.rollback()
        raise RuleError("Календарь", message)


def _late_warning(item, first_day: dt.date, message) -> None:
    """Seed 004: holidays two weeks ahead, transfers two working days ahead — said, not refused."""
    year = db.session.get(AcademicYear, item.year_id)
    today = clock.today()
    if year is None or first_day is None or first_day < today:
        return
    if callable(message):
        ahead = len([d for d in working_days(db.session, _host(), year, today + dt.timedelta(days=1),
                                             first_day - dt.timedelta(days=1))])
        if ahead < 2:
            flash(message(), "warning")
    elif (first_day - today).days < 14:
        flash(message, "warning")


class HolidayView(_CalendarView):
    datamodel = interface(Holiday)
    class_permission_name = "Holidays"
    title = _l("Каникулы и праздники")
    list_columns = ["year", "name", "start", "end", "public"]
    add_columns = edit_columns = show_columns = ["year", "name", "start", "end", "public"]
    label_columns = {**EjournalModelView.label_columns,
                     "public": _l("Нерабочий праздничный день (закрыты и дошкольные группы)")}
    search_columns = ["name", "start"]
    base_order = ("start", "asc")

    def pre_add(self, item):
        try:
            check_holiday(item.start, item.end)
        except RuleError as exc:
            self._refuse(str(exc))

    pre_update = pre_add

    def post_add(self, item):
        super().post_add(item)
        _late_warning(item, item.start, _("Сведения о каникулах и праздниках вносятся не позднее чем за 2 недели "
                                          "до их начала."))


class TransferredDayView(_CalendarView):
    datamodel = interface(TransferredDay)
    class_permission_name = "TransferredDays"
    title = _l("Перенос учебных дней")
    label_columns = {**EjournalModelView.label_columns, "off_date": _l("Выходной день (вместо учебного)"),
                     "work_date": _l("Учебный день (по расписанию выходного)"), "reason": _l("Основание")}
    list_columns = ["year", "off_date", "work_date", "reason"]
    add_columns = edit_columns = show_columns = ["year", "off_date", "work_date", "reason"]
    search_columns = ["work_date", "off_date"]
    base_order = ("work_date", "asc")

    def pre_add(self, item):
        try:
            check_transfer(item.work_date, item.off_date)
        except RuleError as exc:
            self._refuse(str(exc))

    pre_update = pre_add

    def post_add(self, item):
        super().post_add(item)
        _late_warning(item, min(item.work_date, item.off_date), lambda: _(
            "Перенос учебного дня вносится не позднее чем за 2 рабочих дня до него."))


class ProductionCalendarView(BaseView):
    """«Производственный календарь»: the official days of the year not yet entered, for the
    Завуч to accept (``accept_days``) before lessons are generated; the region's own days
    are entered by the holiday form."""

    route_base = "/production-calendar"
    class_permission_name = "Holidays"
    method_permission_name = {"index": WRITE, "add": WRITE}
    default_view = "index"
    title = _l("Производственный календарь")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        year = _year_or_404()
        years = session.scalars(select(AcademicYear).where(AcademicYear.closed.is_(False))
                                .order_by(AcademicYear.start.desc())).all()
        return self.render_template("timetable/production_calendar.html", year=year, years=years,
                                    days=pending_days(session, year), title=self.title,
                                    weekdays=WEEKDAYS)

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        session = db.session
        year = _year_or_404()
        dates = []
        for value in request.form.getlist("day"):
            try:
                dates.append(dt.date.fromisoformat(value))
            except ValueError:
                abort(400)
        result = {}

        def run():
            result["r"] = accept_days(session, _host(), year, dates)

        response = saved(run, _("Дни производственного календаря внесены в календарь года."),
                         url_for("ProductionCalendarView.index", year=year.id))
        if "r" in result:
            added, flow = result["r"]
            flash(_("Добавлено дней: %(n)s.", n=added), "info")
            if flow.created or flow.removed or flow.kept:
                flash(_("Уроки перестроены по календарю: создано %(c)s, удалено %(d)s, с данными оставлено %(k)s "
                        "(см. «Уроки вне учебных дней»).", c=flow.created, d=flow.removed, k=len(flow.kept)), "info")
        return response


def flash_production_calendar(year: AcademicYear) -> None:
    """When a year is opened: the official days proposed for it, as a notice with a link to
    accept them (nothing is entered until the Завуч does)."""
    days = pending_days(db.session, year)
    if days and _can("Holidays"):
        link = Markup('<a href="%s">%s</a>') % (url_for("ProductionCalendarView.index", year=year.id),
                                               _("Производственный календарь"))
        flash(escape(_("Для учебного года %(year)s предложены дни производственного календаря (праздники "
                       "и переносы выходных): %(n)s. Проверьте и добавьте их до создания уроков:",
                       year=year.name, n=len(days))) + " " + link, "info")


class BellView(EjournalModelView):
    datamodel = interface(Bell)
    class_permission_name = "Bells"
    title = _l("Расписание звонков")
    label_columns = {**EjournalModelView.label_columns, "shift": _l("Смена"),
                     "number": phrase("Номер %(lesson)s", lesson="lesson_of")}
    list_columns = ["year", "shift", "number", "start", "end"]
    add_columns = edit_columns = show_columns = ["year", "shift", "number", "start", "end"]
    search_columns = ["shift", "number"]
    base_order = ("number", "asc")
    description_columns = {"start": _l("Время в виде ЧЧ:ММ, например 08:30")}

    def pre_add(self, item):
        try:
            item.start, item.end = (dt.datetime.strptime((v or "").strip(), "%H:%M").strftime("%H:%M")
                                    for v in (item.start, item.end))
        except ValueError:
            db.session.rollback()
            raise RuleError("Календарь", _("Время звонка указывается как ЧЧ:ММ, например 08:30.")) from None
        if item.start >= item.end:
            db.session.rollback()
            raise RuleError("Календарь", _("Урок заканчивается раньше, чем начинается."))

    pre_update = pre_add


class RoomView(EjournalModelView):
    datamodel = interface(Room)
    class_permission_name = "Rooms"
    title = _l("Кабинеты")
    label_columns = {**EjournalModelView.label_columns, "capacity": _l("Мест"), "note": _l("Примечание")}
    list_columns = ["name", "capacity", "note"]
    add_columns = edit_columns = show_columns = ["name", "capacity", "note"]
    search_columns = ["name"]
    base_order = ("name", "asc")


def _levels(text) -> str:
    """«10,11» → «10, 11»; refused unless grades 1–11 separated by commas."""
    parts = [p.strip() for p in str(text or "").replace(";", ",").split(",") if p.strip()]
    if any(not p.isdigit() or not 1 <= int(p) <= 11 for p in parts):
        raise RuleError("Календарь", _("Параллели указываются числами от 1 до 11 через запятую."))
    return ", ".join(str(n) for n in sorted({int(p) for p in parts}))


class SchoolYearModeView(_CalendarView):
    datamodel = interface(SchoolYearMode)
    class_permission_name = "SchoolYearModes"
    title = _l("Режим учебного года")
    label_columns = {**EjournalModelView.label_columns, "week_days": _l("Учебных дней в неделе (5 или 6)"),
                     "half_levels": _l("Параллели, обучающиеся по полугодиям"),
                     "trimester_levels": _l("Параллели, обучающиеся по триместрам"),
                     "second_shift_levels": _l("Параллели второй смены")}
    list_columns = ["year", "week_days", "half_levels", "trimester_levels", "second_shift_levels"]
    add_columns = edit_columns = show_columns = list_columns
    description_columns = {"half_levels": _l("Через запятую, например: 10, 11. Остальные — по четвертям.")}

    def pre_add(self, item):
        if item.week_days not in (5, 6):
            self._refuse(_("В неделе 5 или 6 учебных дней."))
        try:
            item.half_levels = _levels(item.half_levels)
            item.trimester_levels = _levels(item.trimester_levels)
            item.second_shift_levels = _levels(item.second_shift_levels)
        except RuleError as exc:
            self._refuse(str(exc))
        if set(item.levels("half")) & set(item.levels("trimester")):
            self._refuse(_("Параллель не может учиться и по полугодиям, и по триместрам."))

    pre_update = pre_add

    def _reflow(self, item):
        year = db.session.get(AcademicYear, item.year_id)
        if year is not None:
            _host().year_mode_saved(db.session, year, item)
            db.session.commit()
        super()._reflow(item)


class TimetableApi(BaseApi):
    """The timetable week as JSON (documented in the OpenAPI description)."""

    resource_name = "timetable"
    class_permission_name = "Timetable"
    method_permission_name = {"get_week": READ}
    allow_browser_login = True
    openapi_spec_tag = "Расписание"

    @expose("/week", methods=["GET"])
    @protect()
    def get_week(self):
        """Неделя расписания класса, учителя или кабинета.
        ---
        get:
          summary: Неделя расписания (уроки по дням и номерам, звонки, изменения, мероприятия)
          parameters:
          - {in: query, name: group, schema: {type: integer}, description: номер класса}
          - {in: query, name: teacher, schema: {type: integer}, description: номер учителя}
          - {in: query, name: room, schema: {type: integer}, description: номер кабинета}
          - {in: query, name: date, schema: {type: string, format: date}, description: любой день недели}
          - {in: query, name: year, schema: {type: integer}, description: учебный год; по умолчанию — текущий}
          responses:
            200:
              description: Дни недели с уроками
              content:
                application/json:
                  schema: {type: object}
            400: {$ref: '#/components/responses/400'}
            401: {$ref: '#/components/responses/401'}
            404: {$ref: '#/components/responses/404'}
        """
        session = db.session
        year_id = request.args.get("year", type=int)
        year = session.get(AcademicYear, year_id) if year_id else current_year(session)
        if year is None:
            return self.response_404()
        try:
            day = dt.date.fromisoformat(request.args["date"]) if request.args.get("date") else clock.today()
        except ValueError:
            return self.response_400(message=_("Дата указывается как ГГГГ-ММ-ДД."))
        monday = day - dt.timedelta(days=day.weekday())
        group = teacher = room = None
        if request.args.get("group", type=int):
            group = session.get(LearnerGroup, request.args.get("group", type=int))
            if group is None or group.year_id != year.id:
                return self.response_404()
        elif request.args.get("teacher", type=int):
            teacher = session.get(Staff, request.args.get("teacher", type=int))
            if teacher is None:
                return self.response_404()
        elif request.args.get("room", type=int):
            room = session.get(Room, request.args.get("room", type=int))
            if room is None:
                return self.response_404()
        else:
            return self.response_400(message=_("Укажите класс, учителя или кабинет."))
        grid = week_grid(session, _host(), year, monday, group=group, teacher_id=teacher.id if teacher else None,
                         room_id=room.id if room else None)
        days = []
        for d in grid["days"]:
            lessons = []
            for n in grid["numbers"]:
                for item in grid["cells"].get((d["date"], n), []):
                    bell = grid["bells"].get(n)
                    lessons.append({"number": n, "start": bell.start if bell else None, "end": bell.end if bell else None,
                                    **{k: item[k] for k in ("entry_id", "group", "subgroup", "subject", "teacher", "room",
                                                            "status", "note")}})
            days.append({"date": d["date"].isoformat(), "name": d["name"], "study_day": d["weekday"] is not None,
                         "note": d["note"], "lessons": lessons, "events": grid["events"].get(d["date"], [])})
        return self.response(200, year=year.name, monday=monday.isoformat(), days=days)


MENU = [
    (TimetableView, "Timetable", TimetableView.menu_label()),
    (ClassEventView, "ClassEvents", ClassEventView.menu_label()),
    (OffDaysView, "TimetableOffDays", OffDaysView.menu_label()),
    (RoomView, "Rooms", RoomView.title),
    (BellView, "Bells", BellView.title),
    (HolidayView, "Holidays", HolidayView.title),
    (TransferredDayView, "TransferredDays", TransferredDayView.title),
    (ProductionCalendarView, "ProductionCalendar", ProductionCalendarView.title),
    (SchoolYearModeView, "SchoolYearMode", SchoolYearModeView.title),
]


# Entries only some organisations have: the year's mode (quarters, halves or trimesters by
# grade) means something only where a plugin reads it.
MENU_CONDITIONS = {"SchoolYearMode": lambda: organisation_answers("year_mode_saved"),
                   # accepting the official days writes holidays: for those who enter them
                   "ProductionCalendar": lambda: _can("Holidays")}


def add_views(appbuilder) -> None:
    for view, name, label in MENU:
        appbuilder.add_view(view, name, label=label, category=CATEGORY, category_label=CATEGORY_LABEL,
                            category_icon=CATEGORY_ICON, menu_cond=MENU_CONDITIONS.get(name))
    appbuilder.add_api(TimetableApi)
