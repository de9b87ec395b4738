"""Accounts of the organisation: FAB's user page with our vocabulary and columns."""
from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired

from ..extensions import current_host
from ..registry import WRITE
from ..roles import CLASS_TEACHER, LEARNER, SYSTEM_ADMIN, TEACHER
from .base import LABELS, READ_WRITE, SafeActionsMixin, display_value
from .vocabulary import current_vocabulary, organisation_has_kind


def role_label(name: str) -> str:
    """How a role reads in the organisation of whoever looks: the core's roles of a teacher,
    a learner and a group's leader by the organisation's words (a college's «Преподаватель»,
    «Студент», «Куратор»), FAB's own in Russian; any other role is named as it is."""
    vocab = current_vocabulary()
    if name == CLASS_TEACHER:
        leaders = {kind.leader for kind in current_host().group_kinds.values()
                   if kind.teaches_subjects and organisation_has_kind(kind.code)}
        return leaders.pop() if len(leaders) == 1 else name
    labels = {SYSTEM_ADMIN: _l("Системный администратор"), "Public": _l("Гость"), TEACHER: vocab.teacher,
              LEARNER: vocab.learner}
    return str(labels.get(name, name))


def role_labels(roles) -> str:
    """The ``roles`` column: the roles' names as the organisation calls them."""
    return ", ".join(dict.fromkeys(role_label(role.name) for role in roles or ()))


class AccountView(SafeActionsMixin, UserDBModelView):
    class_permission_name = "Users"
    # userinfo stays "can_userinfo": every user may see his own profile.
    method_permission_name = {k: v for k, v in READ_WRITE.items()}
    method_permission_name.update({"resetpasswords": WRITE})
    label_columns = {**LABELS, "conf_password": _l("Повторите пароль"), "password": _l("Пароль"),
                     "login_count": _l("Число входов"), "fail_login_count": _l("Неудачных входов")}
    list_title = show_title = _l("Учётные записи")
    add_title = _l("Новая учётная запись")
    edit_title = _l("Изменение учётной записи")
    list_columns = ["username", "last_name", "first_name", "roles", "active", "last_login"]
    show_columns = ["username", "last_name", "first_name", "email", "roles", "person", "active",
                    "last_login", "login_count", "fail_login_count"]
    add_columns = ["username", "last_name", "first_name", "email", "roles", "person", "active",
                   "password", "conf_password"]
    edit_columns = ["username", "last_name", "first_name", "email", "roles", "person", "active"]
    search_columns = ["username", "last_name", "first_name", "active", "roles"]
    # FAB's fieldsets and hints are English or half-translated; ours replace them.
    show_fieldsets = [
        (_l("Учётная запись"), {"fields": ["username", "last_name", "first_name", "email", "roles", "person",
                                           "active"]}),
        (_l("Входы"), {"fields": ["last_login", "login_count", "fail_login_count"], "expanded": True}),
    ]
    user_show_fieldsets = [
        (_l("Ваши данные"), {"fields": ["username", "last_name", "first_name", "email", "roles"]}),
    ]
    description_columns = {
        "username": _l("Логин для входа в журнал"),
        "password": _l("Пароль для входа"),
        "conf_password": _l("Введите пароль ещё раз"),
        "email": _l("Адрес электронной почты"),
        "roles": _l("Роль определяет, что пользователь может делать в журнале"),
        "person": _l("Карточка сотрудника, обучающегося или представителя, к которой относится вход"),
        "active": _l("Снимите отметку, чтобы закрыть вход, не удаляя учётную запись"),
    }
    formatters_columns = {**{col: display_value for col in set(show_columns) | set(list_columns)},
                          "roles": role_labels}
    user_info_title = _l("Ваши данные")
    # System roles are never offered (and the guard refuses them anyway).
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterNotEqual, SYSTEM_ADMIN], ["name", FilterNotEqual, "Public"]],
    }
    page_size = 25
    # FAB's validator wants roles or groups; we have no groups in the form, so
    # its check would fail with a KeyError (a 500) on every save.
    validators_columns = {"roles": [DataRequired()]}

    def __init__(self, *args, **kwargs):
        self.label_columns = dict(self.label_columns)  # FAB fills it in place; LABELS is shared
        super().__init__(*args, **kwargs)
