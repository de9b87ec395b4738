"""What the pages Люди → «Согласия на обработку ПД» and «Выдача логинов» share:
the request's session, scope and roles, the group chosen among those the user
may keep consents or issue logins for, and a refused rule shown as a message."""
from __future__ import annotations

import contextlib

from flask import flash, request
from flask_appbuilder import BaseView
from flask_login import current_user

from ..exceptions import RuleError, ScopeError
from ..extensions import db
from ..scoping import current_scope
from ..security import role_names_of
from ..services import accounts as svc


@contextlib.contextmanager
def refusal_flashed(session):
    """A rule or the scope refuses what the block does: roll back and flash the Russian reason."""
    try:
        yield
    except (RuleError, ScopeError) as exc:
        session.rollback()
        flash(str(exc), "danger")


class GroupPeopleView(BaseView):
    """A page on the learners and parents of one group; the right asked of the
    group is the view's ``class_permission_name`` («Consents», «IssueLogins»)."""

    default_view = "index"

    def _context(self):
        session = db.session
        return session, current_scope(), role_names_of(session, current_user)

    def _groups(self, session, scope, roles, choose: bool = True):
        """The groups to choose from and the chosen one: ``?group=``, else the first.
        A group out of reach is flashed and none is chosen; so with ``choose`` False."""
        groups = svc.issuable_groups(session, scope, roles, self.class_permission_name)
        if not choose:
            return groups, None
        group_id = request.args.get("group", type=int)
        if group_id is None and groups:
            group_id = groups[0].id
        group = None
        if group_id is not None:
            try:
                group = svc.checked_group(session, scope, roles, group_id, self.class_permission_name, groups)
            except RuleError as exc:
                flash(str(exc), "danger")
        return groups, group
