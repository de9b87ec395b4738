"""Журнал → Посещаемость группы: the воспитатель's day of her group, on a phone first.

Every child is listed, present by default; tapping a child marks him absent and
shows the reason; one «Сохранить» saves the whole day (``attendance.save_day``)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app import clock
from app.exceptions import RuleError
from app.extensions import db
from app.registry import READ, WRITE

from .attendance import attendance_groups, load_day, save_day


def _day_arg(value: str | None) -> dt.date:
    if not value:
        return clock.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        abort(400)


def _group(groups, group_id):
    """The asked group among the user's; his first (the educator's own) by default.
    A group he does not keep is not found (404), as on the core's day page."""
    if group_id is None:
        return groups[0] if groups else None
    group = next((x for x in groups if x.id == group_id), None)
    if group is None:
        abort(404)
    return group


class PreschoolDayView(BaseView):
    route_base = "/preschool/day"
    class_permission_name = "Attendance"
    method_permission_name = {"day": READ, "save": WRITE}
    default_view = "day"

    @staticmethod
    def menu_label():
        return _l("Посещаемость группы")

    @expose("/")
    @has_access
    def day(self):
        session = db.session
        groups = attendance_groups(session)
        group = _group(groups, request.args.get("group", type=int))
        day = _day_arg(request.args.get("date"))
        sheet = load_day(session, group, day) if group is not None else None
        return self.render_template(
            "preschool/day.html", groups=groups, group=group, day=day, sheet=sheet, today=clock.today(),
            can_write=current_app.appbuilder.sm.level("Attendance") >= 2)

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        session = db.session
        groups = attendance_groups(session)
        group = _group(groups, request.form.get("group", type=int) or 0)
        day = _day_arg(request.form.get("date") or "x")
        absent = {int(v) for v in request.form.getlist("absent") if v.isdigit()}
        absences = {lid: request.form.get(f"code-{lid}", type=int) for lid in absent}
        try:
            save_day(session, group, day, absences, request.form.get("version", type=int) or 0, current_user)
            session.commit()
            flash(_("Посещаемость за %(date)s сохранена: отсутствуют %(n)s.", date=day.strftime("%d.%m.%Y"),
                    n=len(absences)), "success")
        except RuleError as exc:
            session.rollback()
            flash(exc.shown(), "danger")
        return redirect(url_for("PreschoolDayView.day", group=group.id, date=day.isoformat()))
