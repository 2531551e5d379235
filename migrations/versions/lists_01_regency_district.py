"""the list filter's districts: an index on cooperative (regency_id, district)

Revision ID: lists_01
Revises: recap_01
Create Date: 2026-11-29 20:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'lists_01'
down_revision = 'recap_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_cooperative_regency_district', 'cooperative', ['regency_id', 'district'], unique=False)


def downgrade():
    op.drop_index('ix_cooperative_regency_district', table_name='cooperative')
