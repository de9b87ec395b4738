"""Base classes of our CRUD views and REST APIs.

Scoping is not done here (``app.scoping`` does it below every view); these
classes give the permission vocabulary, Russian titles and bounded pages.
"""
from __future__ import annotations

import contextlib

from flask import abort, flash, has_request_context, redirect, request
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.api import BaseApi
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm.attributes import set_committed_value
from wtforms import HiddenField

from ..exceptions import EjournalError, RuleError, ScopeError
from ..extensions import db
from ..idempotency import FIELD as IDEMPOTENCY_FIELD
from ..idempotency import new_token, once
from ..registry import READ, WRITE
from .vocabulary import phrase, speak_of_kind, word

READ_WRITE = {
    "list": READ, "show": READ, "download": READ, "api_read": READ, "api_column_add": READ,
    "api_column_edit": READ, "api_readvalues": READ, "api_get": READ,
    "add": WRITE, "edit": WRITE, "delete": WRITE, "action": WRITE, "action_post": WRITE,
    "api_create": WRITE, "api_update": WRITE, "api_delete": WRITE,
    "get": READ, "get_list": READ, "info": READ,
    "post": WRITE, "put": WRITE,
}

# Column labels shared by every view (our strings go through Flask-Babel).
LABELS = {
    "name": _l("Название"), "short_name": _l("Краткое название"), "organisation": _l("Организация"),
    "timezone": _l("Часовой пояс"),
    "authority": _l("Орган управления образованием"), "year": _l("Учебный год"), "start": _l("Начало"),
    "end": _l("Окончание"), "closed": _l("Закрыт"), "plugin": _l("Модуль"), "type_code": _l("Тип"),
    "order": _l("Порядок"), "is_final": _l("Итоговый"), "kind": _l("Вид"),
    # The organisation's own words: «Параллель», «Возрастная группа»; «Класс», «Дошкольная группа».
    "level": word("any_level"),
    "leader": _l("Руководитель"), "group": word("any_group"), "subgroup": _l("Подгруппа"),
    "subject": _l("Предмет"),
    # Who teaches and the unit taught, in the kind's words: «Преподаватель», «Номер пары».
    "teacher": word("teacher"), "substitute": phrase("Замещающий %(teacher)s", teacher="teacher|lower"),
    "hours_per_week": _l("Часов в неделю"), "last_name": _l("Фамилия"), "first_name": _l("Имя"),
    "middle_name": _l("Отчество"), "full_name": _l("ФИО"), "birth_date": _l("Дата рождения"),
    "gender": _l("Пол"), "phone": _l("Телефон"), "email": _l("Эл. почта"), "position": _l("Должность"),
    "hired_on": _l("Принят на работу"), "enrolled_on": _l("Зачислен"), "left_on": _l("Выбыл"),
    "guardian": _l("Законный представитель"), "learner": word("learner"), "relation": _l("Кем приходится"),
    "date": _l("Дата"), "number": phrase("Номер %(lesson)s", lesson="lesson_of"), "topic": _l("Тема"),
    "distance": _l("Дистанционно"),
    "weight": _l("Вес"), "title": _l("Описание"), "assignment": _l("Задание"), "value": _l("Отметка"),
    "is_debt": _l("Долг («точка»)"), "comment": _l("Комментарий"), "code": _l("Код"),
    "category": _l("Категория"), "lesson": word("lesson"), "period": _l("Период"), "inn": _l("ИНН"),
    "address": _l("Адрес"), "members": _l("Состав"), "at": _l("Когда"), "username": _l("Логин"),
    "entity": _l("Объект"), "entity_id": _l("Номер записи"), "action": _l("Действие"), "old": _l("Было"),
    "new": _l("Стало"), "role": _l("Роль"), "resource": _l("Раздел"), "roles": _l("Роли"),
    "active": _l("Активна"), "person": _l("Карточка"), "type": _l("Вид работы"), "created_at": _l("Создано"),
    "last_login": _l("Последний вход"), "child_links": _l("Дети"), "guardian_links": _l("Представители"),
    "version": _l("Версия"),
}


def own_path(value: str | None, default: str) -> str:
    """A redirect target from a form or a query: a path of this site only («/consents/?group=3»);
    anything else («https://…», «//evil.example», a path past 2048 characters) gives ``default``."""
    value = (value or "").strip()
    if len(value) > 2048 or not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
        return default
    return value


def saved(action, success: str, back: str):
    """A form's POST on a page of its own: run the service's ``action`` and commit,
    flashing ``success``; a refusal rolls back, flashes its Russian message, and the
    data is as it was. Redirects to ``back`` either way."""
    try:
        action()
        db.session.commit()
        flash(success, "success")
    except EjournalError as exc:
        db.session.rollback()
        flash(exc.shown() if isinstance(exc, RuleError) else str(exc), "danger")
    return redirect(back)


class EjournalInterface(SQLAInterface):
    """FAB's data interface as every view and API of ours uses it (``interface()``):

    - a refusal of the write guard (``ScopeError``) rolls the session back: FAB
      rolls back SQLAlchemy's errors only, and the refused change must not be
      flushed by the next query of the request; on an edit page its Russian
      reason is shown (FAB flashes a bare «Ошибка базы данных» there, while its
      add and delete flash the message themselves);
    - an unticked checkbox is not a missing value (``is_nullable``);
    - no N+1 on list pages (``prefetch``): FAB joins only dotted list columns, so
      a column such as ``leader`` would be lazy-loaded row by row. After a page
      is read, the targets of the many-to-one relationships it shows (set by the
      view from its list columns) are loaded with one scoped query each;
    - a column may be shown from its whole row (``row_formatters``, set by the view):
      FAB hands a formatter the column's value only, and a group's level reads by its
      kind («Средняя» for a preschool group, «5» for a class).
    """

    prefetch: tuple[str, ...] = ()
    row_formatters: dict = {}

    def get_values_item(self, item, show_columns):
        return [self._shown(item, col) for col in show_columns]

    def get_values(self, lst, list_columns):
        for item in lst:
            yield {col: self._shown(item, col) for col in list_columns}

    def _shown(self, item, col):
        formatter = self.row_formatters.get(col)
        return formatter(item) if formatter is not None else self._get_attr_value(item, col)

    def add(self, item, commit: bool = True) -> None:
        with self._refusal_shown(on_page=False):
            super().add(item, commit)

    def edit(self, item, commit: bool = True) -> None:
        with self._refusal_shown(on_page=True):
            super().edit(item, commit)

    def delete(self, item, commit: bool = True) -> None:
        with self._refusal_shown(on_page=False):
            super().delete(item, commit)

    def delete_all(self, items) -> None:
        with self._refusal_shown(on_page=False):
            super().delete_all(items)

    @contextlib.contextmanager
    def _refusal_shown(self, on_page: bool):
        try:
            yield
        except ScopeError as exc:
            self.session.rollback()
            if on_page and has_request_context() and not request.path.startswith("/api/"):
                flash(str(exc), "danger")
            raise
        except SQLAlchemyError as exc:
            # What the database refused (a required link missing, a duplicate, rows that
            # still refer to a deleted one, a value it cannot hold): FAB would flash the
            # SQL error's English text, or nothing; the refusal is said in Russian instead,
            # as FAB's DatabaseException (which its REST API answers with 422).
            self.session.rollback()
            message = str(_l("Значение не подходит: оно слишком длинное или неверного вида. Данные не изменены.")
                          if isinstance(exc, DataError) else
                          _l("Запись не сохранена: не заполнено обязательное поле, такая запись уже есть "
                             "или с ней связаны другие записи. Данные не изменены."))
            if on_page and has_request_context() and not request.path.startswith("/api/"):
                flash(message, "danger")
            raise DatabaseException(message) from exc

    def is_nullable(self, col_name):
        # FAB requires every NOT NULL column, so an unticked checkbox («Долг», «Закрыт»)
        # failed as «Обязательное поле». A checkbox always answers: no is False.
        if self.is_boolean(col_name):
            return True
        return super().is_nullable(col_name)

    def query(self, *args, **kwargs):
        count, items = super().query(*args, **kwargs)
        relationships = inspect(self.obj).relationships
        for key in self.prefetch:
            rel = relationships[key]
            if rel.direction.name == "MANYTOONE" and len(rel.local_columns) == 1:
                _prefetch(self.session, items, rel)
        return count, items


def _prefetch(session, items, rel) -> None:
    (column,) = rel.local_columns
    states = [inspect(item) for item in items]
    # Only rows whose key column was read and whose relationship was not.
    pending = [st for st in states if column.key in st.dict and rel.key not in st.dict]
    ids = {st.dict[column.key] for st in pending} - {None}
    if not ids:
        return
    pk = inspect(rel.mapper.class_).primary_key[0]
    found = {getattr(t, pk.key): t for t in session.scalars(select(rel.mapper.class_).where(pk.in_(ids)))}
    for st in pending:
        set_committed_value(st.obj(), rel.key, found.get(st.dict[column.key]))


def interface(model) -> EjournalInterface:
    """The data interface of a view or an API of ``model``: every ``datamodel`` of ours is one."""
    return EjournalInterface(model, db.session)


class SafeActionsMixin:
    """FAB hands an action ``None`` for a record outside the user's scope (the
    loader criteria hide it) and FAB's own actions then fail with a 500; so does
    an action name the view does not have. Here both are a 404 before any action runs."""

    # FAB's ``/download/<filename>`` would send any file of ``UPLOAD_FOLDER`` to whoever may
    # read the view (without the setting it crashed): our files are sent by their own
    # scoped routes (a homework's attachment), so the route is not made at all.
    download = None

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        if name not in self.actions or self.datamodel.get(self._deserialize_pk_if_composite(pk)) is None:
            abort(404)
        return super().action(name, pk)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        pks = request.form.getlist("rowid")
        if request.form.get("action") not in self.actions or not pks:
            abort(404)
        if any(self.datamodel.get(self._deserialize_pk_if_composite(pk)) is None for pk in pks):
            abort(404)
        return super().action_post()


class EjournalModelView(SafeActionsMixin, ModelView):
    """A CRUD page of one resource with the read/write vocabulary."""

    method_permission_name = READ_WRITE
    label_columns = LABELS
    page_size = 25
    # Columns shown on list and show pages from the whole row: column → callable(row).
    row_formatters: dict = {}

    def __init__(self, *args, **kwargs):
        # Russian page titles derived from ``title`` («Обучающиеся: новая запись»);
        # FAB's defaults are "" and would become "List Learner", "Add Learner"…
        # FAB adds a label for every other column to label_columns in place: keep LABELS clean.
        self.label_columns = dict(self.label_columns or {})
        title = getattr(self, "title", None)
        if title:
            self.list_title = self.list_title or title
            self.show_title = self.show_title or _l("%(title)s: просмотр записи", title=title)
            self.add_title = self.add_title or _l("%(title)s: новая запись", title=title)
            self.edit_title = self.edit_title or _l("%(title)s: изменение записи", title=title)
        super().__init__(*args, **kwargs)
        # Values in Russian on list and show pages: да/нет, dates as 20.11.2026, nothing for empty.
        formatters = dict(self.formatters_columns or {})
        for col in set(self.list_columns or []) | set(self.show_columns or []):
            formatters.setdefault(col, display_value)
        self.formatters_columns = formatters
        relationships = inspect(self.datamodel.obj).relationships
        self.datamodel.prefetch = tuple(c for c in self.list_columns if c in relationships)
        self.datamodel.row_formatters = dict(self.row_formatters)
        if self.add_form is not None:  # a one-time token, new at every render (app/idempotency.py)
            setattr(self.add_form, IDEMPOTENCY_FIELD, HiddenField(default=new_token))

    @expose("/add", methods=["GET", "POST"])
    @has_access
    @once  # FAB's add, sent twice with one token, adds one row
    def add(self):
        return super().add()


class KindPagesMixin:
    """The record pages of a row of one group (the group itself, a learner of it) speak
    that group's kind's words: «Воспитанники: просмотр записи», «Возрастная группа».
    The view says which kind a row is of (``kind_of_row``)."""

    @staticmethod
    def kind_of_row(item) -> str | None:
        return None

    def _speak_of_row(self, pk) -> None:
        item = self.datamodel.get(self._deserialize_pk_if_composite(pk))
        speak_of_kind(self.kind_of_row(item) if item is not None else None)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        self._speak_of_row(pk)
        return super().show(pk)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        self._speak_of_row(pk)
        return super().edit(pk)


class ReadOnlyModelView(EjournalModelView):
    """A list and record pages only: these records are written by their service
    elsewhere (the journal grid, the attendance of the day), never by a generic form."""

    base_permissions = ["can_read"]


def display_value(value):
    """How a value reads on list and show pages."""
    import datetime as dt

    from flask_babel import format_datetime, gettext

    if value is None:
        return ""
    if isinstance(value, bool):
        return gettext("да") if value else gettext("нет")
    if isinstance(value, dt.datetime):
        return format_datetime(value, "dd.MM.yyyy HH:mm")  # stored in UTC, shown in EJOURNAL_TIMEZONE
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return value


# FAB's and marshmallow's English messages of a refused request, by how they begin.
_API_ENGLISH = {
    "Missing data for required field": _l("Обязательное поле."),
    "Field may not be null": _l("Поле не может быть пустым."),
    "Not a valid string": _l("Нужна строка."),
    "Not a valid integer": _l("Нужно целое число."),
    "Not a valid number": _l("Нужно число."),
    "Not a valid date": _l("Нужна дата в виде ГГГГ-ММ-ДД."),
    "Not a valid boolean": _l("Нужно true или false."),
    "Not a valid list": _l("Нужен список."),
    "Not a valid mapping": _l("Нужен объект JSON."),
    "Unknown field": _l("Такого поля нет."),
    "Invalid input type": _l("Неверный формат запроса: нужен объект JSON."),
    "Longer than maximum length": _l("Слишком длинное значение."),
    "Shorter than minimum length": _l("Слишком короткое значение."),
    "Length must be": _l("Недопустимая длина значения."),
    "Must be": _l("Недопустимое значение."),
    "Not a valid rison": _l("Параметр q не разобран: проверьте его запись (rison или JSON)."),
    "Filter column": _l("Отбор по этому полю невозможен."),
    "Request is not JSON": _l("Тело запроса должно быть в формате JSON."),
    "Database exception occurred": _l("Запись не сохранена: она противоречит другим данным. Данные не изменены."),
}


_API_DEFAULTS = {400: _l("Неверные параметры запроса."), 422: _l("Данные не приняты: проверьте значения.")}


def russian_message(message, default):
    """``message`` with every English string in it (FAB's, marshmallow's) in Russian;
    the JSON shape (a string, or field → list of strings) is kept."""
    import re

    if isinstance(message, dict):
        return {key: russian_message(value, default) for key, value in message.items()}
    if isinstance(message, (list, tuple)):
        return [russian_message(value, default) for value in message]
    text = str(message) if message is not None else ""
    if re.search("[А-Яа-яЁё]", text):
        return text
    for start, russian in _API_ENGLISH.items():
        if text.startswith(start):
            return str(russian)
    return str(default)


class RussianApiMixin:
    """Every refusal of a REST API of ours speaks Russian, in FAB's shape ``{"message": …}``:
    FAB's ``response_4xx`` helpers are the seam all its refusals go through. A crash that
    FAB's ``@safe`` caught because of the input (a value the database refuses, a number it
    cannot hold) is a 400: the session is rolled back and nothing was written."""

    @staticmethod
    def response(code: int, **kwargs):
        # FAB also answers some refusals with ``response(400, message=…)`` directly.
        if code >= 400 and "message" in kwargs:
            kwargs["message"] = russian_message(kwargs["message"], _API_DEFAULTS.get(code, _API_DEFAULTS[400]))
        return BaseApi.response(code, **kwargs)

    def response_400(self, message=None):
        return self.response(400, message=message)

    def response_422(self, message=None):
        return self.response(422, message=message)

    def response_401(self):
        return self.response(401, message=str(_l("Войдите в систему.")))

    def response_403(self):
        return self.response(403, message=str(_l("Доступ запрещён.")))

    def response_404(self):
        return self.response(404, message=str(_l("Запись не найдена или недоступна.")))

    def response_405(self):
        return self.response(405, message=str(_l("Этот адрес не принимает такой запрос.")))

    def response_500(self, message=None):
        import sys

        db.session.rollback()
        exc = sys.exc_info()[1]
        if isinstance(exc, RecursionError) and request.args.get("q"):  # rison's parser on «(((»
            return self.response_400(message=_API_ENGLISH["Not a valid rison"])
        if isinstance(exc, (DataError, OverflowError, RecursionError)):
            return self.response_400(message=_l("Значение не подходит: оно слишком длинное или неверного вида. "
                                                "Данные не изменены."))
        return self.response(500, message=str(_l("Ошибка на сервере. Данные не изменены; попробуйте ещё раз "
                                                 "или сообщите администратору.")))


class EjournalRestApi(RussianApiMixin, ModelRestApi):
    """A REST resource: related ids are checked before marshmallow sees them, and
    refusals of the scoping guard answer 422 with their Russian message."""

    method_permission_name = READ_WRITE
    allow_browser_login = True
    page_size = 50
    max_page_size = 200

    def _foreign_ids_error(self, payload: dict):
        if not isinstance(payload, dict):
            return None
        mapper = inspect(self.datamodel.obj)
        for rel in mapper.relationships:
            if rel.key not in payload or rel.uselist:
                continue
            value = payload[rel.key]
            if value is None:
                continue
            target = rel.mapper.class_
            # The mapped attribute, not the table's column: the scope's loader
            # criteria apply to ORM entities only, a bare column is read uncut.
            pk = getattr(target, rel.mapper.get_property_by_column(rel.mapper.primary_key[0]).key)
            if not isinstance(value, int) or isinstance(value, bool):
                found = None
            else:
                found = db.session.scalar(select(pk).where(pk == value))
            if found is None:
                return {rel.key: [str(_l("Запись не найдена или недоступна."))]}
        return None

    def post_headless(self):
        from flask import request

        payload = request.get_json(silent=True)
        if request.is_json and not isinstance(payload, dict):
            return self.response_422(message={"_schema": [str(_l("Неверный формат запроса: нужен объект JSON."))]})
        error = self._foreign_ids_error(payload)
        if error:
            return self.response_422(message=error)
        try:
            return super().post_headless()
        except (ScopeError, RuleError) as exc:
            db.session.rollback()
            return self.response_422(message=_refusal(exc))

    def put_headless(self, pk):
        from flask import request

        payload = request.get_json(silent=True)
        if request.is_json and not isinstance(payload, dict):
            return self.response_422(message={"_schema": [str(_l("Неверный формат запроса: нужен объект JSON."))]})
        error = self._foreign_ids_error(payload)
        if error:
            return self.response_422(message=error)
        try:
            return super().put_headless(pk)
        except (ScopeError, RuleError) as exc:
            db.session.rollback()
            return self.response_422(message=_refusal(exc))

    def delete_headless(self, pk):
        try:
            return super().delete_headless(pk)
        except (ScopeError, RuleError) as exc:
            db.session.rollback()
            return self.response_422(message=_refusal(exc))


def _refusal(exc) -> str:
    """The Russian message of a refusal, with the rule's number when a rule refused."""
    return exc.shown() if isinstance(exc, RuleError) else str(exc)
