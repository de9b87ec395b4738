"""Questions about the kinds of group the loaded plugins declare, asked by the core's
capabilities instead of naming a kind."""
from __future__ import annotations

from flask import g, has_request_context

from app.extensions import current_host, db
from app.registry import GroupKind

# The rule setting by which an organisation names the levels of its plugin's kind of group.
LEVEL_NAMES = "level_names"


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


def kinds_of(plugins, host=None) -> list[GroupKind]:
    """Every kind of group of an organisation served by ``plugins`` (a kindergarten's too)."""
    host = host or current_host()
    return [kind for kind in host.group_kinds.values() if kind.plugin in set(plugins or ())]


def _split_names(value) -> tuple[str, ...]:
    """A ``level_names`` value as names: «Ясельная, Первая младшая» (or a list) → a tuple."""
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    return tuple(str(part).strip() for part in value or ())


def level_names(host, organisation, kind_code: str) -> tuple[str, ...]:
    """The names of the levels of ``kind_code`` in ``organisation``, one per level of the
    kind, in its order ("" where none): the organisation's own (its plugin's rule setting
    ``level_names``, when the plugin declares one), else the kind's ``level_names``."""
    kind = host.group_kinds.get(kind_code)
    if kind is None:
        return ()
    own: tuple[str, ...] = ()
    if organisation is not None and (kind.plugin, LEVEL_NAMES) in host.rule_settings:
        own = _split_names(host.setting(organisation, kind.plugin, LEVEL_NAMES))
    declared = tuple(kind.level_names)
    names = []
    for position in range(len(kind.levels)):
        mine = own[position] if position < len(own) else ""
        names.append(mine or (declared[position] if position < len(declared) else ""))
    return tuple(names)


def level_label(host, organisation, kind_code: str, level: int | None) -> str:
    """How a group's level reads: the organisation's own name of it, else the kind's
    («Средняя»), else the number («5»)."""
    if level is None:
        return ""
    kind = host.group_kinds.get(kind_code)
    if kind is None or level not in kind.levels:
        return str(level)
    return _label(kind, level_names(host, organisation, kind_code), level)


def _label(kind: GroupKind, names: tuple[str, ...], level: int) -> str:
    position = list(kind.levels).index(level)
    return (names[position] if position < len(names) else "") or str(level)


def _names_in_request(host, org_id, kind_code: str) -> tuple[str, ...]:
    """``level_names`` of ``org_id``, read once a request (a list of groups asks per row)."""
    from app.models import Organisation

    if not has_request_context():
        return level_names(host, db.session.get(Organisation, org_id) if org_id is not None else None, kind_code)
    cache = g.setdefault("ejournal_level_names", {})
    key = (org_id, kind_code)
    if key not in cache:
        organisation = db.session.get(Organisation, org_id) if org_id is not None else None
        cache[key] = level_names(host, organisation, kind_code)
    return cache[key]


def level_label_of(group, host=None) -> str:
    """``level_label`` of ``group`` (a LearnerGroup or any row with ``org_id``, ``kind`` and
    ``level``), its organisation's names read once a request."""
    if group is None:
        return ""
    return level_label_in(group.org_id, group.kind, group.level, host)


def level_label_in(org_id: int | None, kind_code: str, level: int | None, host=None) -> str:
    """``level_label`` of a level of ``kind_code`` in the organisation ``org_id``, its names
    read once a request (a list of groups asks row by row)."""
    if level is None:
        return ""
    host = host or current_host()
    kind = host.group_kinds.get(kind_code)
    if kind is None or level not in kind.levels:
        return str(level)
    return _label(kind, _names_in_request(host, org_id, kind_code), level)


def level_choices(host, organisation, kind: GroupKind) -> list[tuple[int, str]]:
    """(level, its label) of every level of ``kind`` in ``organisation``."""
    return [(level, level_label(host, organisation, kind.code, level)) for level in kind.levels]


# The words where no kind of group is known: ``GroupKind``'s defaults, which are a school's.
SCHOOL_WORDS = GroupKind("", "", "Класс", "Классы", "Классный руководитель", "Обучающийся", "Обучающиеся")


def words_of(group, host=None) -> GroupKind:
    """The kind of ``group`` to speak of it («Учебная группа», «куратора»); the school's
    words when the group or its kind is unknown."""
    return kind_of(group, host) or SCHOOL_WORDS


def organisation_kinds(org_id: int | None = None, host=None) -> list[GroupKind]:
    """Every kind of group of the organisation ``org_id`` (default: that of the request's
    scope); [] when no one organisation is known (the system administrator, the demo)."""
    from app.models import Organisation
    from app.scoping import current_scope

    if org_id is None:
        scope = current_scope()
        org_id = scope.default_org_id if scope is not None else None
    organisation = db.session.get(Organisation, org_id) if org_id is not None else None
    return kinds_of(organisation.plugins, host) if organisation is not None else []


def agreed(kinds, attribute: str, fallback: str) -> str:
    """The word ``attribute`` of ``kinds`` when they agree on it, else ``fallback`` (a school
    with a preschool group, or no kind known)."""
    words = list(dict.fromkeys(getattr(kind, attribute) for kind in kinds if getattr(kind, attribute)))
    return words[0] if len(words) == 1 else fallback


def joined(words) -> str:
    """Distinct words as Russian lists them: «а», «а и б», «а, б и в»."""
    words = list(dict.fromkeys(w for w in words if w))
    return " и ".join([", ".join(words[:-1]), words[-1]]) if len(words) > 1 else "".join(words)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]
