"""Base classes of our CRUD views and REST APIs.

Scoping is not done here (``app.scoping`` does it below every view); these
classes give the permission vocabulary, Russian titles and bounded pages.
"""
from __future__ import annotations

import contextlib

from flask import abort, flash, has_request_context, redirect, request
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect, select
from sqlalchemy.orm.attributes import set_committed_value

from ..exceptions import EjournalError, RuleError, ScopeError
from ..extensions import db
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
    anything else («https://…», «//evil.example») gives ``default``."""
    value = (value or "").strip()
    if not value.startswith("/") or value.startswith("//") or "\\" in value or any(ord(c) < 32 for c in value):
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


class EjournalRestApi(ModelRestApi):
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

        error = self._foreign_ids_error(request.get_json(silent=True))
        if error:
            return self.response_422(message=error)
        try:
            return super().post_headless()
        except (ScopeError, RuleError) as exc:
            db.session.rollback()
            return self.response_422(message=_refusal(exc))

    def put_headless(self, pk):
        from flask import request

        error = self._foreign_ids_error(request.get_json(silent=True))
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
