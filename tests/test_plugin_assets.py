"""A plugin's own templates and translations: found beside its package, in a
namespace of its own, its catalogue merged before the core's."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from flask import render_template

from app import create_app
from app.resources import CHECKOUT, core_dir, plugin_dirs

from .conftest import base_config

PACKAGE = "ejournal_probe_plugin"


def _catalogue(folder: Path, messages: dict[str, str]) -> None:
    """A compiled catalogue, as `make translations` or the wheel's build leaves one."""
    catalog = Catalog(locale="ru")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    target = folder / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as mo:
        write_mo(mo, catalog)


@pytest.fixture
def probe(tmp_path, monkeypatch):
    """A throw-away plugin package with a template, a template named as one of the
    core's, and a catalogue translating a phrase of its own and one of the core's."""
    root = tmp_path / PACKAGE
    (root / "templates").mkdir(parents=True)
    (root / "__init__.py").write_text('name = "probe"\n', encoding="utf-8")
    (root / "templates" / "page.html").write_text(
        '{% extends "probe/part.html" %}{% block body %}{{ _("Probe phrase") }} / {{ _("Add") }}{% endblock %}',
        encoding="utf-8")
    (root / "templates" / "part.html").write_text("<p>{% block body %}{% endblock %}</p>", encoding="utf-8")
    (root / "templates" / "home.html").write_text("the plugin's home", encoding="utf-8")
    _catalogue(root / "translations", {"Probe phrase": "Фраза пробного плагина", "Add": "Прибавить"})
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    sys.modules.pop(PACKAGE, None)


@pytest.fixture
def probe_app(probe, template_db):
    return create_app({**base_config(template_db[0]), "EJOURNAL_EXTRA_PLUGINS": [probe]})


def test_a_plugins_template_is_found_under_its_name(probe_app):
    with probe_app.test_request_context("/"):
        page = render_template("probe/page.html")
    # the plugin's catalogue translates its phrase; the core's wording of "Add" wins
    assert page == "<p>Фраза пробного плагина / Добавить</p>"


def test_a_plugin_replaces_no_template_of_the_core(probe_app):
    loader = probe_app.jinja_env.loader
    assert loader.get_source(probe_app.jinja_env, "probe/home.html")[0] == "the plugin's home"
    core_home, filename, _ = loader.get_source(probe_app.jinja_env, "home.html")
    assert Path(filename) == core_dir("templates") / "home.html" and "the plugin's home" not in core_home


def test_babel_gets_absolute_folders_of_the_plugins_then_the_core(probe, probe_app):
    folders = probe_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    assert all(Path(folder).is_absolute() for folder in folders)
    ours = [Path(folder) for folder in folders[1:]]  # Flask-AppBuilder's own comes first
    assert ours[-1] == (CHECKOUT / "translations").resolve()
    assert Path(probe.__path__[0]).resolve() / "translations" in ours
    assert (CHECKOUT / "plugins" / "school" / "translations").resolve() in ours


def test_our_plugins_ship_their_catalogues(app):
    """The strings only a plugin uses are in its catalogue, not the core's (`make messages`)."""
    host = app.extensions["ejournal"]
    folders = plugin_dirs(host, "translations")
    assert {"school", "college"} <= set(folders)  # the preschool plugin has no strings of its own
    core = (core_dir("translations") / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    college = (folders["college"] / "ru" / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert 'msgid "Специальности"' in college and 'msgid "Специальности"' not in core
