"""targets for a province or the nation: certification_target(.change).province_id

Revision ID: prov_02
Revises: prov_01
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'prov_02'
down_revision = 'prov_01'
branch_labels = None
depends_on = None

TABLES = ('certification_target', 'certification_target_change')


def upgrade():
    # Partial indexes first: SQLite's batch mode rebuilds the table without them.
    op.drop_index('uq_certification_target_province', table_name='certification_target')
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_province_id'), ['province_id'], unique=False)
            batch_op.create_foreign_key(batch_op.f(f'fk_{table}_province_id_province'), 'province', ['province_id'], ['id'])
        # Until now a target without a regency was the (one) province's.
        op.execute(
            f"UPDATE {table} SET province_id = (SELECT min(id) FROM province) WHERE regency_id IS NULL"
        )
    op.create_index('uq_certification_target_province', 'certification_target', ['year', 'province_id'], unique=True, sqlite_where=sa.text('regency_id IS NULL'), postgresql_where=sa.text('regency_id IS NULL'))
    op.create_index('uq_certification_target_nation', 'certification_target', ['year'], unique=True, sqlite_where=sa.text('regency_id IS NULL AND province_id IS NULL'), postgresql_where=sa.text('regency_id IS NULL AND province_id IS NULL'))


def downgrade():
    # Without provinces one target a year stands above the regencies: the first province's.
    first = "(SELECT min(id) FROM province)"
    for table in TABLES:
        op.execute(
            f"DELETE FROM {table} WHERE regency_id IS NULL"
            f" AND (province_id IS NULL OR province_id <> {first})"
        )
    op.drop_index('uq_certification_target_nation', table_name='certification_target')
    op.drop_index('uq_certification_target_province', table_name='certification_target')
    op.create_index('uq_certification_target_province', 'certification_target', ['year'], unique=True, sqlite_where=sa.text('regency_id IS NULL'), postgresql_where=sa.text('regency_id IS NULL'))
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'fk_{table}_province_id_province'), type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_province_id'))
            batch_op.drop_column('province_id')
