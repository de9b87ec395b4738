"""Почта: inbox, sent messages with read receipts, threads, the new-message form,
and the notices a teacher or class teacher sends from the journal."""
from __future__ import annotations

from flask import abort, current_app, flash, g, has_request_context, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import escape

from ..exceptions import RuleError, ScopeError
from ..extensions import db
from ..idempotency import once
from ..lru import LRU
from ..registry import READ, WRITE
from ..services import mail, notices

EXTENSION = "ejournal_unread"


def unread_for_request() -> int:
    """The user's unread messages, kept with the request (not in ``g``: an
    application context may outlive a request) and, between requests, under the
    token of the account's inbox (``mail:<account>``, read with the user's scope
    tokens; renewed by any message received or read): no query on most pages."""
    if not has_request_context():
        return 0
    cache = request.environ
    if "ejournal.unread" not in cache:
        count = 0
        if current_user.is_authenticated and getattr(current_user, "org_id", None):
            token = (g.get("ejournal_epoch") or {}).get(f"mail:{current_user.id}")
            kept = current_app.extensions.setdefault(EXTENSION, LRU(4096))
            # No token yet (no message since the tokens began) is a token too: the first
            # message received writes one.
            count = kept.get((current_user.id, token))
            if count is None:
                count = mail.unread_count(db.session, current_user.id)
                kept.put((current_user.id, token), count)
        cache["ejournal.unread"] = count
    return cache["ejournal.unread"]


class CountedLabel:
    """A menu label with the unread counter: «Почта (3)». FAB prints labels through
    gettext, which hands an unknown object back untouched."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        n = unread_for_request()
        return f"{self.text} ({n})" if n else str(self.text)

    def __html__(self):
        return str(escape(str(self)))


def _page() -> int:
    return max(0, request.args.get("page", 0, type=int))


def _pages(total: int, size: int) -> int:
    return max(1, (total + size - 1) // size)


class MailView(BaseView):
    route_base = "/mail"
    class_permission_name = "Mail"
    method_permission_name = {"inbox": READ, "sent": READ, "thread": READ, "compose": WRITE,
                              "reply": WRITE, "notice": WRITE}
    default_view = "inbox"

    @staticmethod
    def menu_label():
        return CountedLabel(_l("Почта"))

    def _render(self, template, **kw):
        return self.render_template(template, unread=unread_for_request(), ranks=mail.SENDER_LABELS, **kw)

    def _listing(self, tab: str, read):
        """The tab's page of the user's messages (``read``: ``mail.inbox`` or ``mail.sent``)."""
        page = _page()
        total, rows = read(db.session, current_user.id, page)
        return self._render(f"mail/{tab}.html", tab=tab, rows=rows, page=page,
                            pages=_pages(total, mail.PAGE_SIZE), total=total)

    @expose("/")
    @has_access
    def inbox(self):
        return self._listing("inbox", mail.inbox)

    @expose("/sent")
    @has_access
    def sent(self):
        return self._listing("sent", mail.sent)

    @expose("/thread/<int:thread_id>")
    @has_access
    def thread(self, thread_id: int):
        thread, messages = mail.open_thread(db.session, current_user, thread_id)
        if thread is None:
            abort(404)
        db.session.commit()  # read receipts
        request.environ.pop("ejournal.unread", None)
        return self._render("mail/thread.html", tab="inbox", thread=thread, messages=messages,
                            reply_to=mail.reply_targets(db.session, current_user, messages))

    @expose("/thread/<int:thread_id>/reply", methods=["POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def reply(self, thread_id: int):
        if mail.thread_for(db.session, current_user, thread_id) is None:
            abort(404)
        try:
            mail.send(db.session, current_user, request.form.getlist("to"), request.form.get("body", ""),
                      thread_id=thread_id)
            db.session.commit()
            flash(_("Ответ отправлен."), "success")
        except (RuleError, ScopeError) as exc:
            db.session.rollback()
            flash(_refusal(exc), "danger")
        return redirect(url_for("MailView.thread", thread_id=thread_id))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def compose(self):
        reachable = mail.reachable_recipients(db.session, current_user)
        chosen = {int(x) for x in request.values.getlist("to") if x.isdigit()}
        if request.method == "POST":
            try:
                message = mail.send(db.session, current_user, request.form.getlist("to"), request.form.get("body", ""),
                                    subject=request.form.get("subject", ""))
                db.session.commit()
                flash(_("Сообщение отправлено: получателей — %(n)s.", n=len(message.recipients)), "success")
                return redirect(url_for("MailView.sent"))
            except (RuleError, ScopeError) as exc:
                db.session.rollback()
                flash(_refusal(exc), "danger")
        # Narrowing the list by role (section) and by group, as the form's filters ask.
        section = request.args.get("section", type=int)
        group = request.args.get("group", type=int)
        shown = [r for r in reachable if (section is None or r.rank == section) and
                 (group is None or group in r.group_ids)]
        sections: list[tuple[str, list]] = []
        for r in shown:
            title = r.section + (f" · {r.groups[0]}" if r.rank >= mail.RANK_PARENT and r.groups else "")
            if not sections or sections[-1][0] != title:
                sections.append((title, []))
            sections[-1][1].append(r)
        groups = sorted({(gid, name) for r in reachable for gid, name in zip(r.group_ids, r.groups)},
                        key=lambda x: x[1])
        ranks = sorted({r.rank for r in reachable})
        return self._render("mail/compose.html", tab="new", sections=sections, chosen=chosen, groups=groups,
                            section_choices=[(k, mail.SECTION_LABELS[k]) for k in ranks], section=section,
                            group=group, subject=request.form.get("subject", ""), body=request.form.get("body", ""))

    @expose("/notice", methods=["GET", "POST"])
    @has_access
    @once  # a second submission of the same form creates nothing (app/idempotency.py)
    def notice(self):
        learner = notices.learner_for(db.session, request.values.get("learner", type=int))
        if learner is None:
            abort(404)
        targets = notices.targets(db.session, current_user, learner)
        if request.method == "POST":
            try:
                message = notices.notify(db.session, current_user, learner, request.form.get("to", ""),
                                         request.form.get("body", ""))
                db.session.commit()
            except (RuleError, ScopeError) as exc:
                db.session.rollback()
                flash(_refusal(exc), "danger")
            else:
                emailed = notices.email_message(db.session, message)
                text = _("Уведомление отправлено во внутреннюю почту.")
                if emailed:
                    text += " " + _("Копий по электронной почте: %(n)s.", n=emailed)
                elif notices.smtp_configured(current_app.config):
                    text += " " + _("Электронная почта не отправлена (нет адреса или сервер недоступен).")
                flash(text, "success")
                return redirect(url_for("MailView.sent"))
        body = request.form.get("body") or notices.journal_summary(
            db.session, learner, request.args.get("subject", type=int), request.args.get("period", type=int))
        return self._render("mail/notice.html", tab="new", learner=learner, targets=targets, body=body,
                            to=request.form.get("to") or (next(iter(targets)) if targets else ""),
                            subject_id=request.args.get("subject", type=int),
                            period_id=request.args.get("period", type=int))


def _refusal(exc) -> str:
    return exc.shown() if isinstance(exc, RuleError) else str(exc)


def register_mail(app, appbuilder) -> None:
    from ..services.activity import init_activity

    label = CountedLabel(_l("Общение"))
    appbuilder.add_view(MailView, "Mail", label=MailView.menu_label(), icon="fa-envelope", category="Communication",
                        category_label=label, category_icon="fa-comments")
    init_activity(app)
