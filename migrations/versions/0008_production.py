"""production: search change log (read by every machine's index), mail claims

Revision ID: 0008_production
Revises: 0007_account_security
Create Date: 2026-12-01 18:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0008_production'
down_revision = '0007_account_security'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_change')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('search_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_change_created_at'), ['created_at'], unique=False)
    # Work still pending becomes the start of the log: an index without a remembered position
    # applies the whole log, so nothing pending is lost.
    op.execute("INSERT INTO search_change (kind, record_id, action, created_at) "
               "SELECT kind, record_id, action, created_at FROM search_pending ORDER BY id")
    op.drop_table('search_pending')

    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outgoing_mail', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')

    op.create_table('search_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_pending'))
    )
    op.drop_table('search_change')
