"""The examination session: exam sheets, their results, retakes and the deadlines of
liquidating academic debts.

Revision ID: college_0003
Revises: college_0002
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0003"
down_revision = "college_0002"
branch_labels = None
depends_on = None


def _indexes(table: str, columns: list[str]) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        for column in columns:
            batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade():
    op.create_table(
        "college_exam_sheet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("period_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("saved_at", sa.DateTime(), nullable=True),
        sa.Column("reopen_reason", sa.Text(), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["examiner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["period_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["period.id"]),
        sa.ForeignKeyConstraint(["subject_id"], ["subject.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("group_id", "subject_id", "period_id"),
    )
    _indexes("college_exam_sheet", ["examiner_id", "group_id", "org_id", "period_id", "session_id", "subject_id"])
    op.create_table(
        "college_exam_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=10), nullable=True),
        sa.Column("absence_reason", sa.String(length=10), nullable=True),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["sheet_id"], ["college_exam_sheet.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sheet_id", "learner_id"),
    )
    _indexes("college_exam_result", ["learner_id", "org_id", "sheet_id"])
    op.create_table(
        "college_exam_retake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sheet_id", sa.Integer(), nullable=False),
        sa.Column("learner_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("examiner_id", sa.Integer(), nullable=False),
        sa.Column("commission", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.Column("value", sa.String(length=10), nullable=True),
        sa.Column("absence_reason", sa.String(length=10), nullable=True),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["examiner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["learner_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["sheet_id"], ["college_exam_sheet.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sheet_id", "learner_id", "number"),
    )
    _indexes("college_exam_retake", ["examiner_id", "learner_id", "org_id", "sheet_id"])
    op.create_table(
        "college_debt_deadline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["period.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id"),
    )
    _indexes("college_debt_deadline", ["org_id", "session_id"])


def downgrade():
    op.drop_table("college_debt_deadline")
    op.drop_table("college_exam_retake")
    op.drop_table("college_exam_result")
    op.drop_table("college_exam_sheet")
