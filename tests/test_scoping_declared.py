"""How a model is scoped is declared on it (``__scope__``), not guessed from its
columns: a model about a learner or a group that says nothing stops the start,
what is derived from the declarations belongs to one app, and the session's
listeners run in their documented order (app/listeners.py)."""
from __future__ import annotations

import pytest
from flask import g
from sqlalchemy import ForeignKey, Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app import create_app, hookimpl
from app.exceptions import ScopeError
from app.extensions import db
from app.models import Account, AuditEntry, OrgScoped, Person, Subject
from app.scoping import LEARNER, ScopeDeclarationError, acting_as, resolve_scope
from tests.conftest import base_config


class _Base(DeclarativeBase):
    """A registry of the tests' own: the core's must not keep a model that cannot start."""


class PortfolioEntry(_Base):  # a learner's row, its scope forgotten
    __tablename__ = "test_portfolio_entry"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class ClassDuty(_Base):  # a group's row, its scope forgotten
    __tablename__ = "test_class_duty"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("learner_group.id"))


class SportsResult(_Base):
    __tablename__ = "test_sports_result"
    __scope__ = "pupil"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class ExcursionNote(_Base):
    __tablename__ = "test_excursion_note"
    __scope__ = "group"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    note: Mapped[str] = mapped_column(String(50))


class OlympiadResult(OrgScoped, _Base):
    __tablename__ = "test_olympiad_result"
    __scope__ = "learner"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("person.id"))


class _PluginWith:
    """A plugin adding one model."""

    def __init__(self, model):
        self.name = f"test_{model.__name__.lower()}"
        self.model = model

    @hookimpl
    def register_models(self, host):
        return [self.model]


@pytest.mark.parametrize("model, reason", [
    (PortfolioEntry, "PortfolioEntry has learner_id but no __scope__"),
    (ClassDuty, "ClassDuty has group_id but no __scope__"),
    (SportsResult, "SportsResult: __scope__ = 'pupil' is none of organisation, group, learner, custom"),
    (ExcursionNote, "ExcursionNote is scoped by group but has no group_id column"),
])
def test_a_model_without_a_possible_scope_stops_the_start(template_db, model, reason):
    with pytest.raises(ScopeDeclarationError, match=reason):
        create_app({**base_config(template_db[0]), "EJOURNAL_EXTRA_PLUGINS": [_PluginWith(model)]})


def test_what_the_declarations_give_belongs_to_one_app(app, template_db):
    """A plugin's model of one app is cut in that app only, never in the next one."""
    other = create_app({**base_config(template_db[0]), "EJOURNAL_EXTRA_PLUGINS": [_PluginWith(OlympiadResult)]})
    reached = [OlympiadResult in a.extensions["ejournal_scoping"].by_learner for a in (other, app)]
    assert (other.extensions["ejournal_scoping"].kind_of(OlympiadResult), reached) == (LEARNER, [True, False])


def test_a_refused_flush_has_recorded_nothing_for_the_audit(app, world):
    """The recorders run after the rules: a flush refused by R8 leaves no audit
    entry pending, so a later commit of the same session logs each change once."""
    with app.test_request_context():
        with acting_as(None):
            before = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity == "Staff", AuditEntry.entity_id == world.org1_teacher))
            account = db.session.scalar(select(Account).where(Account.username == "admin1"))
        g.ejournal_scope = resolve_scope(db.session, account, app.extensions["ejournal"])
        db.session.get(Person, world.org1_teacher).phone = "+7 900 000-00-01"
        subject = Subject(org_id=world.org1, name="Матем.", plugin="school")
        db.session.add(subject)
        with pytest.raises(ScopeError, match="Матем."):
            db.session.flush()
        db.session.expunge(subject)
        db.session.commit()
        g.pop("ejournal_scope")
        with acting_as(None):
            after = db.session.scalar(select(func.count()).select_from(AuditEntry).where(
                AuditEntry.entity == "Staff", AuditEntry.entity_id == world.org1_teacher))
        db.session.remove()
    assert after - before == 1
