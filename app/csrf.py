"""CSRF on every state-changing request, forms and JSON alike.

``CSRFProtect`` checks every POST/PUT/PATCH/DELETE that carries a token in the form
field ``csrf_token`` or in the header ``X-CSRFToken``, except the views and blueprints
exempted from it, and Flask-AppBuilder exempts the blueprint of every REST API
(``BaseApi.csrf_exempt``): its token is meant to be a JWT, whereas ours are called
with the session cookie (``allow_browser_login``) and no JWT can be had here
(``FAB_ADD_SECURITY_API`` is off). This hook checks the token again with no
exemption at all (``CSRFProtect.protect()``, Flask-WTF's seam for manual checks), so
a write without it is refused whoever registered the route. The browser's pages carry
the token in ``<meta name="csrf-token">`` (templates/appbuilder/init.html), which
app/static/ejournal.js sends as ``X-CSRFToken`` with every same-origin ``fetch``
that writes.
"""
from __future__ import annotations

from flask import Flask, request

# Endpoints that may be written without a token, each with its reason. None: the login
# form (``AuthDBView.login``) carries FAB's own token and is checked like every form.
EXEMPT: dict[str, str] = {}


def init_csrf(app: Flask, csrf) -> None:
    @app.before_request
    def _csrf_on_every_write():
        if not app.config.get("WTF_CSRF_ENABLED", True):
            return
        if request.method not in app.config["WTF_CSRF_METHODS"]:
            return
        if request.endpoint is None or request.endpoint in EXEMPT:
            return  # no such page: its 404 or 405 says so
        csrf.protect()
