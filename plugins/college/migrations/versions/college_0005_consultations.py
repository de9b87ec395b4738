"""The session timetable: consultations before exams, and the hours and rooms of the exams.

Revision ID: college_0005
Revises: college_0004
Create Date: 2026-12-10
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0005"
down_revision = "college_0004"
branch_labels = None
depends_on = "0006"  # school_room, the rooms of the core's timetable


def upgrade():
    op.create_table(
        "college_consultation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("starts", sa.String(length=5), nullable=False),
        sa.Column("ends", sa.String(length=5), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("teacher_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["school_room.id"]),
        sa.ForeignKeyConstraint(["sheet_id"], ["college_exam_sheet.id"]),
        sa.ForeignKeyConstraint(["teacher_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("college_consultation", schema=None) as batch_op:
        for column in ("date", "group_id", "org_id", "room_id", "sheet_id", "teacher_id"):
            batch_op.create_index(batch_op.f(f"ix_college_consultation_{column}"), [column], unique=False)
    op.create_table(
        "college_exam_time",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("starts", sa.String(length=5), nullable=False),
        sa.Column("ends", sa.String(length=5), nullable=False),
        sa.Column("room_id", sa.Integer(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["school_room.id"]),
        sa.ForeignKeyConstraint(["sheet_id"], ["college_exam_sheet.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sheet_id"),
    )
    with op.batch_alter_table("college_exam_time", schema=None) as batch_op:
        for column in ("group_id", "org_id", "room_id", "sheet_id"):
            batch_op.create_index(batch_op.f(f"ix_college_exam_time_{column}"), [column], unique=False)


def downgrade():
    op.drop_table("college_exam_time")
    op.drop_table("college_consultation")
