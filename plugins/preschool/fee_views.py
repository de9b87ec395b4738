"""Родительская плата: the pages of the norms (Организация → «Нормативы родительской
платы») and of the children's discounts (Люди → «Льготы по родительской плате»).

Every write goes through ``charges``: a refusal is flashed in Russian and nothing
is saved. The norms' page writes only for an officer of the authority (or the
system): everyone else who may open it reads it."""
from __future__ import annotations

import datetime as dt

from flask import current_app, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from app import clock
from app.extensions import db
from app.idempotency import once
from app.models import AcademicYear, Authority, Learner, LearnerGroup
from app.registry import READ, WRITE
from app.views.base import saved

from .attendance import preschool_kinds
from .charges import (
    add_discount, add_norm, end_discount, end_norm, money_text, percent_text, visible_norms, writable_authorities,
)
from .fee_parts import DISCOUNTS, NORMS
from .fees import REASONS, FeeDiscount
from .models import GROUP_TYPES

PER_PAGE = 25


def _state(start: dt.date, end: dt.date | None, today: dt.date) -> str:
    if start > today:
        return "future"
    if end is not None and end < today:
        return "ended"
    return "current"


STATES = {"future": _l("будет действовать"), "ended": _l("завершён"), "current": _l("действует")}
DISCOUNT_STATES = {"future": _l("будет действовать"), "ended": _l("завершена"), "current": _l("действует")}


class FeeNormView(BaseView):
    route_base = "/preschool/fee-norms"
    class_permission_name = NORMS
    method_permission_name = {"index": READ, "add": WRITE, "end": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Нормативы родительской платы")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        norms = visible_norms(session)
        writable = writable_authorities(session) if current_app.appbuilder.sm.level(NORMS) >= 2 else []
        ids = {n.authority_id for n in norms} | set(writable)
        authorities = {a.id: a for a in session.scalars(select(Authority).where(Authority.id.in_(ids)))} if ids else {}
        today = clock.today()
        sections = [(code, label, [n for n in norms if n.group_type == code]) for code, label in GROUP_TYPES.items()]
        return self.render_template(
            "preschool/fees/norms.html", sections=sections, authorities=authorities, writable=writable,
            many_authorities=len(ids) > 1, today=today, state=lambda n: _state(n.valid_from, n.valid_to, today),
            states=STATES, group_types=GROUP_TYPES, money=money_text)

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        form = request.form
        writable = writable_authorities(db.session)
        authority = form.get("authority") or (writable[0] if len(writable) == 1 else None)
        return saved(lambda: add_norm(db.session, authority, form.get("group_type", ""), form.get("daily_rate"),
                                       form.get("valid_from"), form.get("valid_to")),
                      _("Норматив родительской платы добавлен."), url_for("FeeNormView.index"))

    @expose("/end", methods=["POST"])
    @has_access
    def end(self):
        form = request.form
        return saved(lambda: end_norm(db.session, form.get("norm", ""), form.get("valid_to")),
                      _("Срок действия норматива установлен."), url_for("FeeNormView.index"))


class FeeDiscountView(BaseView):
    route_base = "/preschool/fee-discounts"
    class_permission_name = DISCOUNTS
    method_permission_name = {"index": READ, "add": WRITE, "end": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Льготы по родительской плате")

    def _groups(self):
        """The preschool groups of the open years the user reaches."""
        return db.session.execute(
            select(LearnerGroup.id, LearnerGroup.name).join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
            .where(LearnerGroup.kind.in_(preschool_kinds()), AcademicYear.closed.is_(False))
            .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id)).all()

    def _children(self, group_ids):
        """(group name, [learners]) of the children one may give a discount to."""
        if not group_ids:
            return []
        today = clock.today()
        rows = db.session.execute(
            select(Learner, LearnerGroup.name).join(LearnerGroup, LearnerGroup.id == Learner.group_id)
            .where(Learner.group_id.in_(group_ids), or_(Learner.left_on.is_(None), Learner.left_on >= today))
            .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id, Learner.last_name, Learner.first_name,
                      Learner.id)).all()
        out: dict[str, list] = {}
        for learner, group_name in rows:
            out.setdefault(group_name, []).append(learner)
        return list(out.items())

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        groups = self._groups()
        group_id = request.args.get("group", type=int)
        if group_id not in {g.id for g in groups}:
            group_id = None
        page = max(1, request.args.get("page", type=int) or 1)
        where = [Learner.group_id == group_id] if group_id else []
        base = select(FeeDiscount.id).join(Learner, Learner.id == FeeDiscount.learner_id).where(*where)
        total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
        pages = max(1, -(-total // PER_PAGE))
        page = min(page, pages)
        rows = session.execute(
            select(FeeDiscount, Learner, LearnerGroup.name).join(Learner, Learner.id == FeeDiscount.learner_id)
            .outerjoin(LearnerGroup, LearnerGroup.id == Learner.group_id).where(*where)
            .order_by(Learner.last_name, Learner.first_name, Learner.id, FeeDiscount.starts.desc())
            .limit(PER_PAGE).offset((page - 1) * PER_PAGE)).all()
        can_write = current_app.appbuilder.sm.level(DISCOUNTS) >= 2
        today = clock.today()
        return self.render_template(
            "preschool/fees/discounts.html", rows=rows, total=total, page=page, pages=pages, groups=groups,
            group_id=group_id, can_write=can_write, reasons=REASONS, today=today,
            children=self._children([g.id for g in groups]) if can_write else [],
            state=lambda d: _state(d.starts, d.ends, today), states=DISCOUNT_STATES, percent=percent_text)

    def _back(self):
        group = request.form.get("back_group", type=int)
        return url_for("FeeDiscountView.index", group=group or None)

    @expose("/add", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def add(self):
        form = request.form
        return saved(lambda: add_discount(db.session, form.get("learner"), form.get("percent"),
                                           form.get("reason", ""), form.get("note"), form.get("starts"),
                                           form.get("ends")),
                      _("Льгота по родительской плате назначена."), self._back())

    @expose("/end", methods=["POST"])
    @has_access
    def end(self):
        form = request.form
        return saved(lambda: end_discount(db.session, form.get("discount", ""), form.get("ends")),
                      _("Срок действия льготы установлен."), self._back())
