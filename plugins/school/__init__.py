"""General school (1–11 grades): classes, quarters or halves, marks 2–5.

The entry module says who the plugin is; each part (``PARTS``) is registered by the
host as "school.<part>"."""
from __future__ import annotations

from app import hookimpl
from app.registry import DemoLogin, PluginInfo

name = "school"

PARTS = ("kinds", "calendar", "year_mode", "scales", "rules", "reports")


@hookimpl
def describe_plugin(host) -> PluginInfo:
    from .demo import ORGANISATION

    return PluginInfo(name, "Школа", demo=ORGANISATION)


@hookimpl
def populate_demo(host, session, organisation, year, rng) -> list[DemoLogin]:
    from .demo import populate

    return populate(host, session, organisation, year, rng)
