"""Доска объявлений: the list, one announcement, the form to post, withdrawal; and the
board shown on the home page and in the diary (``announcement_board`` in templates)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from .. import clock
from ..exceptions import RuleError, ScopeError
from ..extensions import db
from ..idempotency import once
from ..registry import READ, WRITE
from ..services import announcements as board


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def announcement_board(limit: int = 5):
    """Announcements shown today to the signed-in user (one query; [] for guests)."""
    if not current_user.is_authenticated or not getattr(current_user, "org_id", None):
        return []
    return board.current_for(db.session, board.reader_of(current_user), limit=limit)


class AnnouncementsView(BaseView):
    route_base = "/announcements"
    class_permission_name = "Announcements"
    method_permission_name = {"index": READ, "show": READ, "create": WRITE, "withdraw": WRITE}
    default_view = "index"

    @staticmethod
    def menu_label():
        return _l("Доска объявлений")

    def _can_post(self) -> bool:
        return current_app.appbuilder.sm.level("Announcements") >= 2 and board.may_post(db.session, current_user)

    @expose("/")
    @has_access
    def index(self):
        page = max(0, request.args.get("page", 0, type=int))
        reader = board.reader_of(current_user)
        total, items = board.listing(db.session, reader, page)
        return self.render_template("announcements/list.html", items=items, page=page, total=total,
                                    pages=max(1, (total + board.PAGE_SIZE - 1) // board.PAGE_SIZE),
                                    labels=board.AUDIENCE_LABELS, today=clock.today(), can_post=self._can_post())

    @expose("/<int:announcement_id>")
    @has_access
    def show(self, announcement_id: int):
        item = board.get_for(db.session, board.reader_of(current_user), announcement_id)
        if item is None:
            abort(404)
        may_withdraw = self._can_post() and (item.author_id == current_user.id or board.reader_of(current_user).manages_all)
        return self.render_template("announcements/show.html", item=item, labels=board.AUDIENCE_LABELS,
                                    today=clock.today(), may_withdraw=may_withdraw)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def create(self):
        if not board.may_post(db.session, current_user):
            flash(_("Объявления: публиковать могут администрация, секретарь, психолог и классные руководители "
                    "(для своих классов)."), "danger")
            return redirect(url_for("AnnouncementsView.index"))
        f = request.form
        today = clock.today()
        if request.method == "POST":
            try:
                item = board.post(db.session, current_user, f.get("title"), f.get("body"), f.get("audience", ""),
                                  _date(f.get("shown_from")), _date(f.get("shown_to")), f.getlist("groups"))
                db.session.commit()
                flash(_("Объявление опубликовано."), "success")
                return redirect(url_for("AnnouncementsView.show", announcement_id=item.id))
            except (RuleError, ScopeError) as exc:
                db.session.rollback()
                flash(exc.shown() if isinstance(exc, RuleError) else str(exc), "danger")
        audiences = board.audience_choices(current_user)
        return self.render_template(
            "announcements/form.html", audiences=audiences, labels=board.AUDIENCE_LABELS,
            groups=board.group_choices(db.session, current_user), form=f,
            chosen={int(x) for x in f.getlist("groups") if x.isdigit()},
            shown_from=f.get("shown_from") or today.isoformat(),
            shown_to=f.get("shown_to") or (today + dt.timedelta(days=7)).isoformat())

    @expose("/<int:announcement_id>/withdraw", methods=["POST"])
    @has_access
    def withdraw(self, announcement_id: int):
        item = board.get_for(db.session, board.reader_of(current_user), announcement_id)
        if item is None:
            abort(404)
        try:
            board.withdraw(db.session, current_user, item)
            db.session.commit()
            flash(_("Объявление снято с показа (оно сохранено в списке)."), "success")
        except (RuleError, ScopeError) as exc:
            db.session.rollback()
            flash(exc.shown() if isinstance(exc, RuleError) else str(exc), "danger")
        return redirect(url_for("AnnouncementsView.show", announcement_id=announcement_id))


def register_announcements(app, appbuilder) -> None:
    appbuilder.add_view(AnnouncementsView, "Announcements", label=AnnouncementsView.menu_label(), icon="fa-bullhorn",
                        category="Communication")
    app.jinja_env.globals["announcement_board"] = announcement_board
