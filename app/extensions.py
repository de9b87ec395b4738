"""Extension objects, created unbound and attached to each app in create_app()."""
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate

db = SQLA()
migrate = Migrate()
