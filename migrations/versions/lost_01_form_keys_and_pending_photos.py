"""one-time form keys and pending photos

Revision ID: lost_01
Revises: api_01
Create Date: 2026-11-29 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lost_01'
down_revision = 'api_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('used_form_key',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_used_form_key_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', 'key', name=op.f('pk_used_form_key'))
    )
    with op.batch_alter_table('used_form_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_used_form_key_created_at'), ['created_at'], unique=False)

    op.create_table('pending_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=100), nullable=False),
    sa.Column('content_type', sa.String(length=30), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_pending_photo_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pending_photo')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_pending_photo_stored_name')),
    sa.UniqueConstraint('token', name=op.f('uq_pending_photo_token'))
    )
    with op.batch_alter_table('pending_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pending_photo_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_pending_photo_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('pending_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pending_photo_user_id'))
        batch_op.drop_index(batch_op.f('ix_pending_photo_created_at'))
    op.drop_table('pending_photo')
    with op.batch_alter_table('used_form_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_used_form_key_created_at'))
    op.drop_table('used_form_key')
