"""accounts: consent to personal data processing, password change flags, session epoch

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-23 10:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.String(length=10), nullable=False),
    sa.Column('guardian_id', sa.Integer(), nullable=True),
    sa.Column('signer_name', sa.String(length=300), nullable=True),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('document_ref', sa.String(length=100), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['guardian_id'], ['person.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organisation.id'], ),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_guardian_id'), ['guardian_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consent_person_id'), ['person_id'], unique=False)

    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('password_changed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('session_epoch', sa.Integer(), server_default='0', nullable=False))
    # Existing passwords start their R12 year now rather than expiring at once.
    op.execute("UPDATE ab_user SET password_changed_at = CURRENT_TIMESTAMP")


def downgrade():
    with op.batch_alter_table('ab_user', schema=None) as batch_op:
        batch_op.drop_column('session_epoch')
        batch_op.drop_column('password_changed_at')
        batch_op.drop_column('must_change_password')

    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_person_id'))
        batch_op.drop_index(batch_op.f('ix_consent_org_id'))
        batch_op.drop_index(batch_op.f('ix_consent_guardian_id'))

    op.drop_table('consent')
