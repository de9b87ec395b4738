"""Where the core's templates, translations and default settings are, and each plugin's.

In a checkout (an editable install too) they sit at its top level: ``templates/``,
``translations/`` and ``config.py``. A wheel carries them inside this package instead:
``app/templates``, ``app/translations`` (compiled catalogues only) and
``app/default_config.py``, put there by the build (``setup.py``).

A plugin that is a package may ship ``templates/`` and
``translations/<locale>/LC_MESSAGES/messages.po`` beside its ``__init__.py``.
Template names are looked up in this order:

1. ``<plugin>/<path>``: ``<path>`` in the ``templates/`` of the plugin registered as
   ``<plugin>`` (its entry-point name);
2. any name: the core's ``templates/`` (so ``<plugin>/<path>`` that the plugin
   lacks may still come from the core);
3. the blueprints' folders, Flask-AppBuilder's own templates among them.

A plugin's templates thus live in a namespace of their own: the core shadows none
of them, and a plugin replaces no template of the core or of another plugin.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, PrefixLoader

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def core_dir(name: str) -> Path:
    """The core's ``templates`` or ``translations`` folder: the installed package's, else the checkout's."""
    packaged = PACKAGE / name
    return packaged if packaged.is_dir() else CHECKOUT / name


def default_config() -> ModuleType:
    """The module of default settings: the wheel's ``app.default_config``, else the checkout's ``config``."""
    if (PACKAGE / "default_config.py").is_file():
        return importlib.import_module(f"{__package__}.default_config")
    path = CHECKOUT / "config.py"
    known = sys.modules.get("config")
    if known is not None and Path(getattr(known, "__file__", "") or "").resolve() == path:
        return known
    # By its path, not its name: `flask` puts the current directory first on sys.path,
    # and an editable install may be run from any directory.
    spec = importlib.util.spec_from_file_location("config", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    sys.modules.setdefault("config", module)  # the tests reload it by that name
    return module


def plugin_dirs(host, name: str) -> dict[str, Path]:
    """Plugin name → its ``name`` folder (``templates``, ``translations``), for the
    loaded plugins that are packages and ship one, in the order the host loaded them."""
    found: dict[str, Path] = {}
    for plugin_name in host.plugin_names:
        for folder in getattr(host.pm.get_plugin(plugin_name), "__path__", None) or ():
            path = Path(folder) / name
            if path.is_dir():
                found[plugin_name] = path.resolve()
                break
    return found


def template_loader(host) -> BaseLoader:
    """The application's Jinja loader, in the lookup order of this module's docstring."""
    plugins = {name: FileSystemLoader(path) for name, path in plugin_dirs(host, "templates").items()}
    return ChoiceLoader([PrefixLoader(plugins), FileSystemLoader(core_dir("templates"))])


def translation_directories(host) -> str:
    """``BABEL_TRANSLATION_DIRECTORIES``: every loaded plugin's catalogue folder, then the core's.

    Flask-Babel merges the catalogues in this order, a later one winning for the same
    message (Flask-AppBuilder puts its own first): a plugin cannot change the core's wording.
    """
    folders = [*plugin_dirs(host, "translations").values(), core_dir("translations").resolve()]
    return ";".join(str(folder) for folder in folders)
