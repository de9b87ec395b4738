"""The hooks through which a plugin contributes to ejournal.

A plugin is a package registered under the entry-point group ``ejournal.plugins``.
Its entry module says who it is (``describe_plugin``) and may name its parts in a
tuple ``PARTS`` of its own submodules («kinds», «scales», …); the host registers
the entry module under the plugin's code and each part under "<code>.<part>", so
every module implements plain hooks with ``@hookimpl`` (``from app import hookimpl``)
and nothing else. Every hook receives the plugin host as ``host``; pluggy passes
only the arguments an implementation names, so arguments can be added here later
without breaking existing plugins.

Hooks come in families (``FAMILIES``; ``tests/test_hook_docs.py`` keeps every hook
in one of them, typed, documented here and listed in the README):

* ``describe_plugin`` says who the plugin is;
* ``register_*`` return declarations (lists of the small dataclasses of
  ``app.registry``) that the host collects from every plugin and part;
* ``get_*`` ask one question of one plugin (``firstresult``: the first answer
  that is not None wins);
* ``extra_*`` add to something the core builds (views and menus, the home page's links); their return is ignored;
* ``*_opened``, ``*_saved`` tell of an event inside the core's transaction (a year
  opened, a year's mode saved); their return is ignored;
* ``populate_*`` fill the database for an action of the core (the demo) and return
  what they made.

The host (``app.plugins.PluginHost``) has one typed method or property per hook;
the core calls hooks only through it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import datetime as dt
    from random import Random

    from flask_appbuilder import AppBuilder
    from sqlalchemy.orm import Session

    from .models import AcademicYear, Account, Learner, LearnerGroup, Organisation, Period
    from .models.timetable import SchoolYearMode
    from .plugins import PluginHost
    from .registry import (
        DemoLogin, GroupKind, HomeLink, MarkScale, PeriodTemplate, PeriodType, PluginInfo, ReportSpec, Resource,
        RestrictedModel, RoleSpec, RuleSetting,
    )

hookspec = pluggy.HookspecMarker("ejournal")
hookimpl = pluggy.HookimplMarker("ejournal")

# Name patterns of the hook families: "register_*" is any name starting with "register_".
FAMILIES = ("describe_plugin", "register_*", "get_*", "extra_*", "*_opened", "*_saved", "populate_*")


# --- who the plugin is -------------------------------------------------------


@hookspec
def describe_plugin(host: PluginHost) -> PluginInfo:
    """Say who the plugin is.

    Called once, when the host first needs the plugins' labels (or the demo its
    organisations). Implemented by the plugin's entry module only. Return an
    ``app.registry.PluginInfo``: the plugin's code (the one organisations list in
    ``Organisation.plugins``), its Russian label, shown wherever a record (a subject,
    a period, a report) says which kind of institution it belongs to, and optionally
    the organisation ``flask --app app demo`` builds for it.
    """


# --- vocabulary and structure ----------------------------------------------


@hookspec
def register_group_kinds(host: PluginHost) -> list[GroupKind]:
    """Declare the kinds of learner group the plugin serves.

    Called once, when the host first needs group kinds. Return a list of
    ``app.registry.GroupKind``: the code stored in ``LearnerGroup.kind``, the
    Russian words for the group, its leader and its learners (класс /
    классный руководитель / обучающийся; группа / воспитатель / воспитанник …)
    and the levels (grades or courses) it has. Codes must be unique across
    plugins; a clash stops the application at start-up.
    """


@hookspec
def register_period_types(host: PluginHost) -> list[PeriodType]:
    """Declare the types of study period the plugin uses.

    Called once, when the host first needs period types. Return a list of
    ``app.registry.PeriodType`` (четверть, полугодие, триместр, семестр, месяц, год,
    экзамен, итог …), each saying whether it is a final («итоговый») period and whether
    it is the year's (``whole_year``: the journal proposes its mark from the periods' marks).
    """


@hookspec(firstresult=True)
def get_calendar(host: PluginHost, start_year: int) -> list[PeriodTemplate] | None:
    """Give the plugin's default periods of the academic year starting in ``start_year``.

    Called when a year is created for an organisation that has the plugin enabled,
    and asked of that plugin's modules only (``PluginHost.calendar``), so an
    implementation never checks whose calendar is wanted. Return a list of
    ``app.registry.PeriodTemplate`` (type code, name, start and end dates, order),
    or None when the plugin has no calendar of its own; the first list wins. The
    periods are created for the plugin's groups only.
    """


@hookspec(firstresult=True)
def get_study_period_types(host: PluginHost, session: Session, group: LearnerGroup) -> list[str] | None:
    """Say which types of study period ``group`` studies by.

    Called by ``app.services.periods.study_periods`` (the journal and the diary
    choose their period from it) for a ``LearnerGroup``, and asked only of the plugin
    that declared the group's kind. Return a list of ``Period.type_code`` values
    (e.g. ["half"] for a 10th grade studying by halves), or None when the plugin has
    no opinion; the first list wins, and with none every non-final period of the
    group's plugin in its year is offered.
    """


@hookspec(firstresult=True)
def get_final_scale(host: PluginHost, session: Session, group: LearnerGroup, subject_id: int,
                    period: Period) -> MarkScale | None:
    """Say on which scale the final mark of subject ``subject_id`` in ``group`` for ``period`` is set.

    Called by the journal (``app.services.journal``) wherever a final mark is offered
    or checked: for each final column of the grid and for each final mark saved, and
    asked only of the plugin that declared the group's kind (``PluginHost.final_scale``).
    Return an ``app.registry.MarkScale`` (e.g. зачёт / незачёт where a college's
    curriculum has a зачёт in that semester), or None for the kind's usual scale
    (``PluginHost.scale_for``); the first answer wins. The grid asks once per final
    period and every saved mark asks again: an implementation reads what it needs for
    the whole group at once, so that the journal's queries stay fixed in number.
    The value is still checked as every final mark is (R3: never «н/а»).
    """


@hookspec(firstresult=True)
def get_curriculum_hours(host: PluginHost, session: Session, year: AcademicYear,
                         groups: list[LearnerGroup]) -> dict[int, dict[int, int]] | None:
    """Say how many academic hours of each subject the curriculum gives ``groups`` in ``year``.

    Called by the lesson plans (КТП) pages wherever a plan's hours are checked against
    the curriculum (R13): once for the whole page, with the groups of the kinds the
    plugin declared (``PluginHost.curriculum_hours``). Return, when the plugin keeps its
    own curriculum (a college's plan of a specialty by semester),
    ``{group_id: {subject_id: hours of the year}}``: a group returned has in its
    curriculum the subjects listed and no other; the first answer wins. Groups left out,
    or an answer of None, are checked against the core's curriculum of the group's level. A plugin answering
    this hook keeps the core's curriculum pages out of its organisations' menus. Read
    what is needed for all the groups at once: the page's queries stay fixed in number.
    """


@hookspec(firstresult=True)
def get_final_deadline(host: PluginHost, session: Session, period: Period) -> dt.date | None:
    """Say the last day the final marks of ``period`` are set on time (R4).

    Called wherever a final mark is checked for lateness: on saving one (a late mark is
    saved with a warning), in the list of late final marks and in the report of final
    marks; asked only of the plugin of ``period`` (``PluginHost.final_deadline``). Return
    a date (a college's semester: the last day of the session after it, where the exam
    sheets set the semester's finals), or None for the default: the rule setting
    ``final_mark_days_before_end`` of the period's plugin (2 days) before the period's
    end; the first answer wins.
    """


@hookspec
def register_mark_scales(host: PluginHost) -> list[MarkScale]:
    """Declare the mark scales of the plugin.

    Called once, when the host first needs mark scales. Return a list of
    ``app.registry.MarkScale``: a code, a Russian name and the allowed values with
    their numeric worth (None for values such as «зачёт» that count in no average).
    A plugin declaring none (preschool) gives its groups no marks at all.
    """


@hookspec
def register_rule_settings(host: PluginHost) -> list[RuleSetting]:
    """Declare the plugin's organisation rules (R1–R16 of SPEC.md) with their defaults.

    Called once, when the host first needs rule settings. Return a list of
    ``app.registry.RuleSetting``: key, Russian label, rule number and default value.
    An organisation overrides a value on «Правила организации»; the effective value
    is looked up per plugin, so a school and its preschool group may differ.
    """


# --- security ----------------------------------------------------------------


@hookspec
def register_roles(host: PluginHost) -> list[RoleSpec]:
    """Declare roles and their default permissions.

    Called once, when the host first needs roles (``flask --app app init``
    synchronises them with the database). Return a list of ``app.registry.RoleSpec``:
    the role name, its relationship scope (organisation, own groups, own children,
    self, authority) and a mapping resource → "read" or "write". When several plugins
    or parts declare the same role, their permissions are merged (the wider wins),
    so the college plugin can give the «Администратор» of a college more than the core.
    """


@hookspec
def register_resources(host: PluginHost) -> list[Resource]:
    """Declare permission resources with Russian labels.

    Called once, when the host first needs resources. Return a list of
    ``app.registry.Resource``. Every view or API that a plugin adds names one of
    these as its permission resource; the role-permission page of an organisation
    shows them by label.
    """


@hookspec
def register_restricted_models(host: PluginHost) -> list[RestrictedModel]:
    """Declare models holding restricted personal data (medical, psycho-social).

    Called once, when the host first needs them. Return a list of
    ``app.registry.RestrictedModel``: a model class and the permission resource
    guarding it. Unlike every other model, such a model is cut below the views for
    each user whose effective level on that resource (role default or the
    organisation's «Права ролей») is not at least «read»: every SELECT through the
    session that reads it (as an entity, a column, an aggregate, a join or a
    subquery, even through the bare table) returns no rows, its audit entries are
    hidden, and a flush writing it without «write» is refused — whatever scope the
    user has otherwise (a class teacher's own learners, an organisation-wide
    Директор, the system administrator). Views showing such data must still check
    ``Scope.restricted_read`` and log each view with ``app.audit.log_views``.
    """


# --- models, views, reports ----------------------------------------------------


@hookspec
def register_models(host: PluginHost) -> list[type]:
    """Declare the SQLAlchemy model classes the plugin adds.

    Called once, when the host is built, before migrations compare the schema, so
    that the plugin's tables are part of the metadata. Return the model classes.
    Models subclass ``app.models.base.OrgScoped`` when they belong to an
    organisation: they are then cut to the user's organisation like every core model.
    A model with a ``group_id`` or ``learner_id`` says how it is cut with
    ``__scope__`` ("group", "learner" or "organisation"); without it the app refuses
    to start.
    """


@hookspec
def extra_views(host: PluginHost, appbuilder: AppBuilder) -> None:
    """Add the plugin's views and menu entries to ``appbuilder``.

    Called once in ``create_app``, after the core views are registered. The
    return value is ignored.
    """


@hookspec
def extra_home_links(host: PluginHost, session: Session, account: Account, links: list[HomeLink]) -> None:
    """Add one-tap links of the plugin to the home page of ``account``.

    Called on every request of the home page by a signed-in user, inside the
    request (its session is cut to what the user may reach, and his rights are
    known). Append ``app.registry.HomeLink`` items to ``links`` only for what the
    user may open (check his rights and groups: a link nobody follows is noise),
    with a fixed number of queries. The return value is ignored.
    """


@hookspec
def extra_diary_month(host: PluginHost, session: Session, learner: Learner, month: dt.date, days: list[dict],
                      lines: list[tuple[str, str]]) -> None:
    """Complete the month of a child who attends by the day (a group without lessons) in the diary.

    Called when a parent or the child opens the diary's month, inside the request
    (the session is cut to what the user may reach). ``days`` holds one dict per
    day of ``month`` with ``date``, ``weekend``, ``code`` and ``reason`` (the day's
    absence, if any); set a day's ``"state"`` to ``"closed"`` (the group did not
    work), ``"present"`` or ``"absent"``. Append to ``lines`` what the diary shows
    under the calendar, as (label, text) pairs (e.g. the month's parental fee).
    A fixed number of queries. The return value is ignored.
    """


@hookspec
def register_reports(host: PluginHost) -> list[ReportSpec]:
    """Declare the plugin's reports.

    Called once, when the host first needs reports. Return a list of
    ``app.registry.ReportSpec``: id, Russian title, parameters, the roles that may
    run it and a function ``run(session, params)`` returning a list of
    ``app.registry.Table``. The session is already cut to what the user running
    the report may reach, so the function queries plainly and never sees other
    organisations.
    """


# --- events and actions ----------------------------------------------------------


@hookspec
def academic_year_opened(host: PluginHost, session: Session, old_year: AcademicYear, new_year: AcademicYear,
                         group_map: dict[int, int]) -> None:
    """Copy a plugin's own per-year data when a school year is closed and the next opened.

    Called by the year closing (``app.services.movement.close_year``) inside its
    transaction, after the next ``AcademicYear`` with its periods, the promoted
    groups, the movement orders and the copied teaching assignments are flushed, and
    ``old_year.closed`` is set. ``group_map`` maps the id of each promoted group of
    ``old_year`` to the id of its group in ``new_year`` (5А → 6А); graduated groups
    are not in it. Implementations add rows to ``session`` (e.g. the curriculum of
    the new year, for review) and must not commit; raising
    ``app.exceptions.RuleError`` refuses the whole closing. The return value is ignored.
    """


@hookspec
def populate_demo(host: PluginHost, session: Session, organisation: Organisation, year: AcademicYear,
                  rng: Random) -> list[DemoLogin]:
    """Fill ``organisation`` with the plugin's demo data.

    Called by ``flask --app app demo`` for every organisation, after the core
    created it, its staff and the academic ``year``; every plugin is asked, and one
    not enabled in ``organisation.plugins`` returns an empty list at once. ``rng``
    is a seeded ``random.Random``: the demo is the same on every run. Return a list
    of ``app.registry.DemoLogin`` for the accounts the plugin created (they are
    printed for the newcomer).
    """


@hookspec
def year_mode_saved(host: PluginHost, session: Session, year: AcademicYear, mode: SchoolYearMode) -> None:
    """Adjust a year's study periods to its mode («Режим учебного года»).

    Called by the timetable's «Режим учебного года» page after the Завуч saved the
    mode of ``year`` (week length, levels studying by halves or trimesters, levels of
    the second shift), before the commit. Implementations add the periods the mode
    asks for that are missing (a school: the halves of the 10th and 11th grades) to
    ``session`` and must not commit. The return value is ignored.
    """
