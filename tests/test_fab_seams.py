"""FAB is extended at its public seams only, never patched.

Our security manager answers FAB's public ``has_access`` and
``get_user_menu_access``; if a FAB upgrade renamed or re-shaped one of them,
our override would silently stop being asked and every page would fall back
to FAB's own rights. The same holds for the data interface and the login view.
These tests fail on such an upgrade instead.
"""
from __future__ import annotations

import inspect

from flask_appbuilder.baseviews import BaseCRUDView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.manager import BaseSecurityManager
from flask_appbuilder.security.views import AuthDBView, AuthView

from app.security import EjournalSecurityManager
from app.views.base import EjournalInterface
from app.views.passwords import EjournalAuthDBView


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_the_fab_methods_we_override_keep_their_signatures():
    expected = {
        (BaseSecurityManager, "has_access"): ["self", "permission_name", "view_name"],
        (BaseSecurityManager, "get_user_menu_access"): ["self", "menu_names"],
        (SQLAInterface, "add"): ["self", "item", "commit"],
        (SQLAInterface, "edit"): ["self", "item", "commit"],
        (SQLAInterface, "delete"): ["self", "item", "commit"],
        (SQLAInterface, "delete_all"): ["self", "items"],
        (AuthDBView, "login"): ["self"],
        (AuthView, "logout"): ["self"],
        # Not overridden but called by our safe actions, as FAB's own actions call it.
        (BaseCRUDView, "_deserialize_pk_if_composite"): ["self", "pk"],
    }
    found = {key: _parameters(getattr(*key)) for key in expected}
    assert found == expected


def test_fab_is_not_patched(app):
    """The process's FAB classes are FAB's own: our behaviour lives in subclasses."""
    patched = [name for name in ("add", "edit", "delete", "delete_all")
               if getattr(SQLAInterface, name).__module__ != "flask_appbuilder.models.sqla.interface"
               or hasattr(getattr(SQLAInterface, name), "__wrapped__")]
    assert patched == []


def test_every_page_and_api_saves_through_our_interface(app):
    """A refusal of the scoping guard is rolled back and shown on every page,
    FAB's accounts and roles pages included."""
    plain = sorted(type(view).__name__ for view in app.appbuilder.baseviews
                   if getattr(view, "datamodel", None) is not None and not isinstance(view.datamodel, EjournalInterface))
    assert plain == []


def test_login_and_logout_are_our_view_given_to_the_security_manager(app):
    sm = app.appbuilder.sm
    adapter = app.url_map.bind("localhost")
    endpoints = {path: adapter.match(path)[0] for path in ("/login/", "/logout/")}
    assert (type(sm), type(sm.auth_view), endpoints) == (
        EjournalSecurityManager, EjournalAuthDBView,
        {"/login/": "EjournalAuthDBView.login", "/logout/": "EjournalAuthDBView.logout"})
    # The registered view functions are the view's own methods, not wrappers around them.
    assert app.view_functions["EjournalAuthDBView.login"].__self__ is sm.auth_view
