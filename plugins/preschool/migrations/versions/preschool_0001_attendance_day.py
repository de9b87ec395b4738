"""The preschool's days of attendance, and one day row per child and date.

Revision ID: preschool_0001
Revises:
Create Date: 2026-12-02

The first revision of the preschool's own branch: the table of taken days
(``preschool_attendance_day``) and a partial unique index on the core's
``attendance``: a child has at most one row without a lesson (a preschool day)
per date.
"""
import sqlalchemy as sa
from alembic import op

revision = "preschool_0001"
down_revision = None
branch_labels = ("preschool",)
depends_on = "0001"  # organisation, learner_group, ab_user and attendance


def upgrade():
    op.create_table(
        "preschool_attendance_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("taken_by", sa.Integer(), nullable=True),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["taken_by"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "date", name="uq_preschool_attendance_day_group_date"),
    )
    with op.batch_alter_table("preschool_attendance_day", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_preschool_attendance_day_group_id"), ["group_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preschool_attendance_day_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_preschool_attendance_day_taken_by"), ["taken_by"], unique=False)
    where = sa.text("lesson_id IS NULL")
    op.create_index("uq_attendance_learner_day", "attendance", ["learner_id", "date"], unique=True,
                    sqlite_where=where, postgresql_where=where)


def downgrade():
    op.drop_index("uq_attendance_learner_day", table_name="attendance")
    op.drop_table("preschool_attendance_day")
