"""перевод в другую ОО: a learner's transfer between organisations, with the snapshot of his records

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('learner_transfer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('from_org_id', sa.Integer(), nullable=False),
    sa.Column('to_org_id', sa.Integer(), nullable=False),
    sa.Column('from_org_name', sa.String(length=300), nullable=False),
    sa.Column('to_org_name', sa.String(length=300), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('learner_name', sa.String(length=300), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('date', sa.Date(), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('to_learner_id', sa.Integer(), nullable=True),
    sa.Column('to_group_id', sa.Integer(), nullable=True),
    sa.Column('accepted_number', sa.String(length=40), nullable=True),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('accepted_by', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['from_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['to_org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['learner_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['to_learner_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['to_group_id'], ['learner_group.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('learner_transfer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_learner_transfer_from_org_id'), ['from_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learner_transfer_to_org_id'), ['to_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learner_transfer_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learner_transfer_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_learner_transfer_to_learner_id'), ['to_learner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_learner_transfer_to_group_id'), ['to_group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('learner_transfer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_learner_transfer_to_group_id'))
        batch_op.drop_index(batch_op.f('ix_learner_transfer_to_learner_id'))
        batch_op.drop_index(batch_op.f('ix_learner_transfer_status'))
        batch_op.drop_index(batch_op.f('ix_learner_transfer_learner_id'))
        batch_op.drop_index(batch_op.f('ix_learner_transfer_to_org_id'))
        batch_op.drop_index(batch_op.f('ix_learner_transfer_from_org_id'))
    op.drop_table('learner_transfer')
