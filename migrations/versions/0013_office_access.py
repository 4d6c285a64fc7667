"""office access: annual training modules, attempts and reminders; the terms version each user accepted; Provider Services' notes

Revision ID: 0013_office_access
Revises: 0012_claim_submission
Create Date: 2026-12-01 18:59:41.204843

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_office_access'
down_revision = '0012_claim_submission'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_version', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('provider_access', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_note', sa.String(length=500), nullable=True))
    
    op.create_table('training_module',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('role', sa.Enum('staff', 'loa', 'agent', 'supervisor', 'admin', name='role', native_enum=False, length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('pages', sa.JSON(), nullable=False),
    sa.Column('quiz', sa.JSON(), nullable=False),
    sa.Column('pass_mark', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_training_module_updated_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_module')),
    sa.UniqueConstraint('role', name=op.f('uq_training_module_role'))
    )
    op.create_table('training_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', sa.DateTime(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('passed', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['module_id'], ['training_module.id'], name=op.f('fk_training_attempt_module_id_training_module'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_training_attempt_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_attempt'))
    )
    with op.batch_alter_table('training_attempt', schema=None) as batch_op:
        batch_op.create_index('ix_training_attempt_user_passed', ['user_id', 'passed', 'taken_at'], unique=False)

    op.create_table('training_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['attempt_id'], ['training_attempt.id'], name=op.f('fk_training_reminder_attempt_id_training_attempt'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_reminder')),
    sa.UniqueConstraint('attempt_id', 'days_before', name='uq_training_reminder')
    )


def downgrade():
    with op.batch_alter_table('provider_access', schema=None) as batch_op:
        batch_op.drop_column('staff_note')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')
    
    op.drop_table('training_reminder')
    with op.batch_alter_table('training_attempt', schema=None) as batch_op:
        batch_op.drop_index('ix_training_attempt_user_passed')

    op.drop_table('training_attempt')
    op.drop_table('training_module')
