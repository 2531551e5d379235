"""Certificate documents: the photo or scan kept as a move's or a RAT record's evidence.

Revision ID: cert_01
Revises: audit_01
Create Date: 2026-11-29 15:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cert_01'
down_revision = 'audit_01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'certificate_document',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('cooperative_id', sa.Integer(), nullable=False),
        sa.Column('history_id', sa.Integer(), nullable=True),
        sa.Column('rat_record_id', sa.Integer(), nullable=True),
        sa.Column('stored_name', sa.String(length=100), nullable=False),
        sa.Column('content_type', sa.String(length=30), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('nik_read', sa.String(length=32), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['cooperative_id'],
            ['cooperative.id'],
            name=op.f('fk_certificate_document_cooperative_id_cooperative'),
        ),
        sa.ForeignKeyConstraint(
            ['history_id'],
            ['cooperative_history.id'],
            name=op.f('fk_certificate_document_history_id_cooperative_history'),
        ),
        sa.ForeignKeyConstraint(
            ['rat_record_id'],
            ['rat_record.id'],
            name=op.f('fk_certificate_document_rat_record_id_rat_record'),
        ),
        sa.ForeignKeyConstraint(
            ['uploaded_by_id'],
            ['user_account.id'],
            name=op.f('fk_certificate_document_uploaded_by_id_user_account'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_document')),
        sa.UniqueConstraint('stored_name', name=op.f('uq_certificate_document_stored_name')),
    )
    with op.batch_alter_table('certificate_document', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_certificate_document_cooperative_id'), ['cooperative_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_certificate_document_history_id'), ['history_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_certificate_document_rat_record_id'), ['rat_record_id'], unique=False
        )


def downgrade():
    with op.batch_alter_table('certificate_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificate_document_rat_record_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_document_history_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_document_cooperative_id'))
    op.drop_table('certificate_document')
