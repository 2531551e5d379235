"""Cooperative: who made the latest change, and which.

Revision ID: stale_01
Revises: reports_01
Create Date: 2026-11-29 14:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'stale_01'
down_revision = 'reports_01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('changed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('last_change', sa.String(length=40), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_cooperative_changed_by_id_user_account'),
            'user_account',
            ['changed_by_id'],
            ['id'],
        )


def downgrade():
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_cooperative_changed_by_id_user_account'), type_='foreignkey'
        )
        batch_op.drop_column('last_change')
        batch_op.drop_column('changed_by_id')
