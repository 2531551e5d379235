"""indexes for national scale: RAT deadlines, the as-of recap, officers' visits and moves

Revision ID: national_01
Revises: ods_01
Create Date: 2026-11-29 17:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'national_01'
down_revision = 'ods_01'
branch_labels = None
depends_on = None

PENDING_REPORT = "report_received_on IS NULL AND voided_at IS NULL"
# The as-of recap reads only these columns of the history: on PostgreSQL the index carries them
# and the recap never visits the table.
HISTORY_STATE = ['from_stage', 'to_stage', 'from_active', 'to_active']


def upgrade():
    op.create_index('ix_rat_record_fiscal_year_cooperative', 'rat_record', ['fiscal_year', 'cooperative_id'], unique=False)
    # The report-overdue flag looks for RAT records in force whose report has not come.
    op.create_index('ix_rat_record_report_pending', 'rat_record', ['cooperative_id', 'held_on'], unique=False, sqlite_where=sa.text(PENDING_REPORT), postgresql_where=sa.text(PENDING_REPORT))
    op.create_index('ix_cooperative_history_cooperative_created', 'cooperative_history', ['cooperative_id', 'created_at', 'id'], unique=False, postgresql_include=HISTORY_STATE)
    op.drop_index('ix_cooperative_history_cooperative_id', table_name='cooperative_history')
    # An officer's own moves: the officer report and its cache stamp.
    op.create_index('ix_cooperative_history_user_created', 'cooperative_history', ['user_id', 'created_at'], unique=False)
    op.create_index('ix_visit_officer_visited', 'visit', ['officer_id', 'visited_on'], unique=False)
    op.drop_index('ix_visit_officer_id', table_name='visit')


def downgrade():
    op.create_index('ix_visit_officer_id', 'visit', ['officer_id'], unique=False)
    op.drop_index('ix_visit_officer_visited', table_name='visit')
    op.drop_index('ix_cooperative_history_user_created', table_name='cooperative_history')
    op.create_index('ix_cooperative_history_cooperative_id', 'cooperative_history', ['cooperative_id'], unique=False)
    op.drop_index('ix_cooperative_history_cooperative_created', table_name='cooperative_history')
    op.drop_index('ix_rat_record_report_pending', table_name='rat_record')
    op.drop_index('ix_rat_record_fiscal_year_cooperative', table_name='rat_record')
