"""cooperative search key (accents and case folded) with a trigram index on PostgreSQL

Revision ID: lost_04
Revises: lost_03
Create Date: 2026-11-29 15:30:00

"""
import logging
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'lost_04'
down_revision = 'lost_03'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")


def search_key(text):
    # A copy of ppkl.models.cooperative.search_key as it is today: migrations do not import
    # application code, which may change after them.
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def trigrams_available(bind) -> bool:
    """pg_trgm is installed, or can be: the guard, so the migration also runs where the
    extension is missing or the role may not create it (then a plain index is made)."""
    if bind.dialect.name != "postgresql":
        return False
    available = bind.execute(
        sa.text("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
    ).scalar()
    if not available:
        return False
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
    except sa.exc.DBAPIError:
        return False
    return True


def upgrade():
    bind = op.get_bind()
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=200), nullable=False, server_default=''))
    cooperative = sa.table('cooperative', sa.column('id', sa.Integer), sa.column('name', sa.String), sa.column('search_name', sa.String))
    rows = bind.execute(sa.select(cooperative.c.id, cooperative.c.name)).all()
    if rows:
        bind.execute(
            cooperative.update().where(cooperative.c.id == sa.bindparam('b_id')).values(search_name=sa.bindparam('b_key')),
            [{'b_id': r.id, 'b_key': search_key(r.name)} for r in rows],
        )
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.alter_column('search_name', server_default=None)
    if trigrams_available(bind):
        op.create_index('ix_cooperative_search_name_trgm', 'cooperative', ['search_name'], unique=False, postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})
    else:
        if bind.dialect.name == "postgresql":
            log.warning("pg_trgm is not available: cooperative search uses a plain index")
        op.create_index('ix_cooperative_search_name_trgm', 'cooperative', ['search_name'], unique=False)


def downgrade():
    op.drop_index('ix_cooperative_search_name_trgm', table_name='cooperative')
    with op.batch_alter_table('cooperative', schema=None) as batch_op:
        batch_op.drop_column('search_name')
