"""архив журналов и ведомостей: a year's journals and ledgers frozen into PDF files

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 11:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('archive_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('signed_by', sa.String(length=200), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('directory', sa.String(length=300), nullable=False),
    sa.Column('manifest_sha256', sa.String(length=64), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['year_id'], ['academic_year.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'year_id', name='uq_archive_batch_year')
    )
    with op.batch_alter_table('archive_batch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_batch_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_batch_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_batch_year_id'), ['year_id'], unique=False)

    op.create_table('archive_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('keep_until', sa.Date(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['archive_batch.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['learner_group.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('archive_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_archive_file_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_file_group_id'), ['group_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_archive_file_org_id'), ['org_id'], unique=False)


def downgrade():
    with op.batch_alter_table('archive_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_file_org_id'))
        batch_op.drop_index(batch_op.f('ix_archive_file_group_id'))
        batch_op.drop_index(batch_op.f('ix_archive_file_batch_id'))
    op.drop_table('archive_file')
    with op.batch_alter_table('archive_batch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_archive_batch_year_id'))
        batch_op.drop_index(batch_op.f('ix_archive_batch_org_id'))
        batch_op.drop_index(batch_op.f('ix_archive_batch_account_id'))
    op.drop_table('archive_batch')
