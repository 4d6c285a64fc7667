"""search: pending index work

Revision ID: 0006_search
Revises: 0005_messages
Create Date: 2026-11-23 08:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0006_search'
down_revision = '0005_messages'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_pending',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_pending'))
    )


def downgrade():
    op.drop_table('search_pending')
