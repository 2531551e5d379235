"""a province's worklist counts from the (regency_id, district) index alone on PostgreSQL

Revision ID: lists_02
Revises: lists_01
Create Date: 2026-11-29 21:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'lists_02'
down_revision = 'lists_01'
branch_labels = None
depends_on = None

WORKLIST = ['active', 'id', 'stage', 'created_at']


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        # A province's (or a regency's) worklist counts read its cooperatives from this index
        # alone instead of scanning the nation's active ones (ppkl.tasks.worklist.tally).
        op.drop_index('ix_cooperative_regency_district', table_name='cooperative')
        op.create_index(
            'ix_cooperative_regency_district', 'cooperative', ['regency_id', 'district'],
            postgresql_include=WORKLIST,
        )


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cooperative_regency_district', table_name='cooperative')
        op.create_index('ix_cooperative_regency_district', 'cooperative', ['regency_id', 'district'])
