"""Demo data of the plugin (filled in by the demo builder)."""
from __future__ import annotations


def populate(host, session, organisation, year, rng):
    return []
