"""The curriculum (учебный план) of each specialty by semester.

Revision ID: college_0002
Revises: college_0001
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0002"
down_revision = "college_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "college_curriculum_row",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("specialty_id", sa.Integer(), nullable=False),
        sa.Column("semester", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("classroom_hours", sa.Integer(), nullable=False),
        sa.Column("self_study_hours", sa.Integer(), nullable=False),
        sa.Column("attestation", sa.String(length=20), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["parent_id"], ["college_curriculum_row.id"]),
        sa.ForeignKeyConstraint(["specialty_id"], ["college_specialty.id"]),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("specialty_id", "semester", "subject_id"),
    )
    with op.batch_alter_table("college_curriculum_row", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_college_curriculum_row_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_college_curriculum_row_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_college_curriculum_row_specialty_id"), ["specialty_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_college_curriculum_row_subject_id"), ["subject_id"], unique=False)


def downgrade():
    op.drop_table("college_curriculum_row")
