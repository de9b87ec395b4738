"""The home page: who you are, where you are, what you may open."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import IndexView, expose
from flask_login import current_user


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        org = None
        if current_user.is_authenticated and current_user.org_id:
            from ..models import Organisation
            from ..extensions import db

            org = db.session.get(Organisation, current_user.org_id)
        return self.render_template(self.index_template, appbuilder=self.appbuilder, organisation=org,
                                    host=current_app.extensions["ejournal"])
