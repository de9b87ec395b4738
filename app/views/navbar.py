"""The top menu, rendered once per kind of user and kept.

FAB renders its menu entry by entry on every page: a translation, an access check
and a URL an entry, about a quarter of a light page's time. What it shows depends
on the user's readable entries (``security._allowed_menus``, from his rights), on
his organisation (a plugin's entries and words), the language and the unread mail
counter; the HTML is kept in process memory under exactly those and the tokens of
the data they come from (``models.ScopeEpoch``, read once a request with the
user's scope), so a change of rights, roles or the organisation's data renews it.
"""
from __future__ import annotations

from flask import current_app, g, render_template
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from ..lru import LRU

EXTENSION = "ejournal_navbar"


def _kept() -> LRU:
    return current_app.extensions.setdefault(EXTENSION, LRU(512))


def _key():
    from ..scoping import current_scope
    from .mail import unread_for_request

    scope = current_scope()
    sm = current_app.appbuilder.sm
    tokens = g.get("ejournal_epoch")
    if tokens is None:  # the system administrator's scope is not cached: neither is his menu
        return None
    return (str(get_locale()), frozenset(sm.get_user_menu_access()), scope.org_ids if scope else (),
            tuple(sorted(tokens.items())), unread_for_request())


def navbar_menu() -> Markup:
    """The menu's entries as HTML (template global of ``appbuilder/navbar_menu.html``)."""
    key = _key() if current_user.is_authenticated else None
    if key is None:
        return _render()
    html = _kept().get(key)
    if html is None:
        html = _render()
        _kept().put(key, html)
    return html


def _render() -> Markup:
    # The output of an autoescaped template: already safe HTML, marked so for the page's template.
    html = render_template("appbuilder/navbar_menu_items.html", menu=current_app.appbuilder.menu)
    return Markup(html)  # nosec B704 - escaped by Jinja's autoescape when rendered


def init_navbar(app) -> None:
    app.jinja_env.globals["navbar_menu"] = navbar_menu
