"""referrals: network providers, referrals, their services and diagnoses

Revision ID: 0011_referrals
Revises: 0010_claims
Create Date: 2026-12-01 18:00:14.635953

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_referrals'
down_revision = '0010_claims'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('network_provider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_code', sa.String(length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('specialties', sa.String(length=300), nullable=False),
    sa.Column('address_line1', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('postal_code', sa.String(length=10), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('fax', sa.String(length=20), nullable=True),
    sa.Column('contracted', sa.Boolean(), nullable=False),
    sa.Column('accepting_new_patients', sa.Boolean(), nullable=False),
    sa.Column('panel_closed', sa.Boolean(), nullable=False),
    sa.Column('min_age', sa.Integer(), nullable=False),
    sa.Column('max_age', sa.Integer(), nullable=False),
    sa.Column('genders', sa.String(length=4), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_network_provider_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_network_provider')),
    sa.UniqueConstraint('provider_code', name=op.f('uq_network_provider_provider_code')),
    sa.UniqueConstraint('provider_id', name=op.f('uq_network_provider_provider_id'))
    )
    with op.batch_alter_table('network_provider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_network_provider_name'), ['name'], unique=False)

    op.create_table('referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=True),
    sa.Column('status', sa.Enum('draft', 'pending', 'approved', 'modified', 'denied', 'void', name='referralstatus', native_enum=False, length=20), nullable=False),
    sa.Column('referral_type', sa.String(length=20), nullable=True),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('member_zip', sa.String(length=5), nullable=True),
    sa.Column('referring_provider_id', sa.Integer(), nullable=True),
    sa.Column('referred_provider_id', sa.Integer(), nullable=True),
    sa.Column('distance_miles', sa.Double(), nullable=True),
    sa.Column('priority', sa.String(length=10), nullable=True),
    sa.Column('request_date', sa.Date(), nullable=True),
    sa.Column('service_date', sa.Date(), nullable=True),
    sa.Column('place_of_service', sa.String(length=40), nullable=True),
    sa.Column('clinical_indications', sa.Text(), nullable=True),
    sa.Column('sections_done', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_referral_created_by_id_user')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_referral_decided_by_id_user')),
    sa.ForeignKeyConstraint(['member_id'], ['member.id'], name=op.f('fk_referral_member_id_member')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_referral_queue_id_queue')),
    sa.ForeignKeyConstraint(['referred_provider_id'], ['network_provider.id'], name=op.f('fk_referral_referred_provider_id_network_provider')),
    sa.ForeignKeyConstraint(['referring_provider_id'], ['provider.id'], name=op.f('fk_referral_referring_provider_id_provider')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral')),
    sa.UniqueConstraint('code', name=op.f('uq_referral_code'))
    )
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_member_id'), ['member_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_referral_referring_provider_id'), ['referring_provider_id'], unique=False)
        batch_op.create_index('ix_referral_status_request_date', ['status', 'request_date'], unique=False)

    op.create_table('referral_diagnosis',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=8), nullable=False),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_diagnosis_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_diagnosis'))
    )
    with op.batch_alter_table('referral_diagnosis', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_diagnosis_referral_id'), ['referral_id'], unique=False)

    op.create_table('referral_service',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('cpt', sa.String(length=5), nullable=False),
    sa.Column('units', sa.Integer(), nullable=True),
    sa.Column('modifiers', sa.String(length=20), nullable=True),
    sa.Column('answers', sa.Text(), nullable=True),
    sa.Column('decision', sa.Enum('pending', 'approved', 'modified', 'denied', name='servicedecision', native_enum=False, length=20), nullable=False),
    sa.Column('approved_units', sa.Integer(), nullable=True),
    sa.Column('decision_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_referral_service_referral_id_referral'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_referral_service'))
    )
    with op.batch_alter_table('referral_service', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_referral_service_referral_id'), ['referral_id'], unique=False)



def downgrade():
    with op.batch_alter_table('referral_service', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_service_referral_id'))

    op.drop_table('referral_service')
    with op.batch_alter_table('referral_diagnosis', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_referral_diagnosis_referral_id'))

    op.drop_table('referral_diagnosis')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_index('ix_referral_status_request_date')
        batch_op.drop_index(batch_op.f('ix_referral_referring_provider_id'))
        batch_op.drop_index(batch_op.f('ix_referral_member_id'))
        batch_op.drop_index(batch_op.f('ix_referral_created_by_id'))

    op.drop_table('referral')
    with op.batch_alter_table('network_provider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_network_provider_name'))

    op.drop_table('network_provider')
