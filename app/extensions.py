"""Extension objects, created unbound and attached to each app in create_app()."""
import os
from pathlib import Path

from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate

db = SQLA()
migrate = Migrate()


@migrate.configure
def _plugin_branches(config):
    """Each loaded plugin with a ``migrations/versions`` folder beside its module keeps
    its own Alembic branch there: the running app's plugins decide the version locations."""
    from flask import current_app

    from .resources import plugin_dirs

    plugins = plugin_dirs(current_app.extensions["ejournal"], "migrations").values()
    locations = [Path(config.get_main_option("script_location")) / "versions"]
    locations += [folder / "versions" for folder in plugins if (folder / "versions").is_dir()]
    config.set_main_option("version_path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(map(str, locations)))
    return config


def current_host():
    """The plugin host of the running app (each app has its own: tests build several)."""
    from flask import current_app

    return current_app.extensions["ejournal"]
