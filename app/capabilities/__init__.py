"""What every kind of institution shares, beyond the journal: one module per
capability, each registering its models, resources, roles and views through the
same hooks a plugin implements.

The host registers these modules under ``core.<name>`` right after
``app.core_plugin``, as pytest registers its ``default_plugins``: a plugin widens
their roles or adds to them, and never has to bring them itself.
"""
from __future__ import annotations

CAPABILITIES = ("timetable", "plans", "movement", "cards", "subgroups", "transfers")
