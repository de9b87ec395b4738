"""one default assignment per lesson

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_of', sa.Integer(), nullable=True))
    # The first assignment of each lesson is the one its first marks went to.
    op.execute("UPDATE assignment SET default_of = lesson_id "
               "WHERE id IN (SELECT MIN(id) FROM assignment GROUP BY lesson_id)")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.create_unique_constraint('uq_assignment_default_of', ['default_of'])


def downgrade():
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_constraint('uq_assignment_default_of', type_='unique')
        batch_op.drop_column('default_of')
