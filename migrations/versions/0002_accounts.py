"""accounts: registration, passcodes, links, credentials, rate limits

Revision ID: 0002_accounts
Revises: 0001_foundation
Create Date: 2026-11-23 08:01:44.572459

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002_accounts'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('passcode_challenge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('register', 'credentials', 'change_password', 'change_security', 'forgot_password', name='passcodepurpose', native_enum=False, length=20), nullable=False),
    sa.Column('subject', sa.String(length=80), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.Column('failed_attempts', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_passcode_challenge')),
    sa.UniqueConstraint('purpose', 'subject', name='uq_passcode_challenge_purpose_subject')
    )
    op.create_table('rate_limit_hit',
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_hit'))
    )
    op.create_table('password_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_password_history_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_password_history'))
    )
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_password_history_user_id'), ['user_id'], unique=False)

    op.create_table('security_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=40), nullable=False),
    sa.Column('answer_hash', sa.String(length=255), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_security_answer_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_security_answer'))
    )
    with op.batch_alter_table('security_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_security_answer_user_id'), ['user_id'], unique=False)

    op.create_table('registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('office_address', sa.String(length=300), nullable=False),
    sa.Column('mobile_phone', sa.String(length=20), nullable=False),
    sa.Column('position', sa.String(length=120), nullable=False),
    sa.Column('step', sa.Enum('verify', 'terms', 'provider', 'review', 'submitted', name='registrationstep', native_enum=False, length=20), nullable=False),
    sa.Column('email_verified_at', sa.DateTime(), nullable=True),
    sa.Column('terms_accepted_at', sa.DateTime(), nullable=True),
    sa.Column('terms_version', sa.String(length=20), nullable=True),
    sa.Column('provider_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf', sa.Boolean(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_registration_provider_id_provider'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_registration_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registration'))
    )
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registration_email'), ['email'], unique=False)
        batch_op.create_index(batch_op.f('ix_registration_expires_at'), ['expires_at'], unique=False)

    op.create_table('email_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Enum('create_credentials', 'approve_access', 'resume_registration', name='emaillinkpurpose', native_enum=False, length=20), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('access_id', sa.Integer(), nullable=True),
    sa.Column('registration_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['access_id'], ['provider_access.id'], name=op.f('fk_email_link_access_id_provider_access'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registration_id'], ['registration.id'], name=op.f('fk_email_link_registration_id_registration'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_email_link_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_email_link'))
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('office_address', sa.String(length=300), nullable=True))

    


def downgrade():
    
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('office_address')

    op.drop_table('email_link')
    with op.batch_alter_table('registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registration_expires_at'))
        batch_op.drop_index(batch_op.f('ix_registration_email'))

    op.drop_table('registration')
    with op.batch_alter_table('security_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_security_answer_user_id'))

    op.drop_table('security_answer')
    with op.batch_alter_table('password_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_password_history_user_id'))

    op.drop_table('password_history')
    op.drop_table('rate_limit_hit')
    op.drop_table('passcode_challenge')
    
