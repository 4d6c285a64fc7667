"""claims: service lines and adjustments, diagnoses, payments, coverage, code lists, eligibility checks

Revision ID: 0010_claims
Revises: 0009_helpdesk
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010_claims'
down_revision = '0009_helpdesk'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('trace_number', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=3), nullable=False),
    sa.Column('payment_date', sa.Date(), nullable=False),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.Column('payee_tax_id', sa.String(length=9), nullable=False),
    sa.Column('payee_name', sa.String(length=120), nullable=False),
    sa.Column('payee_npi', sa.String(length=10), nullable=False),
    sa.Column('payee_address', sa.String(length=200), nullable=True),
    sa.Column('payer_routing', sa.String(length=9), nullable=True),
    sa.Column('payer_account', sa.String(length=35), nullable=True),
    sa.Column('payee_routing', sa.String(length=9), nullable=True),
    sa.Column('payee_account', sa.String(length=35), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
    sa.UniqueConstraint('trace_number', name=op.f('uq_payment_trace_number'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index('ix_payment_payee_tax_id_date', ['payee_tax_id', 'payment_date'], unique=False)

    op.create_table('remittance_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=5), nullable=False),
    sa.Column('code', sa.String(length=7), nullable=False),
    sa.Column('short_text', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('action', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_remittance_code')),
    sa.UniqueConstraint('kind', 'code', name=op.f('uq_remittance_code_kind'))
    )
    op.create_table('coverage_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('plan', sa.String(length=80), nullable=False),
    sa.Column('line_of_business', sa.String(length=40), nullable=False),
    sa.Column('health_network', sa.String(length=80), nullable=True),
    sa.Column('pcp_npi', sa.String(length=10), nullable=True),
    sa.Column('copay_primary_cents', sa.Integer(), nullable=False),
    sa.Column('copay_specialist_cents', sa.Integer(), nullable=False),
    sa.Column('copay_urgent_cents', sa.Integer(), nullable=False),
    sa.Column('copay_emergency_cents', sa.Integer(), nullable=False),
    sa.Column('coinsurance_percent', sa.Integer(), nullable=False),
    sa.Column('deductible_cents', sa.Integer(), nullable=False),
    sa.Column('deductible_met_cents', sa.Integer(), nullable=False),
    sa.Column('out_of_pocket_max_cents', sa.Integer(), nullable=False),
    sa.Column('out_of_pocket_met_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_coverage_period_member_id_member')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_coverage_period')),
    sa.UniqueConstraint('member_id', 'start_date', name=op.f('uq_coverage_period_member_id'))
    )
    with op.batch_alter_table('coverage_period', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_coverage_period_member_id'), ['member_id'], unique=False)

    op.create_table('eligibility_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('service_date', sa.Date(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('result_json', sa.Text(), nullable=False),
    sa.Column('checked_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_eligibility_check_member_id_member')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_eligibility_check_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eligibility_check'))
    )
    with op.batch_alter_table('eligibility_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eligibility_check_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_eligibility_check_user_id'), ['user_id'], unique=False)

    op.create_table('claim_diagnosis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_claim_diagnosis_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_diagnosis')),
    sa.UniqueConstraint('claim_id', 'sequence', name=op.f('uq_claim_diagnosis_claim_id'))
    )
    with op.batch_alter_table('claim_diagnosis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_diagnosis_claim_id'), ['claim_id'], unique=False)

    op.create_table('service_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('line_number', sa.Integer(), nullable=False),
    sa.Column('service_from', sa.Date(), nullable=False),
    sa.Column('service_to', sa.Date(), nullable=False),
    sa.Column('procedure_code', sa.String(length=5), nullable=False),
    sa.Column('modifiers', sa.String(length=11), nullable=False),
    sa.Column('units', sa.Integer(), nullable=False),
    sa.Column('billed_cents', sa.Integer(), nullable=False),
    sa.Column('allowed_cents', sa.Integer(), nullable=False),
    sa.Column('coinsurance_cents', sa.Integer(), nullable=False),
    sa.Column('copay_cents', sa.Integer(), nullable=False),
    sa.Column('deductible_cents', sa.Integer(), nullable=False),
    sa.Column('paid_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['claim.id'], name=op.f('fk_service_line_claim_id_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_line')),
    sa.UniqueConstraint('claim_id', 'line_number', name=op.f('uq_service_line_claim_id'))
    )
    with op.batch_alter_table('service_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_line_claim_id'), ['claim_id'], unique=False)

    op.create_table('line_adjustment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('line_id', sa.Integer(), nullable=False),
    sa.Column('group_code', sa.String(length=2), nullable=False),
    sa.Column('reason_code', sa.String(length=5), nullable=False),
    sa.Column('remark_code', sa.String(length=7), nullable=True),
    sa.Column('amount_cents', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['line_id'], ['service_line.id'], name=op.f('fk_line_adjustment_line_id_service_line'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_line_adjustment'))
    )
    with op.batch_alter_table('line_adjustment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_line_adjustment_line_id'), ['line_id'], unique=False)

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interest_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('replaced_by', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('service_provider_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('service_provider_address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('service_provider_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('service_provider_fax', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('payment_provider_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('payment_provider_npi', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('payment_provider_address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('payment_provider_phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('payment_provider_fax', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_claim_check_number'), ['check_number'], unique=False)

    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('health_network', sa.String(length=80), nullable=True))
        batch_op.add_column(sa.Column('line_of_business', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('pcp_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('address', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('state', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('postal_code', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('email', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('patient_account', sa.String(length=30), nullable=True))



def downgrade():
    with op.batch_alter_table('member', schema=None) as batch_op:
        batch_op.drop_column('patient_account')
        batch_op.drop_column('email')
        batch_op.drop_column('phone')
        batch_op.drop_column('postal_code')
        batch_op.drop_column('state')
        batch_op.drop_column('address')
        batch_op.drop_column('pcp_name')
        batch_op.drop_column('line_of_business')
        batch_op.drop_column('health_network')
        batch_op.drop_column('language')

    with op.batch_alter_table('claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_check_number'))
        batch_op.drop_column('payment_provider_fax')
        batch_op.drop_column('payment_provider_phone')
        batch_op.drop_column('payment_provider_address')
        batch_op.drop_column('payment_provider_npi')
        batch_op.drop_column('payment_provider_name')
        batch_op.drop_column('service_provider_fax')
        batch_op.drop_column('service_provider_phone')
        batch_op.drop_column('service_provider_address')
        batch_op.drop_column('service_provider_name')
        batch_op.drop_column('replaced_by')
        batch_op.drop_column('interest_cents')

    with op.batch_alter_table('line_adjustment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_line_adjustment_line_id'))

    op.drop_table('line_adjustment')
    with op.batch_alter_table('service_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_line_claim_id'))

    op.drop_table('service_line')
    with op.batch_alter_table('claim_diagnosis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_diagnosis_claim_id'))

    op.drop_table('claim_diagnosis')
    with op.batch_alter_table('eligibility_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eligibility_check_user_id'))
        batch_op.drop_index(batch_op.f('ix_eligibility_check_member_id'))

    op.drop_table('eligibility_check')
    with op.batch_alter_table('coverage_period', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_coverage_period_member_id'))

    op.drop_table('coverage_period')
    op.drop_table('remittance_code')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index('ix_payment_payee_tax_id_date')

    op.drop_table('payment')
