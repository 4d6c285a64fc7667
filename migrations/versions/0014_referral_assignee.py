"""referral assignee: referrals take part in the agents' inbox (Next, assign)

Revision ID: 0014_referral_assignee
Revises: 0013_office_access
Create Date: 2026-12-01 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_referral_assignee'
down_revision = '0013_office_access'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_referral_assigned_to_id_user'), 'user', ['assigned_to_id'], ['id'])


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_referral_assigned_to_id_user'), type_='foreignkey')
        batch_op.drop_column('assigned_to_id')
