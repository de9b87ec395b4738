"""The college's specialties and the specialty of each study group.

Revision ID: college_0001
Revises:
Create Date: 2026-12-02

The first revision of the college's own branch. Databases built before plugins had
branches already hold these tables (the core's first revision created them): they
are left as they are, and only the branch's revision is recorded.
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0001"
down_revision = None
branch_labels = ("college",)
depends_on = "0001"  # organisation and learner_group


def upgrade():
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "college_specialty" not in existing:
        op.create_table(
            "college_specialty",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("code", sa.String(length=20), nullable=False),
            sa.Column("name", sa.String(length=200), nullable=False),
            sa.Column("qualification", sa.String(length=120), nullable=False),
            sa.Column("org_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("org_id", "code"),
        )
        with op.batch_alter_table("college_specialty", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_college_specialty_org_id"), ["org_id"], unique=False)
    if "college_group_specialty" not in existing:
        op.create_table(
            "college_group_specialty",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("group_id", sa.Integer(), nullable=False),
            sa.Column("specialty_id", sa.Integer(), nullable=False),
            sa.Column("org_id", sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint(["group_id"], ["learner_group.id"]),
            sa.ForeignKeyConstraint(["org_id"], ["organisation.id"]),
            sa.ForeignKeyConstraint(["specialty_id"], ["college_specialty.id"]),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("group_id"),
        )
        with op.batch_alter_table("college_group_specialty", schema=None) as batch_op:
            batch_op.create_index(batch_op.f("ix_college_group_specialty_group_id"), ["group_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_college_group_specialty_org_id"), ["org_id"], unique=False)
            batch_op.create_index(batch_op.f("ix_college_group_specialty_specialty_id"), ["specialty_id"],
                                  unique=False)


def downgrade():
    op.drop_table("college_group_specialty")
    op.drop_table("college_specialty")
