"""``scoping.plain_rows``: a column read without the ORM's row processing is cut exactly
like an ORM read (the journal reads its 7,200 marks so)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Mark
from app.scoping import Scope, acting_as, plain_rows


def _teacher_scope(world) -> Scope:
    """The class teacher of the first school's class: its learners, not the stranger of the other class."""
    learners = (world.org1_child, world.org1_sibling, world.org1_learner3)
    return Scope("group", username="teacher1", person_id=world.org1_teacher, org_ids=(world.org1,),
                 write_org_ids=(world.org1,), group_ids=(world.org1_group,), learner_ids=learners)


def test_plain_rows_give_a_teacher_only_the_marks_he_reaches(app, world):
    statement = select(Mark.id).order_by(Mark.id)
    with app.test_request_context(), acting_as(_teacher_scope(world)):
        assert [r[0] for r in plain_rows(db.session, statement)] == [world.org1_mark, world.org1_sibling_mark]


def test_plain_rows_give_what_the_orm_gives_for_the_same_user(app, world):
    statement = select(Mark.learner_id, Mark.value).join(Mark.assignment).order_by(Mark.id)
    with app.test_request_context(), acting_as(_teacher_scope(world)):
        assert [tuple(r) for r in plain_rows(db.session, statement)] == \
            [tuple(r) for r in db.session.execute(statement)]


def test_plain_rows_of_another_organisation_are_empty(app, world):
    with app.test_request_context(), acting_as(_teacher_scope(world)):
        assert plain_rows(db.session, select(Mark.id).where(Mark.org_id == world.org2)) == []
