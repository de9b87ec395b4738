"""Bad input is refused with a Russian message, never a crash (issue 16).

One place for what every route would otherwise have to check for itself:

- a NUL byte anywhere in a request (query, form, file name, JSON, the path): PostgreSQL
  cannot store one, so the request is refused whole (400 «Недопустимый символ…»)
  before any view reads it — stripping it silently would store something other than
  what was typed;
- ids past a 32-bit integer (the id columns' range on PostgreSQL): an ``<int:…>`` of a
  route or FAB's ``<pk>`` past it is a 404, like any missing record (a ``<pk>`` that
  is no number at all too), and ``request.args/form.get(name, type=int)`` — how our
  views read ids — treats such a number as not given;
- JSON nested too deep for the parser (400);
- FAB's list arguments (``page_<View>``, ``psize_<View>``, ``_oc_<View>``,
  ``_flt_<n>_<column>``): a page that is not a number, an order column the view
  does not sort by, a filter the column does not have, a filter value of a page's
  length are dropped (the list shows as without them); a page size is at most
  ``MAX_PAGE_SIZE``;
- FAB's back-navigation history (``session["page_history"]``) never keeps a URL
  longer than ``MAX_URL``, and a redirect whose Location would be longer (a view
  copying the form's values into it) goes to its path without the query;
- what the database still refuses as a value (PostgreSQL's «value too long»,
  «integer out of range», an impossible date…: ``DataError``) is rolled back and
  answered 400 with a Russian message instead of 500.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Request, request, session
from flask_babel import gettext as _
from sqlalchemy.exc import DataError
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, NotFound

INT_MAX = 2**31 - 1  # PostgreSQL's integer: every id column
MAX_URL = 2048  # a URL kept for «back» navigation
MAX_PAGE_SIZE = 100
MAX_FILTER_VALUE = 500
MAX_JSON_DEPTH = 64
_PK = re.compile(r"\d{1,10}")


class BadInput(BadRequest):
    """A 400 whose ``russian`` message the error page shows (app/errors.py)."""

    def __init__(self, russian: str):
        super().__init__()
        self.russian = russian


def _in_range(value) -> bool:
    return not isinstance(value, int) or isinstance(value, bool) or -INT_MAX - 1 <= value <= INT_MAX


class BoundedMultiDict(ImmutableMultiDict):
    """``get(name, type=int)`` of a number past a 32-bit integer gives ``default``,
    as any other value that is not an id does."""

    def get(self, key, default=None, type=None):  # noqa: A002 (werkzeug's name)
        value = super().get(key, default=default, type=type)
        if type is int and value is not default and not _in_range(value):
            return default
        return value

    def getlist(self, key, type=None):  # noqa: A002
        values = super().getlist(key, type=type)
        if type is int:
            values = [v for v in values if _in_range(v)]
        return values


class EjournalRequest(Request):
    parameter_storage_class = BoundedMultiDict


def init_bad_input(app: Flask) -> None:
    """Before any other hook: bad input is refused before anything reads it."""
    app.request_class = EjournalRequest
    app.before_request(_refuse_bad_input)
    app.before_request(_clean_list_args)
    app.after_request(_short_history)
    app.register_error_handler(DataError, _data_error)


def _refuse_bad_input():
    if any(not _in_range(value) for value in (request.view_args or {}).values()):
        raise NotFound()  # no record has such an id (and PostgreSQL could not even look)
    pk = (request.view_args or {}).get("pk")
    if isinstance(pk, str) and (not _PK.fullmatch(pk) or int(pk) > INT_MAX) and _int_pk_view():
        raise NotFound()
    if "\x00" in request.path or _has_nul(request.args) or (
            request.method not in ("GET", "HEAD") and (_has_nul(request.form) or any(
                "\x00" in (f.filename or "") for f in request.files.values()))):
        raise BadInput(_("Недопустимый символ в запросе (нулевой байт). Проверьте введённые данные."))
    if request.is_json and request.content_length:
        try:
            payload = request.get_json(silent=True)
        except RecursionError:
            raise BadInput(_("Слишком глубокая вложенность данных в запросе.")) from None
        if _json_depth(payload) > MAX_JSON_DEPTH:
            raise BadInput(_("Слишком глубокая вложенность данных в запросе."))
        if _json_has_nul(payload):
            raise BadInput(_("Недопустимый символ в запросе (нулевой байт). Проверьте введённые данные."))


def _has_nul(multidict) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in multidict.items(multi=True)
               if isinstance(value, str))


def _json_depth(value, depth: int = 0) -> int:
    if depth > MAX_JSON_DEPTH:
        return depth
    if isinstance(value, dict):
        return max((_json_depth(v, depth + 1) for v in value.values()), default=depth + 1)
    if isinstance(value, list):
        return max((_json_depth(v, depth + 1) for v in value), default=depth + 1)
    return depth


def _json_has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any("\x00" in str(k) or _json_has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_json_has_nul(v) for v in value)
    return False


def _view_of_request():
    """The FAB view serving this request (its blueprint), if any."""
    appbuilder = _appbuilder()
    blueprint = request.blueprint
    if appbuilder is None or blueprint is None:
        return None
    for view in appbuilder.baseviews:
        if getattr(view, "endpoint", None) == blueprint:
            return view
    return None


def _appbuilder():
    from flask import current_app

    return getattr(current_app, "appbuilder", None)


def _int_pk_view() -> bool:
    view = _view_of_request()
    datamodel = getattr(view, "datamodel", None)
    if datamodel is None:
        return True
    try:
        from sqlalchemy import inspect

        (column,) = inspect(datamodel.obj).primary_key
        return column.type.python_type is int
    except Exception:  # a composite or unusual key: FAB handles it
        return False


def _views_by_name() -> dict:
    appbuilder = _appbuilder()
    return {type(v).__name__: v for v in (appbuilder.baseviews if appbuilder else [])}


def _clean_list_args():
    args = request.args
    if not any(k.startswith(("page_", "psize_", "_oc_", "_flt_")) for k in args):
        return
    views = _views_by_name()
    current = _view_of_request()
    kept = []
    for key, value in args.items(multi=True):
        if key.startswith("page_"):
            if not value.isdigit() or int(value) > 100_000:
                continue
        elif key.startswith("psize_"):
            if not value.isdigit() or int(value) < 1:
                continue
            value = str(min(int(value), MAX_PAGE_SIZE))
        elif key.startswith("_oc_"):
            view = views.get(key[4:])
            if view is None or value not in (getattr(view, "order_columns", None) or []):
                continue
        elif key.startswith("_flt_"):
            match = re.fullmatch(r"_flt_(\d)_(.*)", key)
            filters = getattr(getattr(current, "_filters", None), "_all_filters", None)
            if match is None or filters is None or len(value) > MAX_FILTER_VALUE:
                continue
            index, column = int(match.group(1)), match.group(2)
            if column not in filters or index >= len(filters[column]):
                continue
        kept.append((key, value))
    request.args = BoundedMultiDict(kept)


def _short_history(response):
    history = session.get("page_history") if "page_history" in session else None
    if history and any(len(url) > MAX_URL for url in history):
        session["page_history"] = [url for url in history if len(url) <= MAX_URL]
    # A redirect that copies the request's values into its query (a refused form coming
    # back filled in) goes to the bare page when they would make a URL no browser keeps.
    location = response.headers.get("Location")
    if location and len(location) > MAX_URL:
        response.headers["Location"] = urlsplit(location).path[:MAX_URL] or "/"
    return response


def _data_error(_exc):
    from .errors import _page
    from .extensions import db

    db.session.rollback()
    return _page(400, _("Неверные данные"),
                _("Значение не подходит: оно слишком длинное или неверного вида. Данные не изменены."))
