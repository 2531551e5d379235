"""audit action codes in one style: <entity>.<verb in the past>

Revision ID: audit_01
Revises: stale_01
Create Date: 2026-11-29 14:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'audit_01'
down_revision = 'stale_01'
branch_labels = None
depends_on = None

# Old code -> new code, frozen here: the app's actions may change later, this step may not.
RENAMED = {
    "login": "auth.signed_in",
    "login_failed": "auth.sign_in_failed",
    "logout": "auth.signed_out",
    "forbidden": "access.denied",
    "user_created": "user.created",
    "role_changed": "user.role_changed",
    "user_deactivated": "user.deactivated",
    "user_reactivated": "user.reactivated",
    "password_changed": "user.password_changed",
    "sessions_revoked": "user.sessions_revoked",
    "cooperative_created": "cooperative.created",
    "cooperative_updated": "cooperative.updated",
    "cooperative.move": "cooperative.moved",
    "cooperative.correction": "cooperative.corrected",
    "cooperative.bulk_move": "cooperatives.moved",
    "visit_logged": "visit.logged",
    "visit_edited": "visit.edited",
    "visit_removed": "visit.removed",
    "cooperatives_assigned": "cooperatives.assigned",
    "cooperatives_unassigned": "cooperatives.unassigned",
    "import_cooperatives": "cooperatives.imported",
    "export_cooperatives": "cooperatives.exported",
    "export_visits": "visits.exported",
    "export_recap": "recap.exported",
    "report_officer": "officer_report.generated",
    "report_recap": "recap_report.generated",
    "report_batch": "report_batch.requested",
    "report_batch_download": "report_batch.downloaded",
}
# A one-to-one renaming, so the downgrade gives every row its old code back.
assert len(set(RENAMED.values())) == len(RENAMED)
assert not set(RENAMED) & set(RENAMED.values())


def rename(mapping: dict[str, str]) -> None:
    # The audit log is append-only through the ORM; a migration rewrites codes with plain SQL.
    # A cooperative's last_change holds the code of the change that touched it last.
    for table, column in (("audit_event", "action"), ("cooperative", "last_change")):
        rows = sa.table(table, sa.column(column, sa.String(50)))
        code = rows.c[column]
        op.execute(
            rows.update()
            .where(code.in_(list(mapping)))
            .values({column: sa.case(mapping, value=code)})
        )


def upgrade():
    rename(RENAMED)


def downgrade():
    rename({new: old for old, new in RENAMED.items()})
