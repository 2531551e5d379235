"""recap_month_end: each regency's recap at each closed month end, stored

Revision ID: recap_01
Revises: prov_02
Create Date: 2026-11-29 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'recap_01'
down_revision = 'prov_02'
branch_labels = None
depends_on = None


def upgrade():
    # The table starts empty: the first change of a cooperative stores the month ends
    # (ppkl.recap_past.store_month_ends), or `flask --app ppkl rebuild-derived` does; until
    # then past recaps are read from the whole history, with the same result.
    op.create_table('recap_month_end',
    sa.Column('cutoff', sa.DateTime(), nullable=False),
    sa.Column('regency_id', sa.Integer(), nullable=False),
    sa.Column('active', sa.Integer(), nullable=False),
    sa.Column('inactive', sa.Integer(), nullable=False),
    sa.Column('certified', sa.Integer(), nullable=False),
    sa.Column('in_progress', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['regency_id'], ['regency.id'], name=op.f('fk_recap_month_end_regency_id_regency')),
    sa.PrimaryKeyConstraint('cutoff', 'regency_id', name=op.f('pk_recap_month_end'))
    )
    # The cooperatives registered between a stored month end and a day (ppkl.recap_past).
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperative_created_at'), ['created_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        # A province's recap from the index alone (ppkl.recap.current_recap).
        op.drop_index('ix_cooperative_regency_id', table_name='cooperative')
        op.create_index(
            'ix_cooperative_regency_id', 'cooperative', ['regency_id'],
            postgresql_include=['active', 'stage', 'nik'],
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cooperative_regency_id', table_name='cooperative')
        op.create_index('ix_cooperative_regency_id', 'cooperative', ['regency_id'])
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperative_created_at'))
    op.drop_table('recap_month_end')
