"""claim submission: drafts, rejected and accepted professional claims; dashboard covering indexes

Revision ID: 0012_claim_submission
Revises: 0011_referrals
Create Date: 2026-12-01 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_claim_submission'
down_revision = '0011_referrals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('claim_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('billing_provider_id', sa.Integer(), nullable=True),
    sa.Column('tax_id', sa.String(length=9), nullable=True),
    sa.Column('status', sa.Enum('draft', 'rejected', 'accepted', name='submissionstatus', native_enum=False, length=20), nullable=False),
    sa.Column('values_json', sa.Text(), nullable=False),
    sa.Column('errors_json', sa.Text(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['billing_provider_id'], ['provider.id'], name=op.f('fk_claim_submission_billing_provider_id_provider')),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_submission_claim_id_claim')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_claim_submission_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_submission'))
    )
    with op.batch_alter_table('claim_submission', schema=None) as batch_op:
        batch_op.create_index('ix_claim_submission_tax_id_updated', ['tax_id', 'updated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_submission_user_id'), ['user_id'], unique=False)
    # The dashboard's aggregates read only these covering indexes.
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.create_index('ix_claim_dashboard_paid', ['tax_id', 'paid_date', 'status', 'billed_cents', 'paid_cents', 'received_date', 'denial_reason', 'member_id', 'service_from'], unique=False)
        batch_op.create_index('ix_claim_dashboard_service', ['tax_id', 'service_from', 'status', 'billed_cents'], unique=False)


def downgrade():
    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index('ix_claim_dashboard_service')
        batch_op.drop_index('ix_claim_dashboard_paid')
    with op.batch_alter_table('claim_submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_submission_user_id'))
        batch_op.drop_index('ix_claim_submission_tax_id_updated')
    op.drop_table('claim_submission')
