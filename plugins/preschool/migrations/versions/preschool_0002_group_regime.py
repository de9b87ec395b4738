"""A preschool group's regime: its working weekdays, hours, kind of stay and places.

Revision ID: preschool_0002
Revises: preschool_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "preschool_0002"
down_revision = "preschool_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preschool_group_regime",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("weekdays", sa.String(length=7), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("group_type", sa.String(length=20), nullable=False),
        sa.Column("places", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id"),
    )
    with op.batch_alter_table("preschool_group_regime", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preschool_group_regime_org_id"), ["org_id"], unique=False)


def downgrade():
    op.drop_table("preschool_group_regime")
