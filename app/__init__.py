"""ejournal: the core application.

``create_app()`` is a list of ``configure_*`` steps (FlaskBB's shape). Each
app gets its own plugin host and its own AppBuilder, so test apps never share
views, menus or plugins. Plugins write ``from app import hookimpl``.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from .hookspecs import hookimpl

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["create_app", "hookimpl"]


def create_app(test_config: dict | None = None) -> Flask:
    from . import resources

    default_config = resources.default_config()  # the checkout's config.py, or the wheel's copy
    app = Flask(__name__, template_folder=str(resources.core_dir("templates")),
                instance_path=str(default_config.INSTANCE_DIR))
    app.config.from_object(default_config)
    if test_config:
        app.config.update(test_config)
    configure_logging(app)  # first: its hooks run before every other hook (and its access line after)
    from .bad_input import init_bad_input

    init_bad_input(app)  # its hooks refuse bad input before the others read it (app/bad_input.py)
    configure_plugins(app)
    configure_database(app)
    with app.app_context():
        configure_appbuilder(app)
        configure_views(app)
    configure_errors(app)
    configure_cli(app)
    configure_http(app)
    return app


def configure_logging(app: Flask) -> None:
    from .logs import init_logging

    init_logging(app)


def configure_plugins(app: Flask) -> None:
    from .plugins import PluginHost
    from .resources import template_loader

    app.extensions["ejournal"] = PluginHost(
        enabled=app.config.get("EJOURNAL_PLUGINS"),
        extra=app.config.get("EJOURNAL_EXTRA_PLUGINS", ()),
    )
    app.jinja_loader = template_loader(app.extensions["ejournal"])  # lookup order: app/resources.py


def configure_database(app: Flask) -> None:
    from .extensions import db, migrate
    from .listeners import attach_listeners
    from .scoping import init_scoping

    db.init_app(app)
    from .services.db_stats import init_engine

    with app.app_context():
        init_engine(db.engine, app.config)  # SQLite: WAL, busy timeout, PRAGMA optimize (app/services/db_stats.py)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True)
    # Refuses a model whose scope is not declared, before anything serves it.
    init_scoping(app)
    # Scoping, plan rules, plan reflow, audit, activity: in this order, on the
    # application's session class (app/listeners.py says why).
    attach_listeners(db.session)


def configure_appbuilder(app: Flask) -> None:
    from flask_appbuilder import AppBuilder
    from flask_wtf.csrf import CSRFProtect

    from .extensions import db
    from .resources import translation_directories
    from .security import EjournalSecurityManager
    from .views.home import HomeView

    # Before AppBuilder: its Babel reads the folders once, putting Flask-AppBuilder's first.
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories(app.extensions["ejournal"])
    app.config.setdefault("FAB_SECURITY_MANAGER_CLASS", None)
    appbuilder = AppBuilder(security_manager_class=EjournalSecurityManager, indexview=HomeView,
                            base_template="appbuilder/baselayout.html")
    appbuilder.init_app(app, db.session)
    from .csrf import init_csrf

    init_csrf(app, CSRFProtect(app))  # the REST API too, which FAB exempts (app/csrf.py)
    from .idempotency import init_idempotency

    init_idempotency(app)  # {{ idempotency_field() }} of the creating forms


def configure_views(app: Flask) -> None:
    from flask import g

    from .api import APIS
    from .extensions import db
    from .security import scope_for_request
    from .views.attendance_day import AttendanceDayView
    from .views.audit import AuditView
    from .views.catalog import CATEGORIES, MENU, NO_MENU
    from .views.diary import DiaryApi, DiaryView
    from .views.journal import JournalView
    from .views.lesson import LessonPageView
    from .views.reports import ReportsView
    from .views.rights import RightsView
    from .views.settings import RuleSettingsView
    from .views.unlocks import UnlockDecisionView, UnlockRequestView

    appbuilder = app.appbuilder
    journal_label, journal_icon = CATEGORIES["Journal"]
    # The grid opens the «Журнал» menu: it is what teachers use every day.
    appbuilder.add_view(JournalView, "Marks", label=JournalView.menu_label(), category="Journal",
                        category_label=journal_label, category_icon=journal_icon, href="/journal/")
    appbuilder.add_view(AttendanceDayView, "Attendance", label=AttendanceDayView.menu_label(), category="Journal")
    for view, name, label, category in MENU:
        cat_label, cat_icon = CATEGORIES[category]
        appbuilder.add_view(view, name, label=label, category=category, category_label=cat_label,
                            category_icon=cat_icon)
    appbuilder.add_view_no_menu(LessonPageView)
    appbuilder.add_view_no_menu(UnlockRequestView)
    appbuilder.add_view(UnlockDecisionView, "Unlocks", label=UnlockDecisionView.menu_label(), category="Journal")
    appbuilder.add_view(DiaryView, "Diary", label=DiaryView.menu_label(), icon="fa-calendar")
    appbuilder.add_view(ReportsView, "Reports", label=ReportsView.menu_label(), icon="fa-table")
    from .views.jobs import JobsView

    appbuilder.add_view_no_menu(JobsView)  # «Задания»: large reports made in the background
    appbuilder.add_api(DiaryApi)
    for view in NO_MENU:
        appbuilder.add_view_no_menu(view)
    admin_label, admin_icon = CATEGORIES["Administration"]
    appbuilder.add_view(RightsView, "Rights", label=RightsView.menu_label(), category="Administration",
                        category_label=admin_label, category_icon=admin_icon)
    appbuilder.add_view(RuleSettingsView, "RuleSettings", label=RuleSettingsView.menu_label(),
                        category="Administration")
    appbuilder.add_view(AuditView, "Audit", label=AuditView.title, category="Administration")
    from .views.organisations import register_organisations

    register_organisations(appbuilder)  # «Новая организация»: the system administrator's
    for api in APIS:
        appbuilder.add_api(api)
    from .views.announcements import register_announcements
    from .views.mail import register_mail

    register_mail(app, appbuilder)  # «Общение»: почта (with the unread counter), уведомления, activity
    register_announcements(app, appbuilder)
    from .views.navbar import init_navbar

    init_navbar(app)  # the top menu rendered once per kind of user

    from .views.consent import ConsentView
    from .views.issue_logins import IssueLoginsView
    from .views.passwords import init_accounts

    people_label, people_icon = CATEGORIES["People"]
    appbuilder.add_view(IssueLoginsView, "IssueLogins", label=IssueLoginsView.menu_label(), category="People",
                        category_label=people_label, category_icon=people_icon)
    appbuilder.add_view(ConsentView, "Consents", label=ConsentView.menu_label(), category="People")
    host = app.extensions["ejournal"]
    host.extra_views(appbuilder)

    @app.before_request
    def _resolve_scope():
        # What a request worked out for itself (scope, rights, words, time zone) is
        # kept in ``g`` under "ejournal_…": a request never starts with another's, even
        # where requests share one application context (a test client's).
        for key in [key for key in g if key.startswith("ejournal_")]:
            g.pop(key)
        scope_for_request(db.session, host)

    from flask_login import user_logged_in

    from .security import warm_on_login

    user_logged_in.connect(warm_on_login, app)  # the first page after a login finds its scope ready

    init_accounts(app)  # after the scope: its before_request runs second

    from .views.vocabulary import init_vocabulary

    init_vocabulary(app)


def configure_errors(app: Flask) -> None:
    from .errors import register_error_pages

    register_error_pages(app)


def configure_http(app: Flask) -> None:
    from .http import init_http
    from .views.health import health

    init_http(app)
    app.register_blueprint(health)


def configure_cli(app: Flask) -> None:
    from .cli import register_commands

    register_commands(app)
