"""Журнал → Посещаемость: the class teacher's day of a class; «ОТ» left open (R6)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from .. import clock
from ..exceptions import RuleError
from ..extensions import db
from ..models import AttendanceCode, Learner
from ..registry import READ, WRITE
from ..scoping import current_scope
from ..services.attendance import (
    REASON_CATEGORIES, convert_day, day_sheet, kept_groups, month_sheet, open_absences,
)


class AttendanceDayView(BaseView):
    route_base = "/attendance-day"
    class_permission_name = "Attendance"
    method_permission_name = {"day": READ, "convert": WRITE}
    default_view = "day"

    @staticmethod
    def menu_label():
        return _l("Посещаемость за день")

    @expose("/")
    @has_access
    def day(self):
        session = db.session
        groups = kept_groups(session, current_scope())
        group_id = request.args.get("group", type=int) or (groups[0].id if groups else None)
        if group_id is not None and group_id not in {g.id for g in groups}:
            abort(404)
        try:
            day = dt.date.fromisoformat(request.args["date"]) if request.args.get("date") else clock.today()
        except ValueError:
            abort(400)
        sheet = day_sheet(session, group_id, day) if group_id else None
        reasons = session.scalars(select(AttendanceCode).where(AttendanceCode.category.in_(REASON_CATEGORIES))
                                  .order_by(AttendanceCode.code)).all()
        month = month_sheet(session, group_id, day) if group_id and request.args.get("view") == "month" else None
        return self.render_template(
            "attendance_day.html", groups=groups, group_id=group_id, day=day, sheet=sheet, reasons=reasons, month=month,
            open_list=open_absences(session, [g.id for g in groups], day),
            can_write=current_app.appbuilder.sm.level("Attendance") >= 2,
        )

    @expose("/convert", methods=["POST"])
    @has_access
    def convert(self):
        session = db.session
        groups = {g.id for g in kept_groups(session, current_scope())}
        learner = session.get(Learner, request.form.get("learner", type=int) or 0)
        try:
            day = dt.date.fromisoformat(request.form.get("date", ""))
        except ValueError:
            abort(400)
        if learner is None or learner.group_id not in groups:
            abort(404)
        try:
            n = convert_day(session, learner.id, day, request.form.get("code", type=int) or 0)
            session.commit()
            flash(_("Причина отсутствия сохранена: %(name)s, %(date)s, уроков: %(n)s.",
                    name=learner.short_name, date=day.strftime("%d.%m.%Y"), n=n), "success")
        except RuleError as exc:
            session.rollback()
            flash(exc.shown(), "danger")
        return redirect(url_for("AttendanceDayView.day", group=learner.group_id, date=day.isoformat()))
