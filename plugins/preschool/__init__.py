"""Preschool groups (дошкольные группы): воспитанники, months, attendance per day, no marks.

The entry module says who the plugin is; each part (``PARTS``) is registered by the
host as "preschool.<part>". The plugin declares no mark scale: воспитанники get no marks."""
from __future__ import annotations

from app import hookimpl
from app.registry import DemoLogin, PluginInfo

name = "preschool"

PARTS = ("kinds", "calendar", "rules", "roles", "reports", "days", "diary", "fee_parts")


@hookimpl
def describe_plugin(host) -> PluginInfo:
    from .demo import ORGANISATION

    return PluginInfo(name, "Дошкольное образование", demo=ORGANISATION)


@hookimpl
def populate_demo(host, session, organisation, year, rng) -> list[DemoLogin]:
    from .demo import populate

    return populate(host, session, organisation, year, rng)
