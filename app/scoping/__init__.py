"""Data scoping, enforced once, below every view and API.

Each request resolves the current user's ``Scope`` once and keeps it in ``g``
(``resolution``). Every ORM SELECT is then cut to the organisations, groups
and learners the user may reach (``reads``), and every flush checks what it
writes (``writes``). How a model is reached is declared on the model
(``__scope__``, see ``declarations``) and checked when the application starts.

Outside a request (CLI, migrations, the demo builder) there is no scope and
nothing is cut; ``acting_as()`` sets one explicitly for headless runs.

The two listeners are attached with the application's others, in their order,
by ``app.listeners``.
"""
from __future__ import annotations

from ..exceptions import ScopeError
from .declarations import (
    CUSTOM, GROUP, KINDS, LEARNER, ORGANISATION, ScopeDeclarationError, ScopeIndex, index_models, scope_index,
)
from .cache import note_bulk_writes, note_changes
from .reads import cut_reads, plain_rows
from .resolution import ANONYMOUS, SYSTEM, Scope, acting_as, current_scope, resolve_scope
from .writes import guard_writes

# (event, listener) of the session, in the order they run. The last two renew the
# tokens of the cached scopes (``cache``) when what they are made of changes.
SESSION_LISTENERS = (("do_orm_execute", cut_reads), ("before_flush", guard_writes),
                     ("after_flush", note_changes), ("do_orm_execute", note_bulk_writes))


def init_scoping(app) -> ScopeIndex:
    """Check and index the scope declarations of ``app``'s models (once per app)."""
    from .declarations import init_declarations
    from .reads import CUSTOM_RULES

    return init_declarations(app, CUSTOM_RULES)


__all__ = [
    "ANONYMOUS", "CUSTOM", "GROUP", "KINDS", "LEARNER", "ORGANISATION", "SESSION_LISTENERS", "SYSTEM",
    "Scope", "ScopeDeclarationError", "ScopeError", "ScopeIndex", "acting_as", "current_scope", "cut_reads", "plain_rows",
    "guard_writes", "index_models", "init_scoping", "resolve_scope", "scope_index",
]
