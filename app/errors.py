"""Error pages in Russian; never a stack trace to the user."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.exceptions import ScopeError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(code: int, title: str, message: str):
    if _wants_json():
        return jsonify(message=message), code
    return render_template("error.html", code=code, title=title, message=message), code


def register_error_pages(app) -> None:
    # Error pages extend FAB's layout, which needs the appbuilder outside its views too.
    app.context_processor(lambda: {"appbuilder": app.appbuilder})

    @app.errorhandler(403)
    def forbidden(_e):
        return _page(403, _("Доступ запрещён"), _("У вас нет прав на эту страницу."))

    @app.errorhandler(ScopeError)
    def out_of_scope(e):
        from .extensions import db

        db.session.rollback()
        return _page(403, _("Доступ запрещён"), str(e))

    @app.errorhandler(404)
    def not_found(_e):
        return _page(404, _("Страница не найдена"), _("Такой страницы нет или она вам недоступна."))

    @app.errorhandler(405)
    def not_allowed(_e):
        return _page(405, _("Действие недоступно"), _("Этот адрес не принимает такой запрос."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_e):
        return _page(400, _("Форма устарела"), _("Обновите страницу и отправьте форму ещё раз."))

    @app.errorhandler(500)
    def server_error(_e):
        from .extensions import db

        db.session.rollback()
        return _page(500, _("Ошибка на сервере"),
                     _("Что-то пошло не так. Данные не изменены; попробуйте ещё раз или сообщите администратору."))
