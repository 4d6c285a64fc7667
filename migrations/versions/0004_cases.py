"""cases: cases, comments, case number sequence

Revision ID: 0004_cases
Revises: 0003_files
Create Date: 2026-11-23 07:59:07.312843

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_cases'
down_revision = '0003_files'
branch_labels = None
depends_on = None


def upgrade():
    
    sequence = op.create_table('case_sequence',
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_case_sequence'))
    )
    # Case numbers continue from here (the first case gets ...1001); the row is never reset.
    op.bulk_insert(sequence, [{'name': 'case', 'value': 1000}])
    op.create_table('case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('case_type', sa.String(length=40), nullable=False),
    sa.Column('status', sa.Enum('new', 'open', 'pending_payer', 'pending_provider', 'resolved', 'closed', name='casestatus', native_enum=False, length=20), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('assigned_to_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('npi', sa.String(length=10), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('follow_up_of_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['assigned_to_id'], ['user.id'], name=op.f('fk_case_assigned_to_id_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_case_created_by_id_user')),
    sa.ForeignKeyConstraint(['follow_up_of_id'], ['case.id'], name=op.f('fk_case_follow_up_of_id_case')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_case_provider_id_provider')),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_case_queue_id_queue')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case')),
    sa.UniqueConstraint('number', name=op.f('uq_case_number'))
    )
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_created_by_id'), ['created_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_provider_id'), ['provider_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_queue_id'), ['queue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_status'), ['status'], unique=False)

    op.create_table('case_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('internal', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_case_comment_author_id_user')),
    sa.ForeignKeyConstraint(['case_id'], ['case.id'], name=op.f('fk_case_comment_case_id_case'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_comment'))
    )
    with op.batch_alter_table('case_comment', schema=None) as batch_op:
        batch_op.create_index('ix_case_comment_case', ['case_id', 'created_at'], unique=False)




def downgrade():
    
    with op.batch_alter_table('case_comment', schema=None) as batch_op:
        batch_op.drop_index('ix_case_comment_case')

    op.drop_table('case_comment')
    with op.batch_alter_table('case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_status'))
        batch_op.drop_index(batch_op.f('ix_case_queue_id'))
        batch_op.drop_index(batch_op.f('ix_case_provider_id'))
        batch_op.drop_index(batch_op.f('ix_case_created_by_id'))
        batch_op.drop_index(batch_op.f('ix_case_created_at'))

    op.drop_table('case')
    op.drop_table('case_sequence')

