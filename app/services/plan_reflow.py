"""Re-flow of plan topics when lessons of a planned class are added or moved.

Lessons change in many places (the core's «Уроки» pages and REST API, the
timetable's generation, the calendar). Rather than each of them calling
``flow_topics``, the session notes at flush which (class, subject, subgroup)
had a lesson added or its date, number, class, subgroup or subject changed, and
before the commit re-flows the plans of exactly those keys: nothing at all runs
for a commit that touched no lesson's place.
"""
from __future__ import annotations

from sqlalchemy import delete, inspect
from sqlalchemy.orm import Session

from app.models import Lesson

_WATCHED = ("date", "number", "group_id", "subgroup_id", "subject_id")
_KEY = "plans_reflow"


def _keys_of(session: Session) -> set:
    keys = {(o.group_id, o.subject_id, o.subgroup_id) for o in session.deleted if isinstance(o, Lesson)}
    new = session.new  # built anew at each access: once, not once a row
    for obj in list(new) + list(session.dirty):
        if not isinstance(obj, Lesson):
            continue
        state = inspect(obj)
        if obj in new or any(state.attrs[a].history.has_changes() for a in _WATCHED):
            keys.add((obj.group_id, obj.subject_id, obj.subgroup_id))
            for attr in ("group_id", "subgroup_id", "subject_id"):
                deleted = state.attrs[attr].history.deleted
                if deleted:  # the lesson left another class or subgroup: re-flow that one too
                    old = {"group_id": obj.group_id, "subject_id": obj.subject_id, "subgroup_id": obj.subgroup_id}
                    old[attr] = deleted[0]
                    keys.add((old["group_id"], old["subject_id"], old["subgroup_id"]))
    return keys


def _before_flush(session, flush_context, instances):
    deleted = [obj for obj in session.deleted if isinstance(obj, Lesson) and obj.id is not None]
    if deleted:
        # A lesson taken away (the calendar moved, a duplicate removed) lets go of its
        # plan topic first, and the plan re-flows over the lessons left.
        from app.models.plans import LessonTopicLink

        session.execute(delete(LessonTopicLink).where(LessonTopicLink.lesson_id.in_([o.id for o in deleted])))
        session.info.setdefault(_KEY, set()).update((o.group_id, o.subject_id, o.subgroup_id) for o in deleted)
    if session.info.get("plans_flowing"):
        return
    keys = _keys_of(session)
    if keys:
        session.info.setdefault(_KEY, set()).update(keys)


def _before_commit(session):
    if session.info.get("plans_flowing"):
        return
    keys = session.info.pop(_KEY, set()) | _keys_of(session)
    if not keys:
        return
    from app.services.plans import flow_topics, plans_for_lessons

    session.info["plans_flowing"] = True
    try:
        session.flush()
        for plan in plans_for_lessons(session, keys):
            flow_topics(session, plan)
    finally:
        session.info.pop("plans_flowing", None)


def _forget(session, *args):
    session.info.pop(_KEY, None)


# (event, listener) of the session, attached by ``app.listeners``.
SESSION_LISTENERS = (("before_flush", _before_flush), ("before_commit", _before_commit),
                     ("after_soft_rollback", _forget))
