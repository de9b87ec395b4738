"""Pages of the transfers between organisations: the sending side's form (from a
learner's page of the movement book), the list of outgoing and incoming transfers
with «Принять в класс», and the read-only «Отметки из предыдущей ОО»."""
from __future__ import annotations

from flask import abort, current_app, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from app import clock
from app.exceptions import RuleError
from app.extensions import db
from app.idempotency import once
from app.models import Learner, LearnerGroup
from app.models.transfer import ACCEPTED, ISSUED, STATUSES, Transfer
from app.registry import READ, WRITE
from app.services.transfers import accept, cancel, destinations, incoming, issue, marks_by_subject, outgoing
from app.views.base import saved
from app.views.movement import _date, _open_classes, scoped_get


def _can_write() -> bool:
    return current_app.appbuilder.sm.level("Transfers") >= 2


class TransferView(BaseView):
    route_base = "/transfers"
    class_permission_name = "Transfers"
    method_permission_name = {"index": READ, "new": WRITE, "issue": WRITE, "accept": WRITE, "cancel": WRITE}
    default_view = "index"
    title = _l("Переводы между организациями")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        org_id = current_user.org_id
        return self.render_template(
            "transfers/index.html", incoming=incoming(session, org_id) if org_id else [],
            outgoing=outgoing(session, org_id) if org_id else [], classes=_open_classes(session),
            statuses=STATUSES, issued=ISSUED, accepted=ACCEPTED, can_write=_can_write(), today=clock.today(),
            title=self.title)

    @expose("/new/<int:learner_id>")
    @has_access
    def new(self, learner_id: int):
        session = db.session
        learner = scoped_get(session, Learner, learner_id)
        if learner is None:
            abort(404)
        return self.render_template(
            "transfers/new.html", learner=learner, organisations=destinations(session, learner.org_id),
            today=clock.today(), title=_("Перевод в другую организацию: %(name)s", name=learner.full_name))

    @expose("/new/<int:learner_id>", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def issue(self, learner_id: int):
        session = db.session
        learner = scoped_get(session, Learner, learner_id)
        if learner is None:
            abort(404)
        f = request.form
        done = []
        response = saved(
            lambda: done.append(issue(session, learner, f.get("to_org", type=int), number=f.get("number"),
                                      date=_date(f.get("date")), event_date=_date(f.get("event_date")),
                                      entered_by=current_user.id)),
            _("Перевод оформлен: обучающийся выбыл, приказ внесён в книгу движения. Принимающая организация "
              "видит его во входящих переводах."), url_for("TransferView.new", learner_id=learner.id))
        return redirect(url_for("TransferView.index")) if done else response

    @expose("/<int:transfer_id>/accept", methods=["POST"])
    @has_access
    def accept(self, transfer_id: int):
        session = db.session
        transfer = scoped_get(session, Transfer, transfer_id)
        f = request.form
        group_id = f.get("group", type=int)
        group = scoped_get(session, LearnerGroup, group_id) if group_id else None

        def action():
            if group_id and group is None:  # a class the user does not reach: another organisation's
                raise RuleError("R14", _l("Выбранный класс не найден среди классов вашей организации."))
            accept(session, transfer, group, number=f.get("number"), date=_date(f.get("date")),
                   event_date=_date(f.get("event_date")), entered_by=current_user.id)

        return saved(action, _("Обучающийся принят, приказ о зачислении внесён в книгу движения."),
                     url_for("TransferView.index"))

    @expose("/<int:transfer_id>/cancel", methods=["POST"])
    @has_access
    def cancel(self, transfer_id: int):
        session = db.session
        transfer = scoped_get(session, Transfer, transfer_id)
        return saved(lambda: cancel(session, transfer, date=clock.today(), entered_by=current_user.id),
                     _("Перевод отменён: обучающийся снова числится в своём классе."), url_for("TransferView.index"))


class TransferMarksView(BaseView):
    """«Отметки из предыдущей ОО»: what came with a transferred learner, read-only."""

    route_base = "/previous-marks"
    class_permission_name = "TransferMarks"
    method_permission_name = {"index": READ, "show": READ}
    default_view = "index"
    title = _l("Отметки из предыдущей ОО")

    @expose("/")
    @has_access
    def index(self):
        # Cut by the scope: the organisation's incoming ones, a teacher's or a parent's own learners'.
        rows = db.session.scalars(select(Transfer).where(Transfer.status == ACCEPTED)
                                  .order_by(Transfer.learner_name, Transfer.id).limit(500)).all()
        mine = [t for t in rows if t.to_org_id == current_user.org_id]
        return self.render_template("transfers/marks_index.html", transfers=mine, title=self.title)

    @expose("/<int:transfer_id>")
    @has_access
    def show(self, transfer_id: int):
        transfer = scoped_get(db.session, Transfer, transfer_id)
        if transfer is None or transfer.status != ACCEPTED or transfer.to_org_id != current_user.org_id:
            abort(404)
        snapshot = transfer.snapshot or {}
        return self.render_template(
            "transfers/marks.html", transfer=transfer, card=snapshot.get("card", {}), year=snapshot.get("year", ""),
            subjects=marks_by_subject(snapshot), totals=snapshot.get("attendance_totals", []),
            attendance=snapshot.get("attendance", []),
            title=_("Отметки из предыдущей ОО: %(name)s", name=transfer.learner_name))


def _audit_names() -> None:
    from app.views.audit import ENTITY_NAMES, EXTRA_LABELS

    ENTITY_NAMES.setdefault("Transfer", _l("Перевод в другую организацию"))
    for key, label in {"from_org_id": _l("Из организации"), "to_org_id": _l("В организацию"),
                       "from_org_name": _l("Из организации"), "to_org_name": _l("В организацию"),
                       "learner_name": _l("Обучающийся"), "to_learner_id": _l("Принятый обучающийся"),
                       "to_group_id": _l("В класс"), "accepted_number": _l("Приказ о зачислении"),
                       "accepted_on": _l("Принят"), "accepted_by": _l("Кем принят"), "issued_by": _l("Кем оформлен"),
                       "snapshot": _l("Переданные сведения")}.items():
        EXTRA_LABELS.setdefault(key, label)


def register_views(appbuilder):
    from app.views.catalog import CATEGORIES

    _audit_names()
    label, icon = CATEGORIES["People"]
    appbuilder.add_view(TransferView, "Transfers", label=TransferView.title, category="People",
                        category_label=label, category_icon=icon)
    appbuilder.add_view(TransferMarksView, "TransferMarks", label=TransferMarksView.title, category="People",
                        category_label=label, category_icon=icon)
