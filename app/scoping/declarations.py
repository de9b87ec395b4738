"""How each model is scoped: declared on the model, checked once per application.

A model says how its rows are reached with a class attribute ``__scope__``:

``"organisation"``
    a row of one organisation (``org_id``): whoever reaches the organisation
    reaches every row of it (subjects, periods, bells…). The default of an
    ``OrgScoped`` model that has neither a ``learner_id`` nor a ``group_id``.
``"group"``
    a row about one group (``group_id``): a user whose reach is his groups,
    his children or himself reads and writes the rows of those groups only.
``"learner"``
    a row about one learner (``learner_id``): such a user reads and writes
    the rows of the learners he reaches only.
``"custom"``
    the cut is written out by hand in ``app.scoping.reads`` (the tenants, the
    people, the groups themselves, what hangs on a lesson…); start-up fails
    when no such rule exists for the model.

A mapped model with a ``learner_id`` or a ``group_id`` column and no
declaration is refused at start-up (``ScopeDeclarationError``): a new model
must not be readable by everyone of the organisation because its author forgot
to say otherwise. The declaration is inherited: the subclasses of ``Person``
follow ``Person``'s.

What is derived from the declarations (``ScopeIndex``) is computed once per
application by ``index_models`` and kept in ``app.extensions``: nothing here
is module state, so test apps with different plugins never share it.
"""
from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

from flask import current_app
from sqlalchemy import inspect

from ..exceptions import PluginError
from ..models import Account, OrgScoped

ORGANISATION = "organisation"
GROUP = "group"
LEARNER = "learner"
CUSTOM = "custom"
KINDS = (ORGANISATION, GROUP, LEARNER, CUSTOM)
# The column each generic kind cuts by.
COLUMN = MappingProxyType({GROUP: "group_id", LEARNER: "learner_id"})
EXTENSION = "ejournal_scoping"


class ScopeDeclarationError(PluginError):
    """A model whose scope is missing or impossible (raised at start-up)."""


@dataclass(frozen=True)
class ScopeIndex:
    """The declarations of every mapped model, as the read filter and the write guard use them."""

    kinds: Mapping[type, str]  # mapped class → its kind; unscoped classes (FAB's) are absent
    by_learner: tuple[type, ...]  # base classes declared "learner"
    by_group: tuple[type, ...]  # base classes declared "group"
    table_classes: Mapping[str, type]  # table name → its base mapped class, for the foreign-key check

    def kind_of(self, cls: type) -> str | None:
        return self.kinds.get(cls)


def declared(cls: type) -> str | None:
    """The model's declaration, its own or inherited; ``OrgScoped`` itself declares nothing."""
    return getattr(cls, "__scope__", None)


def index_models(mappers, custom: Iterable[type]) -> ScopeIndex:
    """Check the declarations of ``mappers`` and index them.

    ``custom``: the models whose cut is written out by hand (``reads.CUSTOM_RULES``).
    """
    custom = frozenset(custom)
    kinds: dict[type, str] = {}
    by_learner: list[type] = []
    by_group: list[type] = []
    tables: dict[str, type] = {}
    for mapper in sorted(mappers, key=lambda m: (m.class_.__module__, m.class_.__qualname__)):
        cls = mapper.class_
        kind = _kind(mapper, custom)
        if kind is not None:
            kinds[cls] = kind
        if mapper.inherits is not None:
            continue  # the base's cut covers its subclasses
        tables.setdefault(mapper.local_table.name, cls)
        if kind == LEARNER:
            by_learner.append(cls)
        elif kind == GROUP:
            by_group.append(cls)
    # FAB maps ab_user twice (its User and our Account): the check must see ours.
    tables["ab_user"] = Account
    return ScopeIndex(MappingProxyType(kinds), tuple(by_learner), tuple(by_group), MappingProxyType(tables))


def _kind(mapper, custom: frozenset[type]) -> str | None:
    cls = mapper.class_
    kind = declared(cls)
    columns = set(mapper.columns.keys())
    if kind is None:
        reaching = sorted(columns & set(COLUMN.values()))
        if reaching:
            raise ScopeDeclarationError(
                f"model {cls.__module__}.{cls.__name__} has {', '.join(reaching)} but no __scope__: "
                f"declare how its rows are reached, one of {', '.join(KINDS)} (see app.scoping.declarations)")
        return ORGANISATION if issubclass(cls, OrgScoped) else None
    if kind not in KINDS:
        raise ScopeDeclarationError(
            f"model {cls.__name__}: __scope__ = {kind!r} is none of {', '.join(KINDS)}")
    if kind in COLUMN and COLUMN[kind] not in columns:
        raise ScopeDeclarationError(f"model {cls.__name__} is scoped by {kind} but has no {COLUMN[kind]} column")
    if kind != CUSTOM and not issubclass(cls, OrgScoped):
        raise ScopeDeclarationError(f"model {cls.__name__} is scoped by {kind} but is not OrgScoped")
    if kind == CUSTOM and not any(issubclass(cls, ruled) for ruled in custom):
        raise ScopeDeclarationError(
            f"model {cls.__name__} declares a custom scope, but app.scoping.reads has no rule for it")
    return kind


def scope_index() -> ScopeIndex:
    """The index of the current application."""
    return current_app.extensions[EXTENSION]


def _mappers(app) -> list:
    from ..models import Model

    mappers = set(Model.registry.mappers)
    # A plugin's model mapped elsewhere than on the core's registry is checked too.
    mappers |= {inspect(model) for model in app.extensions["ejournal"].models}
    return list(mappers)


def init_declarations(app, custom: Iterable[type]) -> ScopeIndex:
    """Index the models of ``app`` (its plugins' included); refuses an undeclared one."""
    index = index_models(_mappers(app), custom)
    app.extensions[EXTENSION] = index
    return index
