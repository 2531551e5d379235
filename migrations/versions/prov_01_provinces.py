"""provinces: a province above regencies, and the province of officers and supervisors

Revision ID: prov_01
Revises: derived_01
Create Date: 2026-11-29 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'prov_01'
down_revision = 'derived_01'
branch_labels = None
depends_on = None

# Today's defaults, copied here (migrations do not import application code): an installation
# whose settings say otherwise gets its own values through the app's config.
DEFAULTS = {
    "PROVINCE_NAME": "Kalimantan Utara",
    "PROVINCE_CODE": "65",
    "OFFICE_NAME": "Dinas Perindustrian, Perdagangan, Koperasi dan UMKM Provinsi Kalimantan Utara",
    "OFFICE_PLACE": "Tanjung Selor",
    "REPORT_SUPERVISOR_NAME": "Trianingsih, S.E.",
    "REPORT_SUPERVISOR_TITLE": "Kepala Bidang Koperasi dan UMKM",
    "REPORT_SUPERVISOR_NIP": None,
    "TIMEZONE": "Asia/Makassar",
}


def setting(name):
    try:
        from flask import current_app

        return current_app.config.get(name, DEFAULTS[name])
    except RuntimeError:  # no app: plain Alembic
        return DEFAULTS[name]


def upgrade():
    province = op.create_table('province',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=10), nullable=False),
    sa.Column('office_name', sa.String(length=200), nullable=False),
    sa.Column('office_place', sa.String(length=100), nullable=False),
    sa.Column('signatory_name', sa.String(length=120), nullable=False),
    sa.Column('signatory_title', sa.String(length=120), nullable=False),
    sa.Column('signatory_nip', sa.String(length=30), nullable=True),
    sa.Column('timezone', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_province')),
    sa.UniqueConstraint('code', name=op.f('uq_province_code')),
    sa.UniqueConstraint('name', name=op.f('uq_province_name'))
    )
    bind = op.get_bind()
    bind.execute(province.insert().values(
        name=setting("PROVINCE_NAME"),
        code=setting("PROVINCE_CODE"),
        office_name=setting("OFFICE_NAME"),
        office_place=setting("OFFICE_PLACE"),
        signatory_name=setting("REPORT_SUPERVISOR_NAME"),
        signatory_title=setting("REPORT_SUPERVISOR_TITLE"),
        signatory_nip=setting("REPORT_SUPERVISOR_NIP"),
        timezone=setting("TIMEZONE"),
    ))
    province_id = bind.execute(sa.select(province.c.id)).scalar_one()

    with op.batch_alter_table('regency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
    bind.execute(sa.text("UPDATE regency SET province_id = :p"), {"p": province_id})
    with op.batch_alter_table('regency', schema=None) as batch_op:
        batch_op.alter_column('province_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_regency_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_regency_province_id_province'), 'province', ['province_id'], ['id'])

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('province_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_user_account_province_id'), ['province_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_user_account_province_id_province'), 'province', ['province_id'], ['id'])
    # Everyone but the admins worked for this one province.
    bind.execute(
        sa.text("UPDATE user_account SET province_id = :p WHERE role <> 'admin'"), {"p": province_id}
    )


def downgrade():
    bind = op.get_bind()
    # National accounts have no meaning without provinces: they lose their access.
    bind.execute(sa.text("UPDATE user_account SET role = 'supervisor', active = false WHERE role = 'national'"))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_account_province_id_province'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_user_account_province_id'))
        batch_op.drop_column('province_id')
    with op.batch_alter_table('regency', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_regency_province_id_province'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_regency_province_id'))
        batch_op.drop_column('province_id')
    op.drop_table('province')
