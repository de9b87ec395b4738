"""The plugin host: entry points, parts, and a fourth plugin added without touching
the core (the README's worked example is in test_fourth_institution.py; the hooks'
documentation in test_hook_docs.py)."""
from __future__ import annotations

import datetime as dt
from importlib.metadata import entry_points

import pytest

from app import create_app, hookimpl
from app.exceptions import PluginError
from app.plugins import ENTRY_POINT_GROUP, PluginHost
from app.registry import SCOPE_GROUPS, GroupKind, MarkScale, MarkValue, PeriodTemplate, PeriodType, Resource, RoleSpec

from .conftest import base_config


def test_our_plugins_are_registered_as_entry_points():
    found = {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}
    assert found == {"school": "plugins.school", "preschool": "plugins.preschool", "college": "plugins.college"}


def test_core_never_imports_plugins():
    import pathlib

    offenders = [
        str(path)
        for path in pathlib.Path("app").rglob("*.py")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith(("from plugins", "import plugins"))
    ]
    assert offenders == []


def test_the_core_names_no_plugin():
    """Not by import and not by name: no plugin's code, nor its group kinds' codes, nor
    its roles in a string of the core's code or templates (its migrations aside: they
    are history)."""
    import ast
    import pathlib

    host = PluginHost()
    names = set(host.plugin_names) | set(host.group_kinds)
    # The roles only plugins declare, and the leaders of their kinds of group (the
    # core declares the Классный руководитель itself).
    names |= {role for role, plugins in host.role_plugins.items() if "core" not in plugins}
    names |= {kind.leader for kind in host.group_kinds.values()} - {"Классный руководитель"}
    found = set()
    for path in pathlib.Path("app").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and node.value in names:
                found.add((path.as_posix(), node.value))
    for path in pathlib.Path("templates").rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        found |= {(path.as_posix(), name) for name in names for quote in "'\"" if f"{quote}{name}{quote}" in text}
    assert found == set()


def test_plugins_register_one_module_per_part():
    """The entry module is the plugin; each of its ``PARTS`` is registered as "<code>.<part>"
    and is no plugin of its own."""
    host = PluginHost()
    assert host.plugin_names == ["college", "preschool", "school"]
    registered = {name: plugin for name, plugin in host.pm.list_name_plugin()}
    for code in host.plugin_names:
        parts = registered[code].PARTS
        assert parts, f"{code} names no parts"
        for part in parts:
            assert registered[f"{code}.{part}"].__name__ == f"plugins.{code}.{part}"


def test_a_question_is_asked_of_one_plugin_only():
    """``get_calendar`` goes through pluggy, but only to the modules of the plugin asked."""
    class Loud:
        name = "loud"

        @hookimpl
        def get_calendar(self, host, start_year):
            return [PeriodTemplate("quarter", "чужой", dt.date(start_year, 9, 1), dt.date(start_year, 9, 2), 1)]

    host = PluginHost(extra=[Loud()])
    assert [p.name for p in host.calendar("loud", 2026)] == ["чужой"]
    assert "чужой" not in {p.name for p in host.calendar("school", 2026)}
    assert host.calendar("no_such_plugin", 2026) == []


def test_plugins_contribute_their_vocabulary():
    host = PluginHost()
    kinds = host.group_kinds
    assert kinds["class"].leader == "Классный руководитель" and kinds["class"].levels == tuple(range(1, 12))
    assert kinds["preschool_group"].leader == "Воспитатель" and not kinds["preschool_group"].takes_marks
    assert kinds["college_group"].leader == "Куратор" and kinds["college_group"].levels == (1, 2, 3, 4)
    assert {"quarter", "half", "trimester", "month", "semester", "session"} <= set(host.period_types)
    assert [v.value for v in host.scale_for("class").values] == ["5", "4", "3", "2"]
    assert host.scale_for("preschool_group") is None
    assert {v.value for v in host.mark_scales["pass_fail"].values} == {"зч", "нз"}


def test_school_calendar_has_four_quarters_and_final_periods():
    periods = PluginHost().calendar("school", 2026)
    quarters = [p for p in periods if p.type_code == "quarter"]
    assert [q.name for q in quarters] == ["1 четверть", "2 четверть", "3 четверть", "4 четверть"]
    assert quarters[0].start == dt.date(2026, 9, 1) and quarters[-1].end.year == 2027
    assert {"year", "exam", "final"} <= {p.type_code for p in periods}
    assert len(PluginHost().calendar("preschool", 2026)) == 12


def test_rule_defaults_differ_by_plugin():
    host = PluginHost()

    class Org:
        settings = {"school": {"edit_window_days": 7}}

    assert host.setting(Org, "school", "edit_window_days") == 7  # the organisation's own value
    assert host.setting(Org, "college", "edit_window_days") == 14  # the plugin's default
    assert host.setting(Org, "school", "no_marks_levels") == [1]  # R2: grade 1 takes no marks
    with pytest.raises(KeyError):
        host.setting(Org, "school", "no_such_rule")


def test_roles_of_all_plugins_and_merged_permissions():
    roles = PluginHost().roles
    for name in ["Администратор", "Директор", "Завуч", "Учитель", "Классный руководитель", "Куратор",
                 "Воспитатель", "Секретарь", "Специалист по кадрам", "Менеджер учебной части",
                 "Заведующий учебной частью", "Психолог / социальный педагог", "Медицинский работник",
                 "Технический персонал", "Обучающийся", "Родитель", "Сотрудник УО"]:
        assert name in roles, name
    # the college plugin widens the core's Администратор with its own resource
    assert roles["Администратор"].permissions["Specialties"] == "write"
    assert roles["Администратор"].permissions["Marks"] == "write"
    assert set(roles["Заведующий учебной частью"].permissions.values()) == {"read"}


def test_only_enabled_plugins_load():
    host = PluginHost(enabled=["preschool"])
    assert host.plugin_names == ["preschool"]
    assert "class" not in host.group_kinds


def test_clashing_declarations_stop_start_up():
    class Clash:
        name = "clash"

        @hookimpl
        def register_group_kinds(self, host):
            return [GroupKind("class", "clash", "Класс", "Классы", "Руководитель", "Ученик", "Ученики")]

    with pytest.raises(PluginError, match="class"):
        PluginHost(extra=[Clash()]).group_kinds


def test_misspelled_hook_fails_at_start_up():
    class Typo:
        name = "typo"

        @hookimpl
        def register_group_kind(self, host):  # missing "s"
            return []

    with pytest.raises(Exception, match="register_group_kind"):
        PluginHost(extra=[Typo()])


class MusicSchool:
    """A fourth kind of organisation, defined here and nowhere in the core."""

    name = "music"

    @hookimpl
    def register_group_kinds(self, host):
        return [GroupKind("music_class", self.name, "Класс по специальности", "Классы по специальности",
                          "Преподаватель по специальности", "Учащийся", "Учащиеся", levels=(1, 2, 3, 4, 5, 6, 7))]

    @hookimpl
    def register_period_types(self, host):
        return [PeriodType("music_half", self.name, "Полугодие"), PeriodType("recital", self.name, "Академический концерт", True)]

    @hookimpl
    def get_calendar(self, host, start_year):
        return [PeriodTemplate("music_half", "1 полугодие", dt.date(start_year, 9, 1), dt.date(start_year, 12, 27), 1)]

    @hookimpl
    def register_mark_scales(self, host):
        return [MarkScale("music_five", self.name, "С плюсами", [MarkValue("5+", "5+", 5.5), MarkValue("5", "5", 5)])]

    @hookimpl
    def register_resources(self, host):
        return [Resource("Recitals", "Академические концерты", self.name)]

    @hookimpl
    def register_roles(self, host):
        return [RoleSpec("Концертмейстер", SCOPE_GROUPS, {"Recitals": "write", "Learners": "read"})]


def test_a_fourth_plugin_needs_no_change_in_the_core(template_db):
    url, _ = template_db
    app = create_app({**base_config(url), "EJOURNAL_EXTRA_PLUGINS": [MusicSchool()]})
    host = app.extensions["ejournal"]
    assert "music" in host.plugin_names
    assert host.group_kinds["music_class"].leader == "Преподаватель по специальности"
    assert host.period_types["recital"].is_final
    assert host.scale_for("music_class").allows("5+")
    assert host.calendar("music", 2026)[0].name == "1 полугодие"
    assert host.roles["Концертмейстер"].permissions == {"Recitals": "write", "Learners": "read"}
    assert "Recitals" in host.resources
    # the other plugins are still there
    assert {"school", "preschool", "college"} <= set(host.plugin_names)


def test_plugin_report_runs_on_real_data(app, world):
    from app.extensions import db

    host = app.extensions["ejournal"]
    report = host.reports["school.class_fill"]
    assert report.title == "Наполняемость классов"
    with app.app_context():
        (table,) = report.run(db.session, {"organisation": world.org1})
    rows = {(r[1], r[0]): r[2] for r in table.rows}
    # world: 5А has three learners, 6Б one; the other school's classes are not counted
    assert rows == {("5А", 5): 3, ("6Б", 6): 1}


def test_plugin_model_and_view_are_part_of_the_app(app):
    from flask_appbuilder import Model

    assert "college_specialty" in Model.metadata.tables
    assert "Specialties" in {v.class_permission_name for v in app.appbuilder.baseviews if hasattr(v, "class_permission_name")}
