"""The hooks through which a plugin contributes to ejournal.

A plugin is a module or object registered under the entry-point group
``ejournal.plugins``; it implements any of the hooks below with
``@hookimpl`` (``from app import hookimpl``). Every hook receives the plugin
host as ``host``; pluggy passes only the arguments an implementation names, so
new arguments can be added here later without breaking existing plugins.

Hooks come in families:

* ``register_*`` return declarations (lists of small dataclasses from
  ``app.registry``) that the host collects from every plugin;
* ``extra_*`` add to something the core builds (views, demo data);
* ``*_defaults`` give default values that an organisation may override.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("ejournal")
hookimpl = pluggy.HookimplMarker("ejournal")


# --- vocabulary and structure ----------------------------------------------


@hookspec
def describe_plugin(host):
    """Say who the plugin is.

    Called once at load. Return an ``app.registry.PluginInfo``: the plugin's
    code (the one organisations list in ``Organisation.plugins``) and its
    Russian label, shown wherever a record (a subject, a period, a report) says
    which kind of institution it belongs to.
    """


@hookspec
def register_group_kinds(host):
    """Declare the kinds of learner group the plugin serves.

    Called once when the host loads plugins. Return a list of
    ``app.registry.GroupKind``: the code stored in ``LearnerGroup.kind``, the
    Russian words for the group, its leader and its learners (класс /
    классный руководитель / обучающийся; группа / воспитатель / воспитанник …)
    and the levels (grades or courses) it has. Codes must be unique across
    plugins; a clash stops the application at start-up.
    """


@hookspec
def register_period_types(host):
    """Declare the types of study period the plugin uses.

    Called once at load. Return a list of ``app.registry.PeriodType``
    (четверть, полугодие, триместр, семестр, месяц, год, экзамен, итог …), each
    saying whether it is a final («итоговый») period and whether it is the
    year's (``whole_year``: the journal proposes its mark from the periods' marks).
    """


@hookspec
def academic_year_calendar(host, start_year):
    """Give the default periods of the academic year starting in ``start_year``.

    Called when a year is created for an organisation that has the plugin
    enabled. Return a list of ``app.registry.PeriodTemplate`` (type code, name,
    start and end dates, order), or None when the plugin has no calendar of its
    own. The periods are created for the plugin's groups only.
    """


@hookspec
def register_mark_scales(host):
    """Declare the mark scales of the plugin.

    Called once at load. Return a list of ``app.registry.MarkScale``: a code,
    a Russian name and the allowed values with their numeric worth (None for
    values such as «зачёт» that count in no average). An empty list means the
    plugin's groups take no marks at all (preschool).
    """


@hookspec
def rule_defaults(host):
    """Give the plugin's defaults for the organisation rules (R1–R16 of SPEC.md).

    Called once at load. Return a list of ``app.registry.RuleSetting``: key,
    Russian label, rule number and default value. An organisation overrides a
    value in its settings; the effective value is looked up per plugin, so a
    school and its preschool group may differ.
    """


@hookspec
def academic_year_opened(host, session, old_year, new_year, group_map):
    """Copy a plugin's own per-year data when a school year is closed and the next opened.

    Called by the school plugin's year closing (``app.services.movement.close_year``)
    inside its transaction, after the next ``AcademicYear`` with its periods, the promoted
    classes, the movement orders and the copied teaching assignments are flushed, and
    ``old_year.closed`` is set. ``group_map`` maps the id of each promoted class of
    ``old_year`` to the id of its class in ``new_year`` (5А → 6А); graduated classes are
    not in it. Implementations add rows to ``session`` (e.g. the curriculum of the new
    year, for review) and must not commit; raising ``app.exceptions.RuleError``
    refuses the whole closing. The return value is ignored.
    """


# --- security ----------------------------------------------------------------


@hookspec
def register_roles(host):
    """Declare roles and their default permissions.

    Called by ``flask --app app init`` when roles are synchronised with the
    database. Return a list of ``app.registry.RoleSpec``: the role name, its
    relationship scope (organisation, own groups, own children, self,
    authority) and a mapping resource → "read" or "write". When two plugins
    declare the same role, their permissions are merged (the wider wins), so
    the college plugin can give the «Учитель» of a college more than the core.
    """


@hookspec
def register_resources(host):
    """Declare permission resources with Russian labels.

    Called at load. Return a list of ``app.registry.Resource``. Every view or
    API that a plugin adds names one of these as its permission resource; the
    role-permission page of an organisation shows them by label.
    """


# --- models, views, reports ----------------------------------------------------


@hookspec
def restricted_models(host):
    """Declare models holding restricted personal data (medical, psycho-social).

    Called once at load. Return a list of ``app.registry.RestrictedModel``:
    a model class and the permission resource guarding it. Unlike every other
    model, such a model is cut below the views for each user whose effective
    level on that resource (role default or the organisation's «Права ролей»)
    is not at least «read»: every SELECT through the session that reads it (as
    an entity, a column, an aggregate, a join or a subquery, even through the
    bare table) returns no rows, its audit
    entries are hidden, and a flush writing it without «write» is refused —
    whatever scope the user has otherwise (a class teacher's own learners, an
    organisation-wide Директор, the system administrator). Views showing such
    data must still check ``Scope.restricted_read`` and log each view with
    ``app.audit.log_views``.
    """


@hookspec
def register_models(host):
    """Return the SQLAlchemy model classes the plugin adds.

    Called once at load, before migrations compare the schema, so that the
    plugin's tables are part of the metadata. Models subclass
    ``app.models.base.OrgScoped`` when they belong to an organisation: they
    are then cut to the user's organisation like every core model.
    """


@hookspec
def extra_views(host, appbuilder):
    """Add the plugin's views and menu entries to ``appbuilder``.

    Called in ``create_app`` after the core views are registered. Return
    value is ignored.
    """


@hookspec
def register_reports(host):
    """Declare the plugin's reports.

    Called once at load. Return a list of ``app.registry.ReportSpec``: id,
    Russian title, parameters, the roles that may run it and a function
    ``run(session, params)`` returning a list of ``app.registry.Table``. The
    session is already cut to what the user running the report may reach, so
    the function queries plainly and never sees other organisations.
    """


# --- demo ----------------------------------------------------------------------


@hookspec
def populate_demo(host, session, organisation, year, rng):
    """Fill ``organisation`` with the plugin's demo data.

    Called by ``flask --app app demo`` for every plugin enabled in the
    organisation, after the core created the organisation, its staff and the
    academic ``year``. ``rng`` is a seeded ``random.Random``: the demo is the
    same on every run. Return a list of ``app.registry.DemoLogin`` for the
    accounts the plugin created (they are printed for the newcomer).
    """


# --- calendar and diary ----------------------------------------------------------


@hookspec
def study_period_types(host, session, group):
    """Say which types of study period ``group`` studies by.

    Called by ``app.services.periods.study_periods`` (the journal and the diary
    choose their period from it) for a ``LearnerGroup``. Return a list of
    ``Period.type_code`` values (e.g. ["half"] for a 10th grade studying by
    halves), or None when the plugin has no opinion; then every non-final period
    of the group's plugin in its year is offered.
    """
