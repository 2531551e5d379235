"""ODS reconciliation runs and their lines

Revision ID: ods_01
Revises: lost_04
Create Date: 2026-11-29 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ods_01'
down_revision = 'lost_04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'ods_run',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('filename', sa.String(length=255), nullable=False),
        sa.Column('extract_date', sa.Date(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('counts', sa.JSON(), nullable=False),
        sa.Column('regency_ids', sa.JSON(), nullable=False),
        sa.Column('proposals', sa.Integer(), nullable=False),
        sa.Column('applied', sa.Integer(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.Column('applied_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['created_by_id'], ['user_account.id'], name=op.f('fk_ods_run_created_by_id_user_account')
        ),
        sa.ForeignKeyConstraint(
            ['applied_by_id'], ['user_account.id'], name=op.f('fk_ods_run_applied_by_id_user_account')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ods_run')),
    )
    with op.batch_alter_table('ods_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ods_run_created_at'), ['created_at'], unique=False)
    op.create_table(
        'ods_run_line',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('run_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('group_name', sa.String(length=20), nullable=False),
        sa.Column('row', sa.Integer(), nullable=True),
        sa.Column('cooperative_id', sa.Integer(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('applied_at', sa.DateTime(), nullable=True),
        sa.Column('result_cooperative_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['run_id'], ['ods_run.id'], name=op.f('fk_ods_run_line_run_id_ods_run')
        ),
        sa.ForeignKeyConstraint(
            ['cooperative_id'], ['cooperative.id'], name=op.f('fk_ods_run_line_cooperative_id_cooperative')
        ),
        sa.ForeignKeyConstraint(
            ['result_cooperative_id'],
            ['cooperative.id'],
            name=op.f('fk_ods_run_line_result_cooperative_id_cooperative'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ods_run_line')),
    )
    with op.batch_alter_table('ods_run_line', schema=None) as batch_op:
        batch_op.create_index(
            'ix_ods_run_line_run_group', ['run_id', 'group_name', 'position'], unique=False
        )


def downgrade():
    with op.batch_alter_table('ods_run_line', schema=None) as batch_op:
        batch_op.drop_index('ix_ods_run_line_run_group')
    op.drop_table('ods_run_line')
    with op.batch_alter_table('ods_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ods_run_created_at'))
    op.drop_table('ods_run')
