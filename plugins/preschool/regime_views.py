"""Организация → Режим работы групп: each preschool group's weekdays, hours and kind of stay."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.exceptions import RuleError
from app.extensions import db
from app.models import AcademicYear, LearnerGroup
from app.registry import READ, WRITE

from .attendance import preschool_kinds
from .models import GROUP_TYPES
from .regime import FULL_WEEK, WEEKDAY_SHORT, regimes, save_regime


def _time(value: str | None) -> dt.time | None:
    try:
        return dt.time.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _places() -> int | None:
    text = (request.form.get("places") or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise RuleError("R6", _l("Число мест — целое число, например 25."))
    return int(text)


class GroupRegimeView(BaseView):
    route_base = "/preschool/regime"
    class_permission_name = "Groups"
    method_permission_name = {"index": READ, "save": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Режим работы групп")

    def _groups(self):
        return db.session.scalars(
            select(LearnerGroup).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
            .where(LearnerGroup.kind.in_(preschool_kinds())).order_by(AcademicYear.start.desc(), LearnerGroup.level,
                                                                     LearnerGroup.name)).all()

    @expose("/")
    @has_access
    def index(self):
        groups = self._groups()
        own = regimes(db.session, [g.id for g in groups])
        rows = [(g, own.get(g.id)) for g in groups]
        return self.render_template("preschool/regime.html", rows=rows, group_types=GROUP_TYPES,
                                    weekdays=WEEKDAY_SHORT, full_week=FULL_WEEK,
                                    can_write=current_app.appbuilder.sm.level("Groups") >= 2)

    @expose("/save", methods=["POST"])
    @has_access
    def save(self):
        group = next((g for g in self._groups() if g.id == request.form.get("group", type=int)), None)
        if group is None:
            abort(404)
        try:
            save_regime(db.session, group, request.form.getlist("weekday"), _time(request.form.get("opens")),
                        _time(request.form.get("closes")), request.form.get("group_type", ""), _places())
            db.session.commit()
            flash(_("Режим работы группы «%(name)s» сохранён.", name=group.name), "success")
        except RuleError as exc:
            db.session.rollback()
            flash(exc.shown(), "danger")
        return redirect(url_for("GroupRegimeView.index"))
