"""«Правила организации»: the rule settings an Администратор sets for his organisation.

Each setting is declared by a plugin (hook ``register_rule_settings``) with its default;
the organisation's own values live in ``Organisation.settings`` by plugin, and
every rule reads them through ``PluginHost.setting`` at the moment it applies,
so a change takes effect at once. The organisation row is audited, so the log
keeps who changed which setting, from what, to what.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from ..exceptions import SettingsError
from ..registry import RuleSetting

# What each rule of the journal is about, in the words of the people who follow it.
RULE_TITLES = {
    "R1": _l("Срок исправления отметок и посещаемости"),
    "R2": _l("Классы без отметок"),
    "R3": _l("Шкалы отметок"),
    "R4": _l("Срок выставления итоговых отметок"),
    "R5": _l("Итоговая отметка по текущим"),
    "R6": _l("Причины пропусков"),
    "R7": _l("Тема и домашнее задание в день урока"),
    "R8": _l("Записи в журнале на русском языке"),
    "R9": _l("Подгруппы"),
    "R10": _l("Дневник вместо журнала для обучающихся и родителей"),
    "R11": _l("Учётные записи и согласия"),
    "R12": _l("Пароли сотрудников"),
    "R13": _l("Часы КТП и учебного плана"),
    "R14": _l("Сроки приказов о движении"),
    "R15": _l("Замещения"),
    "R16": _l("Хранение журналов"),
    # Settings of no article of the regulation: what the organisation calls things
    # (the names of a kindergarten's age groups); listed after the rules.
    "": _l("Названия в журнале"),
}


@dataclass
class SettingRow:
    spec: RuleSetting
    value: Any
    is_default: bool
    applies_to: str = ""  # whose groups it governs, when the organisation has several kinds

    @property
    def field(self) -> str:
        return f"{self.spec.plugin}.{self.spec.key}"

    @property
    def rule_title(self) -> str:
        # A plugin's setting of no article of the regulation names its subject itself.
        return str(RULE_TITLES.get(self.spec.rule, self.spec.rule))


def rows_for(host, organisation) -> list[SettingRow]:
    """The settings of the core and of the organisation's plugins, with the values in force."""
    plugins = {"core", *(organisation.plugins or [])}
    kinds = {p: ", ".join(str(k.name_plural) for k in host.group_kinds.values() if k.plugin == p) for p in plugins}
    several = len(plugins) > 2
    rows = []
    for (plugin, key), spec in host.rule_settings.items():
        if plugin not in plugins:
            continue
        own = (organisation.settings or {}).get(plugin, {})
        rows.append(SettingRow(spec, own.get(key, spec.default), key not in own,
                               kinds.get(plugin, "") if several else ""))
    return sorted(rows, key=lambda r: (int(r.spec.rule[1:]) if r.spec.rule[1:].isdigit() else 99, r.spec.label))


def format_value(value) -> str:
    """A value as the form shows it: a list as «1, 2», a number with a comma."""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def _parse(spec: RuleSetting, raw: str | None):
    default = spec.default
    text = (raw or "").strip()
    if isinstance(default, bool):
        return raw in ("y", "on", "1", "true")
    if isinstance(default, list):
        if not text:
            return []
        try:
            values = sorted({int(part) for part in text.replace(";", ",").split(",") if part.strip()})
        except ValueError:
            raise ValueError(_l("Перечислите целые числа через запятую, например «1, 2».")) from None
        if any(v < 1 or v > 20 for v in values):
            raise ValueError(_l("Числа — от 1 до 20."))
        return values
    if isinstance(default, float):
        try:
            value = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(_l("Введите число, например «0,6».")) from None
        if not 0 <= value < 1:
            raise ValueError(_l("Число от 0 до 1, например «0,6»."))
        return value
    if isinstance(default, int):
        try:
            value = int(text)
        except ValueError:
            raise ValueError(_l("Введите целое число.")) from None
        if not 0 <= value <= 3650:
            raise ValueError(_l("Число от 0 до 3650."))
        return value
    if isinstance(default, dict):
        return default  # structured settings are edited on their own pages
    # Text: an empty field is the default again, as the page promises.
    return text or default


def save(session, host, organisation, form) -> int:
    """Store the values of ``form`` (field «plugin.key»); return how many changed.

    All or nothing: any refused value raises SettingsError and changes nothing.
    A value equal to the default is stored as no value, so a later change of the
    default reaches the organisation.
    """
    errors, wanted = {}, {}
    for row in rows_for(host, organisation):
        if isinstance(row.spec.default, dict):
            continue
        try:
            wanted[(row.spec.plugin, row.spec.key)] = _parse(row.spec, form.get(row.field))
        except ValueError as exc:
            errors[row.field] = f"{row.spec.label}: {exc}"
    if errors:
        raise SettingsError(errors)
    settings = {plugin: dict(values) for plugin, values in (organisation.settings or {}).items()}
    changed = 0
    for (plugin, key), value in wanted.items():
        own = settings.setdefault(plugin, {})
        before = own.get(key, host.rule_settings[(plugin, key)].default)
        if value == before:
            continue
        changed += 1
        if value == host.rule_settings[(plugin, key)].default:
            own.pop(key, None)
        else:
            own[key] = value
    organisation.settings = {plugin: values for plugin, values in settings.items() if values}
    return changed


def setting_of(host, organisation, key: str, default=None):
    """The organisation's value of ``key`` from the first of its plugins declaring it,
    for the core's capabilities that ask a setting without knowing whose it is."""
    for plugin in organisation.plugins or []:
        if (plugin, key) in host.rule_settings:
            return host.setting(organisation, plugin, key)
    return default
