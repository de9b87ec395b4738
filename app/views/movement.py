"""Pages of the movement book: the book, a learner's history with the order form,
the overdue entries (R14) and the closing of a school year."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app import clock
from app.exceptions import InvalidRecord, RuleError
from app.extensions import db
from app.models import AcademicYear, Learner, LearnerGroup
from app.registry import READ, WRITE
from app.services.kinds import SCHOOL_WORDS, joined, kind_of, lower_first, organisation_kinds
from app.services.movement import (
    apply_order,
    book_page,
    close_year,
    kind_names,
    learner_history,
    manual_kinds,
    on_leave,
    overdue_items,
    plan_closing,
)
from app.views.base import saved
from app.views.vocabulary import current_vocabulary, phrase, speak_of_kind

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def scoped_get(session, model, ident):
    """The row by id through a query, so that the user's scope always applies (``session.get``
    may answer from the identity map without asking the database)."""
    if not isinstance(ident, int):
        return None
    return session.scalar(select(model).where(model.id == ident))


def _can(resource: str) -> bool:
    return current_app.appbuilder.sm.level(resource) >= 2


def _open_classes(session):
    return session.execute(
        select(LearnerGroup.id, LearnerGroup.name, AcademicYear.name)
        .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(AcademicYear.closed.is_(False))
        .order_by(AcademicYear.start, LearnerGroup.level, LearnerGroup.name)).all()


def kind_labels(group_kinds=None) -> dict[str, str]:
    """Order code → its name as the groups' kind calls it («Отчисление» in a college);
    without kinds: as the kinds of the user's organisation agree, else the core's."""
    if group_kinds is None:
        group_kinds = [kind.code for kind in current_vocabulary()._org_kinds]
    return {code: _(label) for code, label in kind_names(group_kinds).items()}


class MovementBookView(BaseView):
    route_base = "/movement"
    class_permission_name = "Movement"
    method_permission_name = {"index": READ, "learner": READ, "order": WRITE}
    default_view = "index"
    title = phrase("Книга движения %(learners)s", learners="learners_of")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        kind = request.args.get("kind") or None
        group_id = request.args.get("group", type=int)
        query = (request.args.get("q") or "").strip()[:100]
        page = max(request.args.get("page", 0, type=int), 0)
        total, rows = book_page(session, kind=kind, group_id=group_id, query=query, page=page, page_size=PAGE_SIZE)
        found = []
        if query:
            found = session.execute(
                select(Learner.id, Learner.last_name, Learner.first_name, Learner.middle_name, LearnerGroup.name,
                       Learner.left_on)
                .outerjoin(LearnerGroup, LearnerGroup.id == Learner.group_id)
                .where(Learner.last_name.ilike(f"{query}%"))
                .order_by(Learner.last_name, Learner.first_name, Learner.id).limit(20)).all()
        return self.render_template(
            "movement/book.html", rows=rows, total=total, page=page, pages=(total + PAGE_SIZE - 1) // PAGE_SIZE,
            kind=kind, group_id=group_id, query=query, kinds=kind_labels(), classes=_open_classes(session),
            found=found, title=self.title)

    @expose("/learner/<int:learner_id>")
    @has_access
    def learner(self, learner_id: int):
        session = db.session
        learner = session.scalar(select(Learner).options(joinedload(Learner.group)).where(Learner.id == learner_id))
        if learner is None:
            abort(404)
        history = learner_history(session, learner)
        kind = learner.group.kind if learner.group else None
        if kind:
            speak_of_kind(kind)
        leave = on_leave(session, learner)
        return self.render_template(
            "movement/history.html", history=history, learner=learner, kinds=kind_labels([kind] if kind else None),
            manual_kinds=manual_kinds(kind), classes=_open_classes(session), leave=leave,
            can_write=_can("Movement"),
            today=clock.today(), title=_("История движения: %(name)s", name=learner.full_name))

    @expose("/learner/<int:learner_id>/order", methods=["POST"])
    @has_access
    def order(self, learner_id: int):
        session = db.session
        learner = scoped_get(session, Learner, learner_id)
        if learner is None:
            abort(404)
        f = request.form
        to_group = scoped_get(session, LearnerGroup, f.get("to_group", type=int)) if f.get("to_group", type=int) else None
        return saved(
            lambda: apply_order(session, learner, f.get("kind", ""), number=f.get("number"), date=_date(f.get("date")),
                                event_date=_date(f.get("event_date")), to_group=to_group,
                                destination=f.get("destination"), entered_by=current_user.id),
            _("Приказ внесён в книгу движения."), url_for("MovementBookView.learner", learner_id=learner.id))


SCHOOL_DEADLINES = SCHOOL_WORDS.movement_deadlines


def _closing_words(plan) -> dict[str, str]:
    """Where the year's learners move and who is copied, in the words of the kinds of the
    groups being closed («на следующий курс», «кураторы»); of the organisation's kinds when
    it has no group yet."""
    kinds = [kind_of(g.group) for g in plan.groups] if plan is not None else []
    kinds = [kind for kind in kinds if kind is not None] or organisation_kinds() or [SCHOOL_WORDS]
    return {"next_level": joined(kind.next_level for kind in kinds),
            "leaders": joined(lower_first(kind.leaders) for kind in kinds)}


class MovementOverdueView(BaseView):
    """R14: orders entered after the deadlines of seed 004 3.3.3.2, and movements without an order."""

    route_base = "/movement-overdue"
    class_permission_name = "MovementOverdue"
    method_permission_name = {"index": READ}
    default_view = "index"
    title = _l("Просроченные записи книги движения")

    @expose("/")
    @has_access
    def index(self):
        org_id = current_user.org_id
        items = overdue_items(db.session, org_id, clock.today()) if org_id else []
        # The deadlines as each kind of group of the organisation has them (a school with a
        # preschool group states both).
        deadlines = list(dict.fromkeys(kind.movement_deadlines for kind in organisation_kinds(org_id)))
        return self.render_template("movement/overdue.html", items=items, title=self.title,
                                    deadlines=deadlines or [SCHOOL_DEADLINES])


class YearClosingView(BaseView):
    """The Администратор closes the school year after a preview; the Завуч and Директор see the preview."""

    route_base = "/year-closing"
    class_permission_name = "YearClosing"
    method_permission_name = {"index": READ, "close": WRITE}
    default_view = "index"
    title = _l("Закрытие учебного года")

    def _years(self):
        return db.session.scalars(select(AcademicYear).where(AcademicYear.closed.is_(False))
                                  .order_by(AcademicYear.start, AcademicYear.id)).all()

    @expose("/")
    @has_access
    def index(self):
        years = self._years()
        year_id = request.args.get("year", type=int)
        year = next((y for y in years if y.id == year_id), years[0] if years else None)
        plan = plan_closing(db.session, year) if year is not None else None
        return self.render_template("movement/closing.html", years=years, year=year, plan=plan,
                                    can_close=_can("YearClosing"), title=self.title, words=_closing_words(plan))

    @expose("/<int:year_id>/close", methods=["POST"])
    @has_access
    def close(self, year_id: int):
        year = scoped_get(db.session, AcademicYear, year_id)
        if year is None:
            abort(404)
        back = url_for("YearClosingView.index")
        if request.form.get("confirm") != "yes":
            flash(_("Подтвердите закрытие года: отметьте, что проверили, что будет сделано."), "warning")
            return redirect(url_for("YearClosingView.index", year=year.id))
        host = current_app.extensions["ejournal"]
        try:
            result = close_year(db.session, host, year, clock.today(), entered_by=current_user.id)
            db.session.commit()
        except (RuleError, InvalidRecord) as exc:
            # A group of the next year refused by its kind (a level it does not have) is a
            # refusal of the closing like any rule's: nothing is kept.
            db.session.rollback()
            flash(exc.shown() if isinstance(exc, RuleError) else str(exc), "danger")
            return redirect(back)
        flash(_("Учебный год %(old)s закрыт, открыт %(new)s: переведено %(p)s, выпущено %(g)s, оставлено на "
                "повторное обучение %(r)s.", old=year.name, new=result.new_year.name, p=result.counts["promoted"],
                g=result.counts["graduated"], r=result.counts["repeaters"]), "success")
        from app.views.timetable import flash_production_calendar

        flash_production_calendar(result.new_year)
        return redirect(back)


def _audit_names() -> None:
    """Russian names of our records and fields on the audit log page («Журнал изменений»)."""
    from app.views.audit import ENTITY_NAMES, EXTRA_LABELS

    ENTITY_NAMES.setdefault("MovementOrder", _l("Приказ книги движения"))
    for key, label in {"event_date": _l("Дата движения"), "destination": _l("Куда выбыл / основание"),
                       "from_group_id": _l("Из класса"), "to_group_id": _l("В класс"),
                       "entered_by": _l("Кем внесён"), "valid_from": _l("В подгруппе с"),
                       "valid_to": _l("В подгруппе по")}.items():
        EXTRA_LABELS.setdefault(key, label)


def register_views(appbuilder):
    from app.views.catalog import CATEGORIES

    _audit_names()

    label, icon = CATEGORIES["People"]
    appbuilder.add_view(MovementBookView, "Movement", label=MovementBookView.title, category="People",
                        category_label=label, category_icon=icon)
    appbuilder.add_view(MovementOverdueView, "MovementOverdue", label=MovementOverdueView.title, category="People",
                        category_label=label, category_icon=icon)
    org_label, org_icon = CATEGORIES["Organisation"]
    appbuilder.add_view(YearClosingView, "YearClosing", label=YearClosingView.title, category="Organisation",
                        category_label=org_label, category_icon=org_icon)
