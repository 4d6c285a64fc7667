"""identity verification: a keyed hash of individual providers' SSN last four, the role and proof of
registrations and access requests, and the throttle of identity proofs that did not match

Revision ID: 0015_identity_verification
Revises: 0014_referral_assignee
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_identity_verification'
down_revision = '0014_referral_assignee'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ssn_last4_hmac', sa.String(length=64), nullable=True))
    with op.batch_alter_table('provider_access', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_behalf', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('wants_administrator', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('replace_administrator', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('identity_proof', sa.String(length=20), nullable=True))
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wants_administrator', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('replace_administrator', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('identity_proof', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('identity_verified_at', sa.DateTime(), nullable=True))
    op.create_table('identity_proof_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_failure_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_identity_proof_throttle'))
    )


def downgrade():
    op.drop_table('identity_proof_throttle')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_column('identity_verified_at')
        batch_op.drop_column('identity_proof')
        batch_op.drop_column('replace_administrator')
        batch_op.drop_column('wants_administrator')
    with op.batch_alter_table('provider_access', schema=None) as batch_op:
        batch_op.drop_column('identity_proof')
        batch_op.drop_column('replace_administrator')
        batch_op.drop_column('wants_administrator')
        batch_op.drop_column('on_behalf')
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('ssn_last4_hmac')
