"""The plugin host: loads plugins from entry points and answers for them.

One host per application (``app.extensions["ejournal"]``), never a module
global, so test apps with different plugins stay apart.
"""
from __future__ import annotations

from functools import cached_property
from importlib.metadata import entry_points
from typing import Iterable

import pluggy

from .exceptions import PluginError
from . import hookspecs
from .registry import GroupKind, MarkScale, PeriodType, ReportSpec, Resource, RoleSpec, RuleSetting

ENTRY_POINT_GROUP = "ejournal.plugins"


class PluginHost:
    def __init__(self, enabled: Iterable[str] | None = None, extra: Iterable[object] = ()):
        self.pm = pluggy.PluginManager("ejournal")
        self.pm.add_hookspecs(hookspecs)
        from importlib import import_module

        from . import core_plugin
        from .capabilities import CAPABILITIES

        self.pm.register(core_plugin, name="core")
        for capability in CAPABILITIES:
            self.pm.register(import_module(f"{__package__}.capabilities.{capability}"), name=f"core.{capability}")
        wanted = set(enabled) if enabled is not None else None
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            if wanted is None or ep.name in wanted:
                self.pm.register(ep.load(), name=ep.name)
        for plugin in extra:
            self.pm.register(plugin, name=getattr(plugin, "name", None))
        # A misspelled hook implementation fails here instead of never running.
        self.pm.check_pending()
        self._collect_models()

    @property
    def hook(self):
        return self.pm.hook

    @property
    def plugin_names(self) -> list[str]:
        return [name for name, _ in self.pm.list_name_plugin() if name != "core" and not name.startswith("core.")]

    def _collect(self, hook_name: str) -> list:
        results = getattr(self.pm.hook, hook_name)(host=self)
        return [item for result in results if result for item in result]

    def _collect_models(self) -> None:
        self.models = self._collect("register_models")

    @staticmethod
    def _unique(items, what: str) -> dict:
        found: dict = {}
        for item in items:
            key = getattr(item, "code", None) or getattr(item, "id", None) or item.key
            if key in found:
                raise PluginError(f"{what} «{key}» declared twice ({found[key].plugin}, {item.plugin})")
            found[key] = item
        return found

    @cached_property
    def plugin_labels(self) -> dict[str, str]:
        """Plugin code → its Russian label (hook ``describe_plugin``)."""
        return {info.code: info.label for info in self.pm.hook.describe_plugin(host=self) if info}

    @cached_property
    def group_kinds(self) -> dict[str, GroupKind]:
        return self._unique(self._collect("register_group_kinds"), "group kind")

    @cached_property
    def period_types(self) -> dict[str, PeriodType]:
        return self._unique(self._collect("register_period_types"), "period type")

    @cached_property
    def mark_scales(self) -> dict[str, MarkScale]:
        return self._unique(self._collect("register_mark_scales"), "mark scale")

    @cached_property
    def rule_settings(self) -> dict[tuple[str, str], RuleSetting]:
        return {(s.plugin, s.key): s for s in self._collect("rule_defaults")}

    @cached_property
    def resources(self) -> dict[str, Resource]:
        return {r.name: r for r in self._collect("register_resources")}

    @cached_property
    def roles(self) -> dict[str, RoleSpec]:
        """Roles by name; declarations of the same role by several plugins merge."""
        merged: dict[str, RoleSpec] = {}
        for spec in self._collect("register_roles"):
            known = merged.get(spec.name)
            if known is None:
                merged[spec.name] = spec
                continue
            perms = dict(known.permissions)
            for resource, level in spec.permissions.items():
                if perms.get(resource) != "write":
                    perms[resource] = level
            merged[spec.name] = RoleSpec(
                spec.name, known.scope, perms, known.description or spec.description, known.staff
            )
        return merged

    @cached_property
    def role_plugins(self) -> dict[str, frozenset[str]]:
        """Role name → the plugins that declare it («core» for the core's own)."""
        found: dict[str, set[str]] = {}
        for impl in self.pm.hook.register_roles.get_hookimpls():
            for spec in impl.function(host=self) or []:
                found.setdefault(spec.name, set()).add(impl.plugin_name)
        return {name: frozenset(plugins) for name, plugins in found.items()}

    def roles_for(self, plugins: Iterable[str]) -> list[RoleSpec]:
        """The roles of an organisation served by ``plugins``: those declared by the
        core or by one of them, less the leader roles of other plugins' group kinds
        (a school has no «Куратор», a college no «Классный руководитель»)."""
        plugins = set(plugins) | {"core"}
        leaders = {k.leader for k in self.group_kinds.values()}
        own_leaders = {k.leader for k in self.group_kinds.values() if k.plugin in plugins}
        return [spec for name, spec in self.roles.items()
                if self.role_plugins.get(name, frozenset()) & plugins and (name not in leaders or name in own_leaders)]

    @cached_property
    def restricted(self) -> dict[type, str]:
        """Models of restricted personal data → the resource guarding each (hook ``restricted_models``)."""
        return {r.model: r.resource for r in self._collect("restricted_models")}

    @cached_property
    def reports(self) -> dict[str, ReportSpec]:
        return self._unique(self._collect("register_reports"), "report")

    def calendar(self, plugin: str, start_year: int):
        """The default periods of ``plugin`` for the year starting in ``start_year``."""
        impl = self.pm.get_plugin(plugin)
        if impl is None or not hasattr(impl, "academic_year_calendar"):
            return []
        return impl.academic_year_calendar(host=self, start_year=start_year) or []

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
