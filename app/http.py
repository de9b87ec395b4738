"""What every response says about itself, and who really sent the request.

Behind a reverse proxy every request comes from the proxy: ``TRUSTED_PROXIES`` says how
many proxies stand in front, and only their ``X-Forwarded-*`` headers are believed (a
client's own forged header is ignored), so that throttling, audit and activity see the
real address. Every response carries the security headers; every page and API answer
except static files is ``no-store``: they hold children's personal data.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No framing (clickjacking), no plugins, forms and the document base only to ourselves.
# Scripts stay inline in FAB's templates: a script-src policy waits for nonces there.
CSP = "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'"
HSTS = "max-age=31536000; includeSubDomains"


def init_http(app: Flask) -> None:
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)
    app.after_request(secure_headers)


def secure_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response
