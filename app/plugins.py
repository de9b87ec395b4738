"""The plugin host: loads plugins from entry points and answers for them.

One host per application (``app.extensions["ejournal"]``), never a module
global, so test apps with different plugins stay apart.

A plugin is registered under its code (the entry point's name: «school») and each
of its parts under "<code>.<part>": the entry module names its parts in ``PARTS``,
submodules of its package, as pytest registers its ``default_plugins`` and datasette
its ``DEFAULT_PLUGINS``. The core registers itself the same way: ``app.core_plugin``
as "core" and each module of ``app.capabilities`` as "core.<capability>".

The core calls hooks only through the typed methods and properties below, one per
hook (``app/hookspecs.py``): they collect and flatten the plugins' answers, and a
question for one plugin (its calendar) is asked of that plugin's modules alone
through ``pm.subset_hook_caller``.
"""
from __future__ import annotations

import datetime as dt
from functools import cached_property
from importlib import import_module
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any, Iterable

import pluggy

from . import hookspecs
from .exceptions import PluginError
from .registry import (
    WRITE, DemoLogin, GroupKind, HomeLink, MarkScale, PeriodTemplate, PeriodType, PluginInfo, ReportSpec, Resource,
    RoleSpec, RuleSetting,
)

if TYPE_CHECKING:
    from random import Random

    from flask_appbuilder import AppBuilder
    from sqlalchemy.orm import Session

    from .models import AcademicYear, LearnerGroup, Organisation, Period
    from .models.timetable import SchoolYearMode

ENTRY_POINT_GROUP = "ejournal.plugins"
CORE = "core"


def plugin_code(registered_name: str) -> str:
    """The plugin a registered module belongs to: «school.scales» → «school»."""
    return registered_name.split(".", 1)[0]


class PluginHost:
    def __init__(self, enabled: Iterable[str] | None = None, extra: Iterable[object] = ()):
        self.pm = pluggy.PluginManager("ejournal")
        self.pm.add_hookspecs(hookspecs)
        from . import core_plugin
        from .capabilities import CAPABILITIES

        self.pm.register(core_plugin, name=CORE)
        for capability in CAPABILITIES:
            self.pm.register(import_module(f"{__package__}.capabilities.{capability}"), name=f"{CORE}.{capability}")
        wanted = set(enabled) if enabled is not None else None
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if wanted is None or ep.name in wanted:
                self.register(ep.name, ep.load())
        for plugin in extra:
            self.register(getattr(plugin, "name", None), plugin)
        # A misspelled hook implementation fails here instead of never running.
        self.pm.check_pending()
        # Collected at once: the plugins' tables join the metadata before anything compares it.
        self.models: list[type] = self._collect("register_models")

    def register(self, code: str | None, plugin: object) -> None:
        """Register ``plugin`` under ``code`` and each module named in its ``PARTS``
        (relative to its package) under "<code>.<part>"."""
        parts = getattr(plugin, "PARTS", ())
        if parts and (code is None or not hasattr(plugin, "__path__")):
            raise PluginError(f"plugin {code or plugin!r}: only a named package has PARTS")
        if code is not None and "." in code:
            raise PluginError(f"plugin code «{code}» has a dot: dots separate a plugin from its parts")
        self.pm.register(plugin, name=code)
        for part in parts:
            self.pm.register(import_module(f"{plugin.__name__}.{part}"), name=f"{code}.{part}")

    @property
    def plugin_names(self) -> list[str]:
        """Codes of the loaded plugins, without the core and without parts."""
        return [name for name, _ in self.pm.list_name_plugin() if name != CORE and "." not in name]

    def _codes(self) -> list[str]:
        return list(dict.fromkeys(plugin_code(name) for name, _ in self.pm.list_name_plugin()))

    def _of(self, code: str, hook_name: str):
        """The hook ``hook_name`` as implemented by plugin ``code`` alone: its entry module and parts."""
        others = [plugin for name, plugin in self.pm.list_name_plugin() if plugin_code(name) != code]
        return self.pm.subset_hook_caller(hook_name, others)

    def _collect(self, hook_name: str) -> list[Any]:
        results = getattr(self.pm.hook, hook_name)(host=self)
        return [item for result in results if result for item in result]

    @staticmethod
    def _unique(items, what: str) -> dict:
        found: dict = {}
        for item in items:
            key = getattr(item, "code", None) or getattr(item, "id", None) or item.key
            if key in found:
                raise PluginError(f"{what} «{key}» declared twice ({found[key].plugin}, {item.plugin})")
            found[key] = item
        return found

    # --- describe_plugin and register_* ------------------------------------------

    @cached_property
    def plugin_infos(self) -> dict[str, PluginInfo]:
        """Plugin code → who it is (hook ``describe_plugin``)."""
        return {info.code: info for info in self.pm.hook.describe_plugin(host=self) if info}

    @cached_property
    def plugin_labels(self) -> dict[str, str]:
        """Plugin code → its Russian label."""
        return {code: info.label for code, info in self.plugin_infos.items()}

    @cached_property
    def group_kinds(self) -> dict[str, GroupKind]:
        """Group kind code → its declaration (hook ``register_group_kinds``)."""
        return self._unique(self._collect("register_group_kinds"), "group kind")

    @cached_property
    def period_types(self) -> dict[str, PeriodType]:
        """Period type code → its declaration (hook ``register_period_types``)."""
        return self._unique(self._collect("register_period_types"), "period type")

    @cached_property
    def mark_scales(self) -> dict[str, MarkScale]:
        """Scale code → its declaration (hook ``register_mark_scales``)."""
        return self._unique(self._collect("register_mark_scales"), "mark scale")

    @cached_property
    def rule_settings(self) -> dict[tuple[str, str], RuleSetting]:
        """(plugin, key) → the rule and its default (hook ``register_rule_settings``)."""
        return {(s.plugin, s.key): s for s in self._collect("register_rule_settings")}

    @cached_property
    def resources(self) -> dict[str, Resource]:
        """Resource name → its declaration (hook ``register_resources``)."""
        return {r.name: r for r in self._collect("register_resources")}

    def resources_for(self, plugins: Iterable[str]) -> dict[str, Resource]:
        """The resources of an organisation served by ``plugins``: the core's and theirs,
        less those needing a kind of group none of them declares (``Resource.needs``)."""
        plugins = set(plugins or ()) | {CORE}
        kinds = [kind for kind in self.group_kinds.values() if kind.plugin in plugins]
        return {name: res for name, res in self.resources.items()
                if res.plugin in plugins and (res.needs is None or any(getattr(k, res.needs) for k in kinds))}

    @cached_property
    def roles(self) -> dict[str, RoleSpec]:
        """Roles by name (hook ``register_roles``); declarations of the same role by several plugins merge."""
        merged: dict[str, RoleSpec] = {}
        for spec in self._collect("register_roles"):
            known = merged.get(spec.name)
            if known is None:
                merged[spec.name] = spec
                continue
            perms = dict(known.permissions)
            for resource, level in spec.permissions.items():
                if perms.get(resource) != WRITE:
                    perms[resource] = level
            merged[spec.name] = RoleSpec(
                spec.name, known.scope, perms, known.description or spec.description, known.staff,
                tuple(dict.fromkeys([*known.runs_reports_of, *spec.runs_reports_of])),
            )
        return merged

    @cached_property
    def role_plugins(self) -> dict[str, frozenset[str]]:
        """Role name → the plugins that declare it («core» for the core's own)."""
        found: dict[str, set[str]] = {}
        for code in self._codes():
            for specs in self._of(code, "register_roles")(host=self):
                for spec in specs or []:
                    found.setdefault(spec.name, set()).add(code)
        return {name: frozenset(plugins) for name, plugins in found.items()}

    def roles_for(self, plugins: Iterable[str]) -> list[RoleSpec]:
        """The roles of an organisation served by ``plugins``: those declared by the
        core or by one of them, less the leader roles of other plugins' group kinds
        (a school has no «Куратор», a college no «Классный руководитель»)."""
        plugins = set(plugins) | {CORE}
        leaders = {k.leader for k in self.group_kinds.values()}
        own_leaders = {k.leader for k in self.group_kinds.values() if k.plugin in plugins}
        return [spec for name, spec in self.roles.items()
                if self.role_plugins.get(name, frozenset()) & plugins and (name not in leaders or name in own_leaders)]

    @cached_property
    def restricted(self) -> dict[type, str]:
        """Models of restricted personal data → the resource guarding each (hook ``register_restricted_models``)."""
        return {r.model: r.resource for r in self._collect("register_restricted_models")}

    @cached_property
    def reports(self) -> dict[str, ReportSpec]:
        """Report id → its declaration (hook ``register_reports``)."""
        return self._unique(self._collect("register_reports"), "report")

    # --- get_* -------------------------------------------------------------------

    def calendar(self, plugin: str, start_year: int) -> list[PeriodTemplate]:
        """The default periods of ``plugin`` for the year starting in ``start_year``
        (hook ``get_calendar``, asked of that plugin's modules only)."""
        return self._of(plugin, "get_calendar")(host=self, start_year=start_year) or []

    def study_period_types(self, session: Session, group: LearnerGroup) -> list[str] | None:
        """The period types ``group`` studies by, or None: any (hook ``get_study_period_types``,
        asked of the plugin that declared the group's kind)."""
        plugin = self.group_kinds[group.kind].plugin
        return self._of(plugin, "get_study_period_types")(host=self, session=session, group=group)

    def final_scale(self, session: Session, group: LearnerGroup, subject_id: int, period: Period) -> MarkScale | None:
        """The scale of the final marks of ``subject_id`` in ``group`` for ``period``: the
        answer of the plugin that declared the group's kind (hook ``get_final_scale``),
        else the kind's usual scale (``scale_for``); None for a kind without marks."""
        kind = self.group_kinds.get(group.kind)
        if kind is None:
            return None
        scale = self._of(kind.plugin, "get_final_scale")(host=self, session=session, group=group,
                                                          subject_id=subject_id, period=period)
        return scale or self.scale_for(group.kind)

    def final_deadline(self, session: Session, organisation: Organisation, period: Period) -> dt.date:
        """The last day the final marks of ``period`` are set on time (R4): the answer of
        the period's plugin (hook ``get_final_deadline``), else the rule setting
        ``final_mark_days_before_end`` of that plugin (2 when it has none) before its end."""
        deadline = self._of(period.plugin, "get_final_deadline")(host=self, session=session, period=period)
        if deadline is not None:
            return deadline
        key = (period.plugin, "final_mark_days_before_end")
        days = self.setting(organisation, period.plugin, key[1]) if key in self.rule_settings else 2
        return period.end - dt.timedelta(days=days)

    def curriculum_hours(self, session: Session, year: AcademicYear,
                         groups: Iterable[LearnerGroup]) -> dict[int, dict[int, int]]:
        """Hours of each subject in the curriculum of each group a plugin keeps its own
        curriculum for (hook ``get_curriculum_hours``, asked of the plugin of each kind):
        ``{group_id: {subject_id: hours of the year}}``; groups missing follow the core's."""
        by_plugin: dict[str, list[LearnerGroup]] = {}
        for group in groups:
            kind = self.group_kinds.get(group.kind)
            if kind is not None:
                by_plugin.setdefault(kind.plugin, []).append(group)
        hours: dict[int, dict[int, int]] = {}
        for plugin, own in by_plugin.items():
            hours.update(self._of(plugin, "get_curriculum_hours")(host=self, session=session, year=year,
                                                                  groups=own) or {})
        return hours

    def answering(self, hook_name: str) -> set[str]:
        """The codes of the plugins implementing ``hook_name`` (a part counts for its plugin)."""
        caller = getattr(self.pm.hook, hook_name, None)
        if caller is None:
            return set()
        return {plugin_code(self.pm.get_name(impl.plugin) or "") for impl in caller.get_hookimpls()}

    # --- extra_*, *_opened, *_saved, populate_* --------------------------------------------

    def extra_views(self, appbuilder: AppBuilder) -> None:
        """Let every plugin add its views and menus (hook ``extra_views``)."""
        self.pm.hook.extra_views(host=self, appbuilder=appbuilder)

    def home_links(self, session: Session, account: Any) -> list[HomeLink]:
        """The plugins' one-tap links for ``account``'s home page, in the plugins' order
        (hook ``extra_home_links``)."""
        links: list[HomeLink] = []
        self.pm.hook.extra_home_links(host=self, session=session, account=account, links=links)
        return links

    def diary_month(self, session: Session, learner: Any, month: Any, days: list[dict]) -> list[tuple[str, str]]:
        """Let the plugins mark the month's days and add their lines (hook ``extra_diary_month``)."""
        lines: list[tuple[str, str]] = []
        self.pm.hook.extra_diary_month(host=self, session=session, learner=learner, month=month, days=days,
                                       lines=lines)
        return lines

    def academic_year_opened(self, session: Session, old_year: AcademicYear, new_year: AcademicYear,
                             group_map: dict[int, int]) -> None:
        """Let every plugin copy its per-year data into ``new_year`` (hook ``academic_year_opened``)."""
        self.pm.hook.academic_year_opened(host=self, session=session, old_year=old_year, new_year=new_year,
                                          group_map=group_map)

    def year_mode_saved(self, session: Session, year: AcademicYear, mode: SchoolYearMode) -> None:
        """Let every plugin adjust the periods of ``year`` to its saved mode (hook ``year_mode_saved``)."""
        self.pm.hook.year_mode_saved(host=self, session=session, year=year, mode=mode)

    def populate_demo(self, session: Session, organisation: Organisation, year: AcademicYear,
                      rng: Random) -> list[DemoLogin]:
        """Let every plugin fill ``organisation`` with its demo data; the logins they
        created, in the order of the plugins (hook ``populate_demo``)."""
        results = self.pm.hook.populate_demo(host=self, session=session, organisation=organisation, year=year,
                                             rng=rng)
        return [login for result in reversed(results) if result for login in result]

    # --- answers built on the declarations -----------------------------------------

    def setting(self, organisation, plugin: str, key: str):
        """Effective value of a rule setting: the organisation's, else the plugin's default."""
        own = (organisation.settings or {}).get(plugin, {})
        if key in own:
            return own[key]
        try:
            return self.rule_settings[(plugin, key)].default
        except KeyError:
            raise KeyError(f"no rule setting {plugin}.{key}") from None

    def scale_for(self, group_kind: str) -> MarkScale | None:
        kind = self.group_kinds[group_kind]
        for scale in self.mark_scales.values():
            if scale.plugin == kind.plugin and not scale.final_only:
                return scale
        return None
