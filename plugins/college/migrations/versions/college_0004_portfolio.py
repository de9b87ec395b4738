"""The teacher's portfolio: its entries by section and the days it was corrected.

Revision ID: college_0004
Revises: college_0003
Create Date: 2026-12-04
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0004"
down_revision = "college_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "college_portfolio_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("hours", sa.Integer(), nullable=True),
        sa.Column("issuer", sa.String(length=300), nullable=True),
        sa.Column("document", sa.String(length=100), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("college_portfolio_entry", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_college_portfolio_entry_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_college_portfolio_entry_staff_id"), ["staff_id"], unique=False)
    op.create_table(
        "college_portfolio_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["staff_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "day"),
    )
    with op.batch_alter_table("college_portfolio_update", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_college_portfolio_update_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_college_portfolio_update_staff_id"), ["staff_id"], unique=False)


def downgrade():
    op.drop_table("college_portfolio_update")
    op.drop_table("college_portfolio_entry")
