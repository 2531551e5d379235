"""history of certification targets

Revision ID: lost_03
Revises: lost_02
Create Date: 2026-11-29 15:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lost_03'
down_revision = 'lost_02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certification_target_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('regency_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.Integer(), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'], name=op.f('fk_certification_target_change_changed_by_id_user_account')),
    sa.ForeignKeyConstraint(['regency_id'], ['regency.id'], name=op.f('fk_certification_target_change_regency_id_regency')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification_target_change'))
    )
    with op.batch_alter_table('certification_target_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_target_change_year'), ['year'], unique=False)
    # The targets set so far: each as one change at the time it was last set.
    op.execute(
        "INSERT INTO certification_target_change (year, regency_id, target, changed_by_id, changed_at) "
        "SELECT year, regency_id, target, set_by_id, updated_at FROM certification_target"
    )


def downgrade():
    with op.batch_alter_table('certification_target_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_target_change_year'))
    op.drop_table('certification_target_change')
