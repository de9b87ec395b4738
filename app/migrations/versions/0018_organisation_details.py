"""an organisation's ОГРН and its director's name (the system administrator enters them)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 12:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ogrn', sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column('director', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('director')
        batch_op.drop_column('ogrn')
