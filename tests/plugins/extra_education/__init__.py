"""Учреждение дополнительного образования: объединения by year of study, half-years, зачёт."""
from app import hookimpl
from app.registry import PluginInfo

name = "extra_education"  # the entry point's name and the plugin's code in Organisation.plugins

# The host registers each of these modules of the package as "extra_education.<part>".
PARTS = ("kinds", "calendar", "scales", "rules", "roles")


@hookimpl
def describe_plugin(host) -> PluginInfo:
    return PluginInfo(name, "Дополнительное образование")
