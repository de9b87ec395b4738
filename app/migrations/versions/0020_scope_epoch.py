"""эпохи доступа: the tokens of the data users' scopes and rights are made of (app.scoping.cache)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('scope_epoch',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )


def downgrade():
    op.drop_table('scope_epoch')
