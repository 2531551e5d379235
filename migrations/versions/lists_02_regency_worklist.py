"""a province's worklist counts from the regency index alone on PostgreSQL

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

RECAP = ['active', 'stage', 'nik']
# The worklist counts also read each cooperative's id and creation time (ppkl.tasks.worklist).
WORKLIST = [*RECAP, 'id', 'created_at']


def replace_regency_index(include):
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_cooperative_regency_id', table_name='cooperative')
        op.create_index('ix_cooperative_regency_id', 'cooperative', ['regency_id'], postgresql_include=include)


def upgrade():
    replace_regency_index(WORKLIST)


def downgrade():
    replace_regency_index(RECAP)
