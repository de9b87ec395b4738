"""What every response says about itself, and who really sent the request.

Behind a reverse proxy every request comes from the proxy: ``TRUSTED_PROXIES`` says how
many proxies stand in front, and only their ``X-Forwarded-*`` headers are believed (a
client's own forged header is ignored), so that throttling, audit and activity see the
real address. Every response carries the security headers; every page and API answer
except static files is ``no-store``: they hold children's personal data.
"""
from __future__ import annotations

import secrets

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Scripts only from our own files or carrying this response's nonce (FAB's templates
# already print ``csp_nonce()`` on theirs); no inline handlers anywhere (pages declare
# behaviours with data attributes, app/static/ejournal.js); no framing (clickjacking),
# no plugins, forms and the document base only to ourselves. Styles stay inline-able:
# FAB's templates and widgets set style attributes, and a style cannot run code.
CSP = ("default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
       "object-src 'none'; base-uri 'self'; form-action 'self'")
HSTS = "max-age=31536000; includeSubDomains"


def init_http(app: Flask) -> None:
    app.wsgi_app = secure_cookies(app.wsgi_app)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.after_request(secure_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce


def csp_nonce() -> str:
    """The nonce of this response: printed on every inline script and named in its policy."""
    # On the request, not on ``g``: an application context may outlive one request.
    environ = request.environ
    if "ejournal.csp_nonce" not in environ:
        environ["ejournal.csp_nonce"] = secrets.token_urlsafe(16)
    return environ["ejournal.csp_nonce"]


def secure_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP.format(nonce=csp_nonce()))
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response



def secure_cookies(wsgi_app):
    """Over HTTPS (directly or behind a trusted proxy, which is why this sits inside
    ProxyFix) every cookie set — the session, «remember me», a device's, whoever sets it
    and however late — is marked Secure, so it never travels over plain HTTP; over plain
    HTTP, as in a first try on a laptop, cookies still work."""

    def middleware(environ, start_response):
        if environ.get("wsgi.url_scheme") != "https":
            return wsgi_app(environ, start_response)

        def start(status, headers, exc_info=None):
            headers = [(name, value + "; Secure" if name.lower() == "set-cookie" and "; secure" not in value.lower()
                        else value) for name, value in headers]
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return middleware
