"""a holiday that closes every group (a public non-working day) apart from каникулы

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 22:20:00

Existing one-day holidays on the dates of the Labour Code's public holidays are
marked public: the calendars entered so far named them so.
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# (month, day) of the public holidays (Labour Code, art. 112).
DAYS = {(1, d) for d in range(1, 9)} | {(2, 23), (3, 8), (5, 1), (5, 9), (6, 12), (11, 4)}


def upgrade():
    with op.batch_alter_table('school_holiday', schema=None) as batch_op:
        batch_op.add_column(sa.Column('public', sa.Boolean(), server_default=sa.false(), nullable=False))
    holiday = sa.table('school_holiday', sa.column('id', sa.Integer), sa.column('start', sa.Date),
                       sa.column('end', sa.Date), sa.column('public', sa.Boolean))
    bind = op.get_bind()
    ids = [row.id for row in bind.execute(sa.select(holiday.c.id, holiday.c.start, holiday.c.end))
           if row.start == row.end and (_date(row.start).month, _date(row.start).day) in DAYS]
    if ids:
        bind.execute(holiday.update().where(holiday.c.id.in_(ids)).values(public=True))


def _date(value):
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def downgrade():
    with op.batch_alter_table('school_holiday', schema=None) as batch_op:
        batch_op.drop_column('public')
