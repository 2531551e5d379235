"""a corrected RAT record is voided, not deleted

Revision ID: lost_02
Revises: lost_01
Create Date: 2026-11-29 15:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lost_02'
down_revision = 'lost_01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('rat_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_rat_record_voided_by_id_user_account'), 'user_account', ['voided_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('rat_record', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_rat_record_voided_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('voided_at')
