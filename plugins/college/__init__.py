"""Vocational college (СПО): study groups by course, semesters, зачёт/незачёт and exams.

The entry module says who the plugin is; each part (``PARTS``) is registered by the
host as "college.<part>"."""
from __future__ import annotations

from app import hookimpl
from app.registry import DemoLogin, PluginInfo

name = "college"

PARTS = ("kinds", "calendar", "scales", "rules", "roles", "specialties", "session_parts", "portfolio_parts", "curriculum_parts",
         "college_reports", "session_timetable_parts")


@hookimpl
def describe_plugin(host) -> PluginInfo:
    from .demo import ORGANISATION

    return PluginInfo(name, "Колледж (СПО)", demo=ORGANISATION)


@hookimpl
def populate_demo(host, session, organisation, year, rng) -> list[DemoLogin]:
    from .demo import populate

    return populate(host, session, organisation, year, rng)
