"""The home page: who you are, where you are, what you may open."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import IndexView, expose
from flask_babel import gettext as _
from flask_login import current_user

from ..roles import LEARNER, TEACHER
from .jobs import ready_jobs
from .vocabulary import current_vocabulary


class HomeView(IndexView):
    index_template = "home.html"

    @expose("/")
    def index(self):
        from ..extensions import db

        org = None
        host = current_app.extensions["ejournal"]
        if current_user.is_authenticated and current_user.org_id:
            from ..models import Organisation

            org = db.session.get(Organisation, current_user.org_id)
        # The plugins' one-tap links: what this user opens every day (hook extra_home_links).
        links = host.home_links(db.session, current_user) if current_user.is_authenticated else []
        ready = ready_jobs(db.session, current_user.id) if current_user.is_authenticated else []
        # The core's roles of a teacher and a learner read as the organisation calls them:
        # a college's «Преподаватель» and «Студент» hold the roles «Учитель» and «Обучающийся».
        vocab = current_vocabulary()
        role_labels = {"Admin": _("Системный администратор"), "Public": _("Гость"), TEACHER: vocab.teacher,
                       LEARNER: vocab.learner}
        return self.render_template(self.index_template, appbuilder=self.appbuilder, organisation=org, host=host,
                                    links=links, role_labels=role_labels, ready=ready)
