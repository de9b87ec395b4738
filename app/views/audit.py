"""The audit log page: read-only, for the Администратор and Завуч."""
from __future__ import annotations

import functools

from flask_babel import lazy_gettext as _l

from ..models import AuditEntry
from .base import LABELS, EjournalModelView, display_value, interface

# Audited classes by their Russian names (the log stores the class name).
ENTITY_NAMES = {
    "Organisation": _l("Организация"), "AcademicYear": _l("Учебный год"), "Period": _l("Учебный период"),
    "Subject": _l("Предмет"), "LearnerGroup": _l("Класс / группа"), "Subgroup": _l("Подгруппа"),
    "TeachingAssignment": _l("Педагогическая нагрузка"), "Staff": _l("Сотрудник"), "Learner": _l("Обучающийся"),
    "Guardian": _l("Законный представитель"), "GuardianLink": _l("Связь с представителем"), "Lesson": _l("Урок"),
    "Assignment": _l("Задание"), "AssignmentType": _l("Вид работы"), "Mark": _l("Отметка"),
    "Attendance": _l("Посещаемость"), "AttendanceCode": _l("Код посещаемости"), "FinalMark": _l("Итоговая отметка"),
    "Account": _l("Учётная запись"), "Role": _l("Роль"), "OrgRolePermission": _l("Права роли"),
    "SubgroupMember": _l("Состав подгруппы"), "Authority": _l("Орган управления образованием"),
    "Specialty": _l("Специальность"), "Person": _l("Карточка"),
}
ACTION_NAMES = {"insert": _l("добавление"), "update": _l("изменение"), "delete": _l("удаление"),
                "view": _l("просмотр")}
EXTRA_LABELS = {"id": _l("Номер"), "org_id": _l("Организация"), "person_id": _l("Карточка"),
                "kind": _l("Вид"), "password": _l("Пароль"), "changed_by_fk": _l("Кем изменено"),
                "created_by_fk": _l("Кем создано"), "changed_on": _l("Когда изменено"),
                "created_on": _l("Когда создано"), "login_count": _l("Число входов"),
                "fail_login_count": _l("Неудачных входов")}


@functools.cache
def _plugin_entity_names() -> dict:
    """Russian names that plugin models declare in ``__label__``, by class name."""
    from ..models import Model

    return {m.class_.__name__: m.class_.__label__ for m in Model.registry.mappers
            if getattr(m.class_, "__label__", None)}


def entity_name(value):
    """Russian name of an audited class: the core's table, else a plugin model's ``__label__``."""
    return ENTITY_NAMES.get(value) or _plugin_entity_names().get(value, value)


def action_name(value):
    return ACTION_NAMES.get(value, value)


def username_name(value):
    return _l("система") if value in (None, "system") else value


@functools.cache
def _plugin_field_labels() -> dict:
    """Labels that plugin models declare in ``__field_labels__`` (column → Russian label)."""
    from ..models import Model

    labels: dict = {}
    for mapper in Model.registry.mappers:
        labels.update(getattr(mapper.class_, "__field_labels__", None) or {})
    return labels


def _field_label(key: str):
    if key in EXTRA_LABELS:
        return EXTRA_LABELS[key]
    if key.endswith("_id") and key[:-3] in LABELS:
        return LABELS[key[:-3]]
    if key in LABELS:
        return LABELS[key]
    return _plugin_field_labels().get(key, key)


PERSON_KINDS = {"staff": _l("сотрудник"), "learner": _l("обучающийся"), "guardian": _l("представитель")}


def changes(value):
    """The old or new values as «Фамилия: Иванов; Класс / группа: 1» instead of a Python dict."""
    if not isinstance(value, dict):
        return display_value(value)
    return "; ".join(f"{_field_label(k)}: {display_value(PERSON_KINDS.get(v, v) if k == 'kind' else v)}"
                     for k, v in value.items())


class AuditView(EjournalModelView):
    datamodel = interface(AuditEntry)
    class_permission_name = "Audit"
    title = _l("Журнал изменений")
    # Nobody edits or deletes the log, the system administrator included.
    base_permissions = ["can_read"]
    list_columns = ["at", "username", "entity", "entity_id", "action", "new"]
    show_columns = ["at", "username", "entity", "entity_id", "action", "old", "new"]
    search_columns = ["username", "entity", "entity_id", "action", "at"]
    formatters_columns = {"entity": entity_name, "action": action_name, "username": username_name,
                          "old": changes, "new": changes}
    base_order = ("at", "desc")
    page_size = 50
