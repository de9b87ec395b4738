"""a person's СНИЛС (the import of learners matches by it)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 11:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snils', sa.String(length=14), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_snils'), ['snils'], unique=False)


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_snils'))
        batch_op.drop_column('snils')
