"""«Деление на подгруппы»: split a class for a subject, move a learner at a period's end (R9)."""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AcademicYear, Learner, LearnerGroup, Subgroup, SubgroupMember, Subject, TeachingAssignment
from app.registry import READ
from app.scoping import current_scope
from app.services.kinds import lower_first, organisation_kinds, taught_kinds, words_of
from app.services.subgroups import Actor, may_split, move, move_dates, split, split_locked, subgroups_of
from app.views.base import saved
from app.views.movement import scoped_get
from app.views.vocabulary import phrase

MAX_SUBGROUPS = 3


def _actor() -> Actor:
    sm = current_app.appbuilder.sm
    scope = current_scope()
    return Actor(person_id=scope.person_id if scope else None, org_wide=sm.level("SubgroupSplit") >= 2,
                 may_move=sm.level("SubgroupMoves") >= 2)


def _cannot_split() -> str:
    """The refusal of a group out of reach, in the words of the organisation's kind taught by
    subject (the school's where it has several or none)."""
    kinds = [kind for kind in organisation_kinds() if kind.teaches_subjects]
    kind = kinds[0] if len(kinds) == 1 else words_of(None)
    words = {"group": kind.name_acc, "leader": lower_first(kind.leader), "teacher": kind.teacher_with}
    if kind.gender == "f":
        return _("Делить %(group)s на подгруппы может только её %(leader)s вместе с %(teacher)s предмета.", **words)
    return _("Делить %(group)s на подгруппы может только его %(leader)s вместе с %(teacher)s предмета.", **words)


def _pairs(session):
    """(group id, group name, subject id, subject name, level) of the classes the user reaches, open years only."""
    # The level is selected too: PostgreSQL orders a DISTINCT only by selected columns.
    return session.execute(
        select(LearnerGroup.id, LearnerGroup.name, Subject.id, Subject.name, LearnerGroup.level)
        .join(TeachingAssignment, TeachingAssignment.group_id == LearnerGroup.id)
        .join(Subject, Subject.id == TeachingAssignment.subject_id)
        .join(AcademicYear, AcademicYear.id == LearnerGroup.year_id)
        .where(LearnerGroup.kind.in_(taught_kinds()), AcademicYear.closed.is_(False)).distinct()
        .order_by(LearnerGroup.level, LearnerGroup.name, Subject.name)).all()


def _default_pair(session, pairs) -> tuple[int, int]:
    """The own class first (for a class teacher), and in it a subject already split."""
    scope = current_scope()
    person = scope.person_id if scope else None
    led = set(session.scalars(select(LearnerGroup.id).where(LearnerGroup.leader_id == person))) if person else set()
    split_ = set(session.execute(select(Subgroup.group_id, Subgroup.subject_id).where(
        Subgroup.group_id.in_({p[0] for p in pairs}))).all())
    best = min(pairs, key=lambda p: (p[0] not in led, (p[0], p[2]) not in split_))
    return best[0], best[2]


class SubgroupSplitView(BaseView):
    route_base = "/subgroups"
    class_permission_name = "SubgroupSplit"
    # Reading the page is enough to ask: the rules (R9) decide who may split or move.
    method_permission_name = {"index": READ, "split_class": READ, "move_learner": READ}
    default_view = "index"
    title = phrase("Деление %(groups)s на подгруппы", groups="groups_of")

    @expose("/")
    @has_access
    def index(self):
        session = db.session
        pairs = _pairs(session)
        group_id = request.args.get("group", type=int)
        subject_id = request.args.get("subject", type=int)
        if (group_id is None or subject_id is None) and pairs:
            group_id, subject_id = _default_pair(session, pairs)
        ctx = dict(pairs=pairs, group_id=group_id, subject_id=subject_id, title=self.title, group=None)
        if group_id is not None:
            if (group_id, subject_id) not in {(p[0], p[2]) for p in pairs}:
                abort(404)
            group = scoped_get(session, LearnerGroup, group_id)
            subs = subgroups_of(session, group_id, subject_id)
            learners = session.scalars(select(Learner).where(Learner.group_id == group_id, Learner.left_on.is_(None))
                                       .order_by(Learner.last_name, Learner.first_name, Learner.middle_name)).all()
            members = session.execute(
                select(SubgroupMember.learner_id, SubgroupMember.subgroup_id, SubgroupMember.valid_from,
                       SubgroupMember.valid_to)
                .where(SubgroupMember.subgroup_id.in_([s.id for s in subs]))
                .order_by(SubgroupMember.learner_id, SubgroupMember.valid_from)).all() if subs else []
            today = clock.today()
            current = {m[0]: m[1] for m in members
                       if (m[2] is None or m[2] <= today) and (m[3] is None or m[3] >= today)}
            actor = _actor()
            names = [s.name for s in subs] or [_("1 группа"), _("2 группа")]
            names += [""] * max(0, MAX_SUBGROUPS - len(names))
            ctx.update(group=group, subgroups=subs, learners=learners, current=current,
                       moves=[m for m in members if m[2] is not None or m[3] is not None],
                       sub_names={s.id: s.name for s in subs}, names=names,
                       learner_names={l.id: l.full_name for l in learners},
                       locked=split_locked(session, [s.id for s in subs]),
                       can_split=may_split(session, group, subject_id, actor), can_move=actor.may_move,
                       dates=move_dates(session, group), today=today)
        return self.render_template("subgroups/split.html", **ctx)

    @expose("/<int:group_id>/<int:subject_id>/split", methods=["POST"])
    @has_access
    def split_class(self, group_id: int, subject_id: int):
        session = db.session
        group = scoped_get(session, LearnerGroup, group_id)
        if group is None:
            # Another teacher's class is out of his reach: the same answer whether it exists or not.
            flash(_cannot_split(), "danger")
            return redirect(url_for("SubgroupSplitView.index"))
        if scoped_get(session, Subject, subject_id) is None:
            abort(404)
        names = request.form.getlist("name")
        placement = {}
        for key, value in request.form.items():
            if key.startswith("learner-"):
                try:
                    placement[int(key[8:])] = int(value) if value != "" else None
                except ValueError:
                    abort(400)
        kind = words_of(group)
        done = (_("%(group)s разделена на подгруппы.", group=kind.name) if kind.gender == "f"
                else _("%(group)s разделён на подгруппы.", group=kind.name))
        return saved(lambda: split(session, group, subject_id, names, placement, _actor()), done,
                                 url_for("SubgroupSplitView.index", group=group_id, subject=subject_id))

    @expose("/<int:group_id>/<int:subject_id>/move", methods=["POST"])
    @has_access
    def move_learner(self, group_id: int, subject_id: int):
        session = db.session
        learner = scoped_get(session, Learner, request.form.get("learner", type=int) or 0)
        target = scoped_get(session, Subgroup, request.form.get("subgroup", type=int) or 0)
        if learner is None or target is None or target.group_id != group_id or target.subject_id != subject_id:
            abort(404)
        try:
            effective = dt.date.fromisoformat(request.form.get("date", ""))
        except ValueError:
            effective = None
        return saved(lambda: move(session, learner, target, effective, _actor()),
                                 _("%(learner)s переведён в подгруппу «%(name)s».", learner=words_of(target.group).learner,
                                   name=target.name),
                                 url_for("SubgroupSplitView.index", group=group_id, subject=subject_id))


def register_views(appbuilder):
    from app.views.catalog import CATEGORIES

    label, icon = CATEGORIES["Journal"]
    appbuilder.add_view(SubgroupSplitView, "SubgroupSplit", label=SubgroupSplitView.title, category="Journal",
                        category_label=label, category_icon=icon)
