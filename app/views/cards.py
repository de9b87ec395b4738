"""Pages of the two cards: a list of the organisation's learners, a card, its form.

Access is decided twice, from the same data. FAB's ``has_access`` checks the
card's resource (role default or «Права ролей»); then ``_require`` checks the
request scope's ``restricted_read`` / ``restricted_write``, which also refuses
the system administrator (no organisation, no business with medical data).
Below both, the core cuts the models for anyone lacking the resource
(``app.scoping``, hook ``register_restricted_models``): even a query written by mistake
elsewhere returns no card. The models are exposed by these pages only — no
ModelView, no REST API. Every page showing card data writes one «просмотр»
audit entry per card shown.
"""
from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.exceptions import RuleError, ScopeError
from app.extensions import db
from app.models import AcademicYear, Learner, LearnerGroup
from app.models.cards import HealthCondition, MedicalCard, MedicalCardCondition, PsychoCard
from app.registry import READ, WRITE
from app.scoping import current_scope
from app.services import cards as svc
from app.views.base import EjournalModelView, interface

PER_PAGE = 25


def _org_id() -> int:
    scope = current_scope()
    if scope is None or scope.default_org_id is None:
        abort(403)
    return scope.default_org_id


def _committed(page):
    """Commit the view log after the page is rendered: a commit first would expire
    the rows shown and reload them one by one."""
    db.session.commit()
    return page


class _CardView(BaseView):
    """Shared list / card / form pages; subclasses name the model, resource and templates."""

    model = None
    resource = ""
    title = ""
    show_template = form_template = ""
    method_permission_name = {"index": READ, "show": READ, "edit": WRITE, "save": WRITE}
    default_view = "index"

    def _require(self, write: bool = False) -> None:
        scope = current_scope()
        if scope is None:
            abort(403)
        allowed = scope.restricted_write if write else scope.restricted_read
        if allowed is None or self.resource not in allowed:
            abort(403)

    def _learner(self, learner_id: int) -> Learner:
        learner = db.session.get(Learner, learner_id)
        if learner is None or learner.org_id != _org_id():
            abort(404)
        return learner

    def _card(self, learner_id: int):
        return db.session.scalar(select(self.model).where(self.model.learner_id == learner_id))

    def _can_write(self) -> bool:
        scope = current_scope()
        return bool(scope and scope.restricted_write and self.resource in scope.restricted_write)

    def _extra_list(self, cards):
        return {}

    def _prepare(self, learner):
        """Before the form opens (the user may write)."""

    def _context(self, learner, card):
        return {}

    @expose("/")
    @has_access
    def index(self):
        self._require()
        org_id = _org_id()
        session = db.session
        q = (request.args.get("q") or "").strip()[:100]
        group_id = request.args.get("group", type=int)
        page = max(0, (request.args.get("page", type=int) or 1) - 1)
        only_cards = request.args.get("filled") == "1"
        total, rows = svc.learner_page(session, org_id, self.model, q, group_id, page, PER_PAGE, only_cards)
        groups = session.execute(select(LearnerGroup.id, LearnerGroup.name)
                                 .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
                                 .where(AcademicYear.closed.is_(False))
                                 .order_by(LearnerGroup.level, LearnerGroup.name, LearnerGroup.id)).all()
        cards = [card for _, _, card in rows if card is not None]
        extra = self._extra_list(cards)
        svc.log_card_views(session, self.model, cards)
        pages = max(1, -(-total // PER_PAGE))
        return _committed(self.render_template(
            "cards/list.html", view=self, rows=rows, total=total, page=page + 1, pages=pages, q=q,
            group_id=group_id, only_cards=only_cards, groups=groups, extra=extra, svc=svc, today=clock.today()))

    @expose("/<int:learner_id>")
    @has_access
    def show(self, learner_id):
        self._require()
        learner = self._learner(learner_id)
        card = self._card(learner_id)
        context = self._context(learner, card)
        if card is not None:
            svc.log_card_views(db.session, self.model, [card])
        return _committed(self.render_template(self.show_template, view=self, learner=learner, card=card, svc=svc,
                                               can_write=self._can_write(), today=clock.today(), **context))

    @expose("/<int:learner_id>/edit")
    @has_access
    def edit(self, learner_id):
        self._require(write=True)
        learner = self._learner(learner_id)
        self._prepare(learner)
        card = self._card(learner_id)
        context = self._context(learner, card)
        if card is not None:
            svc.log_card_views(db.session, self.model, [card])
        return _committed(self.render_template(self.form_template, view=self, learner=learner, card=card, svc=svc,
                                               form=None, today=clock.today(), **context))

    @expose("/<int:learner_id>/edit", methods=["POST"])
    @has_access
    def save(self, learner_id):
        self._require(write=True)
        learner = self._learner(learner_id)
        card = self._card(learner_id)
        try:
            self._save(learner, card, request.form)
            db.session.commit()
        except (RuleError, ScopeError, IntegrityError, StaleDataError) as exc:
            db.session.rollback()
            if isinstance(exc, RuleError):
                message = exc.shown()
            elif isinstance(exc, ScopeError):
                message = str(exc)
            else:  # a card created or changed by someone else in the same moment
                message = _("Карту уже изменил другой пользователь. Откройте её заново и повторите правку.")
            flash(message, "danger")
            learner = self._learner(learner_id)
            card = self._card(learner_id)
            return self.render_template(self.form_template, view=self, learner=learner, card=card, svc=svc,
                                        form=request.form, today=clock.today(),
                                        **self._context(learner, card)), 422
        flash(_("Карта сохранена."), "success")
        return redirect(url_for(f"{type(self).__name__}.show", learner_id=learner_id))


class MedicalCardView(_CardView):
    route_base = "/medcards"
    class_permission_name = svc.MEDICAL
    model = MedicalCard
    resource = svc.MEDICAL
    title = _l("Медицинские карты")
    empty = _l("карта не заполнена")
    show_template = "cards/medical_show.html"
    form_template = "cards/medical_form.html"

    def _extra_list(self, cards):
        return svc.condition_names(db.session, cards)

    def _prepare(self, learner):
        # A new school's nurse starts from the usual conditions, then edits the reference.
        svc.ensure_reference(db.session, learner.org_id)
        db.session.flush()

    def _context(self, learner, card):
        return {"conditions": svc.active_conditions(db.session, learner.org_id),
                "card_conditions": {c.condition_id: c for c in card.conditions} if card is not None else {}}

    def _save(self, learner, card, form):
        conditions = svc.active_conditions(db.session, learner.org_id)
        current = {c.condition_id for c in card.conditions} if card is not None else set()
        data = svc.parse_medical(form, conditions, clock.today(), current)
        svc.save_medical(db.session, learner, card, data, form)


class PsychoCardView(_CardView):
    route_base = "/psychocards"
    class_permission_name = svc.PSYCHO
    model = PsychoCard
    resource = svc.PSYCHO
    title = _l("Психолого-педагогические карточки")
    empty = _l("карточка не заведена")
    show_template = "cards/psycho_show.html"
    form_template = "cards/psycho_form.html"

    def _save(self, learner, card, form):
        data = svc.parse_psycho(form, clock.today())
        svc.save_psycho(db.session, learner, card, data, form)


class HealthConditionView(EjournalModelView):
    """Справочник заболеваний: the nurse adds the conditions her school needs."""

    datamodel = interface(HealthCondition)
    class_permission_name = "HealthConditions"
    title = _l("Справочник заболеваний")
    label_columns = {**EjournalModelView.label_columns, "active": _l("Используется")}
    list_columns = show_columns = add_columns = edit_columns = ["name", "active"]
    search_columns = ["name"]
    base_order = ("name", "asc")

    def pre_delete(self, item):
        """A condition on some card is switched off («Используется»: нет), never deleted.
        Counted uncut: whoever edits the reference learns only that it is in use."""
        from sqlalchemy import func

        from app.scoping import acting_as

        with acting_as(None):
            used = db.session.scalar(select(func.count(MedicalCardCondition.id))
                                     .where(MedicalCardCondition.condition_id == item.id))
        if used:
            raise RuleError(str(svc.RULE_MEDICAL), _l(
                "Заболевание «%(name)s» отмечено в картах (%(n)s): его нельзя удалить, снимите отметку «Используется».",
                name=item.name, n=used))
