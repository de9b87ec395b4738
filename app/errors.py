"""Error pages in Russian; never a stack trace to the user."""
from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from app.exceptions import ScopeError


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _page(code: int, title: str, message: str, request_id: str | None = None):
    if _wants_json():
        return jsonify(message=message, **({"request_id": request_id} if request_id else {})), code
    return render_template("error.html", code=code, title=title, message=message, request_id=request_id), code


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

    @app.errorhandler(400)
    def bad_request(e):
        # app/bad_input.py's refusals say what was wrong; werkzeug's own (a missing form
        # field, a broken body) get the general message.
        return _page(400, _("Неверный запрос"), getattr(e, "russian", None) or _(
            "Запрос не удалось разобрать. Проверьте введённые данные и отправьте ещё раз; данные не изменены."))

    @app.errorhandler(413)
    def too_large(_e):
        limit = (app.config.get("MAX_CONTENT_LENGTH") or 0) // (1024 * 1024)
        return _page(413, _("Слишком большой запрос"), _(
            "Файлы или данные слишком велики: за один раз можно отправить не больше %(mb)s МБ. "
            "Ничего не сохранено.", mb=limit))

    @app.errorhandler(500)
    def server_error(_e):
        # Flask has logged the traceback once (app.log_exception), with the request id
        # (app/logs.py): the page gives the id to the user for the administrator.
        from .extensions import db
        from .logs import current_request_id

        db.session.rollback()
        return _page(500, _("Ошибка на сервере"),
                     _("Что-то пошло не так. Данные не изменены; попробуйте ещё раз или сообщите администратору."),
                     request_id=current_request_id())
