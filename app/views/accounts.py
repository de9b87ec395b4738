"""Accounts of the organisation: FAB's user page with our vocabulary and columns."""
from __future__ import annotations

from flask_appbuilder.models.sqla.filters import FilterNotEqual
from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from .base import LABELS, READ_WRITE


class AccountView(UserDBModelView):
    class_permission_name = "Users"
    # userinfo stays "can_userinfo": every user may see his own profile.
    method_permission_name = {k: v for k, v in READ_WRITE.items()}
    method_permission_name.update({"resetpasswords": "write"})
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
    # System roles are never offered (and the guard refuses them anyway).
    add_form_query_rel_fields = edit_form_query_rel_fields = {
        "roles": [["name", FilterNotEqual, "Admin"], ["name", FilterNotEqual, "Public"]],
    }
    page_size = 25
