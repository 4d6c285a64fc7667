"""helpdesk: service calendars and targets, saved inbox views, presence, ratings, knowledge base,
merged duplicates, agents' notice opt-out

Revision ID: 0009_helpdesk
Revises: 0008_production
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009_helpdesk'
down_revision = '0008_production'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('business_calendar',
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('time_zone', sa.String(length=64), nullable=False),
    sa.Column('hours', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_business_calendar_queue_id_queue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('queue_id', name=op.f('pk_business_calendar'))
    )
    op.create_table('holiday',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_holiday_queue_id_queue'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_holiday')),
    sa.UniqueConstraint('queue_id', 'day', name='uq_holiday_queue_day')
    )
    op.create_table('service_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('first_response_hours', sa.Integer(), nullable=False),
    sa.Column('resolution_hours', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_target')),
    sa.UniqueConstraint('item_kind', 'category', name='uq_service_target_kind_category')
    )
    op.create_table('saved_inbox_view',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_inbox_view_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_inbox_view')),
    sa.UniqueConstraint('user_id', 'name', name='uq_saved_inbox_view_user_name')
    )
    op.create_index(op.f('ix_saved_inbox_view_user_id'), 'saved_inbox_view', ['user_id'], unique=False)
    op.create_table('item_presence',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_item_presence_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'item_kind', 'item_id', name=op.f('pk_item_presence'))
    )
    op.create_index('ix_item_presence_item', 'item_presence', ['item_kind', 'item_id', 'seen_at'], unique=False)
    op.create_table('rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=20), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('agent_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['agent_id'], ['user.id'], name=op.f('fk_rating_agent_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_rating_queue_id_queue'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_rating_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rating'))
    )
    op.create_index('ix_rating_item', 'rating', ['item_kind', 'item_id', 'created_at'], unique=False)
    op.create_index(op.f('ix_rating_created_at'), 'rating', ['created_at'], unique=False)
    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('category', sa.String(length=60), nullable=False),
    sa.Column('audience', sa.Enum('public', 'providers', name='audience', native_enum=False, length=20), nullable=False),
    sa.Column('review_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_article_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article'))
    )
    op.create_index(op.f('ix_article_category'), 'article', ['category'], unique=False)
    op.create_table('article_answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('queue_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_answer_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['queue_id'], ['queue.id'], name=op.f('fk_article_answer_queue_id_queue'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_article_answer_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article_answer'))
    )
    op.create_index(op.f('ix_article_answer_article_id'), 'article_answer', ['article_id'], unique=False)
    op.create_index(op.f('ix_article_answer_created_at'), 'article_answer', ['created_at'], unique=False)
    with op.batch_alter_table('case') as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_case_merged_into_id_case'), 'case', ['merged_into_id'], ['id'])
    with op.batch_alter_table('message_thread') as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_message_thread_merged_into_id_message_thread'), 'message_thread',
                                    ['merged_into_id'], ['id'])
    with op.batch_alter_table('user') as batch_op:
        batch_op.add_column(sa.Column('notify_on_answer', sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table('user') as batch_op:
        batch_op.drop_column('notify_on_answer')
    with op.batch_alter_table('message_thread') as batch_op:
        batch_op.drop_constraint(op.f('fk_message_thread_merged_into_id_message_thread'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
    with op.batch_alter_table('case') as batch_op:
        batch_op.drop_constraint(op.f('fk_case_merged_into_id_case'), type_='foreignkey')
        batch_op.drop_column('merged_into_id')
    op.drop_index(op.f('ix_article_answer_created_at'), table_name='article_answer')
    op.drop_index(op.f('ix_article_answer_article_id'), table_name='article_answer')
    op.drop_table('article_answer')
    op.drop_index(op.f('ix_article_category'), table_name='article')
    op.drop_table('article')
    op.drop_index(op.f('ix_rating_created_at'), table_name='rating')
    op.drop_index('ix_rating_item', table_name='rating')
    op.drop_table('rating')
    op.drop_index('ix_item_presence_item', table_name='item_presence')
    op.drop_table('item_presence')
    op.drop_index(op.f('ix_saved_inbox_view_user_id'), table_name='saved_inbox_view')
    op.drop_table('saved_inbox_view')
    op.drop_table('service_target')
    op.drop_table('holiday')
    op.drop_table('business_calendar')
