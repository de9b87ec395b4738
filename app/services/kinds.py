"""Questions about the kinds of group the loaded plugins declare, asked by the core's
capabilities instead of naming a kind."""
from __future__ import annotations

from app.extensions import current_host
from app.registry import GroupKind


def taught_kinds(host=None) -> tuple[str, ...]:
    """Codes of the kinds of group taught by subject (a school class, a college's study
    group): the curriculum, the load, the КТП, the timetable and subgroups are theirs."""
    host = host or current_host()
    return tuple(code for code, kind in host.group_kinds.items() if kind.teaches_subjects)


def kind_of(group, host=None) -> GroupKind | None:
    host = host or current_host()
    return host.group_kinds.get(group.kind) if group is not None else None


def taught_kinds_of(plugins, host=None) -> list[GroupKind]:
    """The kinds of group taught by subject of an organisation served by ``plugins``."""
    host = host or current_host()
    return [kind for kind in host.group_kinds.values() if kind.teaches_subjects and kind.plugin in set(plugins or ())]
