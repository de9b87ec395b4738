"""The session listeners of the application, attached in one place and in one order.

SQLAlchemy runs the listeners of an event in the order they were attached, and
the order matters here:

1. scoping (``app.scoping``): the read filter (``do_orm_execute``) and the
   write guard (``before_flush``) — a write outside the user's reach is
   refused before anything else looks at it;
2. plan rules (``app.services.plan_rules``): R8 and class names, the other
   refusal of a flush;
3. plan reflow (``app.services.plan_reflow``): notes the lessons moved and lets
   go of the plan topics of deleted ones; re-flows the plans before the commit;
4. audit (``app.audit``) and 5. activity (``app.services.activity``): the
   recorders come last, so that they record the flush as the others left it
   and a refused flush has recorded nothing.

They are attached to the application's own session class (the sessionmaker
behind ``db.session``), not to SQLAlchemy's ``Session``: every session of the
application — the request's, the CLI's, the tests' — comes from there, and a
``Session(engine)`` opened apart is not the application's business. The class
is shared by every app of the process (one ``db``), so attaching is idempotent:
the test suite creates several apps.
"""
from __future__ import annotations

from sqlalchemy import event


def ordered_listeners() -> tuple[tuple[str, object], ...]:
    """(event, listener) pairs in the order they are attached."""
    from . import audit
    from .scoping import SESSION_LISTENERS as scoping
    from .services import activity, plan_reflow, plan_rules

    return (*scoping, *plan_rules.SESSION_LISTENERS, *plan_reflow.SESSION_LISTENERS, *audit.SESSION_LISTENERS,
            *activity.SESSION_LISTENERS)


def attach_listeners(session) -> None:
    """Attach the listeners to ``session`` (a scoped session, a sessionmaker or a Session class), once."""
    for identifier, listener in ordered_listeners():
        if not event.contains(session, identifier, listener):
            event.listen(session, identifier, listener)
