"""A fourth kind of institution, «Учреждение дополнительного образования», added without
touching the core: the worked example of the README's plugin guide, whose code is
``tests/plugins/extra_education`` (kept identical to the README by this test)."""
from __future__ import annotations

import pathlib
import re
import sys
import tomllib

import pytest

from app import create_app
from app.plugins import ENTRY_POINT_GROUP, PluginHost

from .conftest import base_config, dispose
from .plugins import extra_education

ROOT = pathlib.Path(__file__).resolve().parent.parent
PLUGIN_DIR = pathlib.Path(extra_education.__file__).parent
PACKAGE = "ejournal_extra_education"  # the package's name in the README
# A code block of the guide: its first line names the file it holds.
BLOCK = re.compile(r"^```(?P<lang>toml|python)\n# (?P<file>\S+)[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def readme_files() -> dict[str, str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return {m["file"]: m["body"] for m in BLOCK.finditer(readme)}


def test_the_readme_example_is_the_tested_plugin():
    files = readme_files()
    shown = {name.removeprefix(f"{PACKAGE}/"): body for name, body in files.items() if name.startswith(f"{PACKAGE}/")}
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in sorted(PLUGIN_DIR.glob("*.py"))}
    assert set(shown) == set(on_disk), "the README shows other files than tests/plugins/extra_education"
    for name, text in on_disk.items():
        assert shown[name] == text, f"README.md's {PACKAGE}/{name} differs from tests/plugins/extra_education/{name}"
    assert set(extra_education.PARTS) == {name.removesuffix(".py") for name in on_disk} - {"__init__"}


def check_extra_education(host: PluginHost) -> None:
    assert "extra_education" in host.plugin_names
    assert not any("." in name for name in host.plugin_names)  # parts are no plugins of their own
    assert host.plugin_labels["extra_education"] == "Дополнительное образование"
    kind = host.group_kinds["association"]
    assert (kind.plugin, kind.name, kind.name_plural, kind.level_name) == \
        ("extra_education", "Объединение", "Объединения", "Год обучения")
    assert kind.leader == "Педагог дополнительного образования" and kind.levels == (1, 2, 3, 4)
    assert host.period_types["extra_half"].name == "Полугодие" and not host.period_types["extra_half"].is_final
    assert host.period_types["extra_year"].whole_year
    assert [p.name for p in host.calendar("extra_education", 2026)] == ["1 полугодие", "2 полугодие", "Учебный год"]
    scale = host.scale_for("association")
    assert scale.code == "extra_pass_fail" and scale.allows("зч") and scale.allows("нз") and not scale.allows("5")

    class Organisation:
        settings = {"extra_education": {"edit_window_days": 3}}

    assert host.setting(Organisation, "extra_education", "edit_window_days") == 3
    assert host.setting(Organisation, "extra_education", "min_marks_for_final") == 1
    # The organisation's roles: the core's, its leader's, and no other kind's leader.
    roles = {spec.name for spec in host.roles_for(["extra_education"])}
    assert {"Педагог дополнительного образования", "Администратор", "Учитель"} <= roles
    assert not roles & {"Классный руководитель", "Куратор", "Воспитатель"}
    # The core widens every group leader with logins and consents.
    assert host.roles["Педагог дополнительного образования"].permissions["IssueLogins"] == "write"
    # The other plugins are untouched, and the school's calendar is still its own.
    assert {"school", "preschool", "college"} <= set(host.plugin_names)
    assert host.calendar("school", 2026)[0].name == "1 четверть"


def test_the_host_loads_the_plugin_and_its_parts():
    host = PluginHost(extra=[extra_education])
    registered = {name for name, _ in host.pm.list_name_plugin()}
    assert {f"extra_education.{part}" for part in extra_education.PARTS} <= registered
    check_extra_education(host)


def test_the_readme_package_installs_through_its_entry_point(tmp_path, monkeypatch):
    """The README's pyproject and modules, laid out as an installed distribution:
    the host finds the plugin by its entry point alone."""
    files = readme_files()
    pyproject = tomllib.loads(files["pyproject.toml"])
    entry_points = pyproject["project"]["entry-points"][ENTRY_POINT_GROUP]
    assert entry_points == {"extra_education": PACKAGE}
    package = tmp_path / PACKAGE
    package.mkdir()
    for name, body in files.items():
        if name.startswith(f"{PACKAGE}/"):
            (tmp_path / name).write_text(body, encoding="utf-8")
    dist_info = tmp_path / f"{PACKAGE}-1.0.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: 1.0\n", encoding="utf-8")
    (dist_info / "entry_points.txt").write_text(
        f"[{ENTRY_POINT_GROUP}]\n" + "".join(f"{k} = {v}\n" for k, v in entry_points.items()), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        check_extra_education(PluginHost())
        assert PluginHost(enabled=["school"]).plugin_names == ["school"]  # loaded only where enabled
    finally:
        for module in [m for m in sys.modules if m == PACKAGE or m.startswith(f"{PACKAGE}.")]:
            del sys.modules[module]


def test_an_app_with_the_fourth_plugin(template_db):
    url, _ = template_db
    app = create_app({**base_config(url), "EJOURNAL_EXTRA_PLUGINS": [extra_education]})
    try:
        check_extra_education(app.extensions["ejournal"])
    finally:
        dispose(app)


def test_parts_need_a_named_package():
    from app.exceptions import PluginError

    class NotAPackage:
        name = "loose"
        PARTS = ("kinds",)

    with pytest.raises(PluginError, match="PARTS"):
        PluginHost(extra=[NotAPackage()])
