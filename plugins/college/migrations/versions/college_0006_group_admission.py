"""The year of admission (год набора) and the form of study (очная, очно-заочная,
заочная) of a study group, on its link to the specialty.

Revision ID: college_0006
Revises: college_0005
Create Date: 2026-12-12

The links already there are очная, admitted in the year their group's course says:
a group of course N in the academic year starting Y was admitted in Y − N + 1.
"""
import sqlalchemy as sa
from alembic import op

revision = "college_0006"
down_revision = "college_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("college_group_specialty", schema=None) as batch_op:
        batch_op.add_column(sa.Column("admission_year", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("study_form", sa.String(length=20), server_default="full_time",
                                      nullable=False))
    conn = op.get_bind()
    links = sa.table("college_group_specialty", sa.column("id", sa.Integer()),
                     sa.column("group_id", sa.Integer()), sa.column("admission_year", sa.Integer()))
    groups = sa.table("learner_group", sa.column("id", sa.Integer()), sa.column("year_id", sa.Integer()),
                      sa.column("level", sa.Integer()))
    years = sa.table("academic_year", sa.column("id", sa.Integer()), sa.column("start", sa.Date()))
    found = conn.execute(
        sa.select(links.c.id, groups.c.level, years.c.start)
        .select_from(links.join(groups, groups.c.id == links.c.group_id).join(years, years.c.id == groups.c.year_id))
    ).all()
    values = [{"link": link_id, "year": int(str(start)[:4]) - max(1, int(level or 1)) + 1}
              for link_id, level, start in found if start is not None]
    if values:
        conn.execute(links.update().where(links.c.id == sa.bindparam("link"))
                     .values(admission_year=sa.bindparam("year")), values)


def downgrade():
    with op.batch_alter_table("college_group_specialty", schema=None) as batch_op:
        batch_op.drop_column("study_form")
        batch_op.drop_column("admission_year")
