"""indexes for the lists at national size: the district filter, the worklist counts and page

Revision ID: lists_01
Revises: recap_01
Create Date: 2026-11-29 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lists_01'
down_revision = 'recap_01'
branch_labels = None
depends_on = None

IN_FORCE = "voided_at IS NULL"


def upgrade():
    # The district filter's (regency, district) pairs, read from the index alone.
    op.create_index('ix_cooperative_regency_district', 'cooperative', ['regency_id', 'district'], unique=False)
    # The worklist counts read every active cooperative and its facts from these two indexes
    # alone, both in id order (a merge, no hash), and the RAT records in force from the third.
    op.create_index('ix_cooperative_active_worklist', 'cooperative', ['active', 'id', 'regency_id', 'stage', 'created_at'], unique=False)
    op.create_index('ix_cooperative_facts_worklist', 'cooperative_facts', ['cooperative_id', 'follow_up_on', 'last_visit_on', 'stage_since'], unique=False)
    op.create_index('ix_rat_record_in_force_year', 'rat_record', ['fiscal_year', 'cooperative_id'], unique=False, sqlite_where=sa.text(IN_FORCE), postgresql_where=sa.text(IN_FORCE))


def downgrade():
    op.drop_index('ix_rat_record_in_force_year', table_name='rat_record')
    op.drop_index('ix_cooperative_facts_worklist', table_name='cooperative_facts')
    op.drop_index('ix_cooperative_active_worklist', table_name='cooperative')
    op.drop_index('ix_cooperative_regency_district', table_name='cooperative')
