"""Parental fees: the authority's daily norms per kind of group and the children's discounts.

Revision ID: preschool_0003
Revises: preschool_0002
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "preschool_0003"
down_revision = "preschool_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "preschool_fee_norm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("authority_id", sa.Integer(), nullable=False),
        sa.Column("group_type", sa.String(length=20), nullable=False),
        sa.Column("daily_rate", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["authority_id"], ["authority.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("preschool_fee_norm", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preschool_fee_norm_authority_id"), ["authority_id"], unique=False)
    op.create_table(
        "preschool_fee_discount",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("preschool_fee_discount", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preschool_fee_discount_learner_id"), ["learner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preschool_fee_discount_org_id"), ["org_id"], unique=False)


def downgrade():
    op.drop_table("preschool_fee_discount")
    op.drop_table("preschool_fee_norm")
