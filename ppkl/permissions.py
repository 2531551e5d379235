"""Who may do what: predicates used by the route guard, the object loaders and templates.

Role checks are pure; whether a cooperative lies in the account's scope (its province or the
nation) and whether an officer covers it ask the database, through the one definition in
ppkl.coverage."""

from enum import StrEnum

from sqlalchemy import and_, false

from ppkl.coverage import in_scope, officer_covers, officer_scope, scope
from ppkl.models.user import Role
from ppkl.workflow import is_backward_move, is_forward_move


class Permission(StrEnum):
    VIEW_RECAP = "view_recap"
    VIEW_COOPERATIVES = "view_cooperatives"
    VIEW_ALL_COOPERATIVES = "view_all_cooperatives"
    MANAGE_COOPERATIVES = "manage_cooperatives"
    MANAGE_USERS = "manage_users"
    VIEW_AUDIT_LOG = "view_audit_log"
    # Certification: officers move their cooperatives forward; supervisors move any,
    # correct backwards, (de)activate, move in bulk and set targets.
    MOVE_STAGE = "move_stage"
    SUPERVISE_CERTIFICATION = "supervise_certification"
    # Field work: assigning, visits, worklists.
    ASSIGN_COOPERATIVES = "assign_cooperatives"
    LOG_VISITS = "log_visits"
    VIEW_TASKS = "view_tasks"
    # Reports: officers print their own, supervisors any officer's and batches.
    PRINT_REPORTS = "print_reports"
    PRINT_ANY_REPORT = "print_any_report"
    IMPORT_COOPERATIVES = "import_cooperatives"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUPERVISOR: frozenset(
        {
            Permission.VIEW_RECAP,
            Permission.VIEW_COOPERATIVES,
            Permission.VIEW_ALL_COOPERATIVES,
            Permission.MANAGE_COOPERATIVES,
            Permission.MOVE_STAGE,
            Permission.SUPERVISE_CERTIFICATION,
            Permission.ASSIGN_COOPERATIVES,
            Permission.VIEW_TASKS,
            Permission.PRINT_REPORTS,
            Permission.PRINT_ANY_REPORT,
            Permission.IMPORT_COOPERATIVES,
        }
    ),
    # The ministry reads every province, prints and exports; it assigns and changes nothing.
    Role.NATIONAL: frozenset(
        {
            Permission.VIEW_RECAP,
            Permission.VIEW_COOPERATIVES,
            Permission.VIEW_ALL_COOPERATIVES,
            Permission.VIEW_TASKS,
            Permission.PRINT_REPORTS,
            Permission.PRINT_ANY_REPORT,
        }
    ),
    Role.PPKL: frozenset(
        {
            Permission.VIEW_RECAP,
            Permission.VIEW_COOPERATIVES,
            Permission.MOVE_STAGE,
            Permission.LOG_VISITS,
            Permission.VIEW_TASKS,
            Permission.PRINT_REPORTS,
        }
    ),
    Role.DAK: frozenset(
        {
            Permission.VIEW_RECAP,
            Permission.VIEW_COOPERATIVES,
            Permission.MOVE_STAGE,
            Permission.LOG_VISITS,
            Permission.VIEW_TASKS,
            Permission.PRINT_REPORTS,
        }
    ),
}


def has_permission(user, permission: Permission) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def can_view_cooperative(user, cooperative) -> bool:
    """Officers see the cooperatives they cover; supervisors all of their province's; admins
    and national accounts all."""
    if not in_scope(user, cooperative):
        return False
    if has_permission(user, Permission.VIEW_ALL_COOPERATIVES):
        return True
    if not has_permission(user, Permission.VIEW_COOPERATIVES):
        return False
    return covers_cooperative(user, cooperative)


def can_print_officer_report(user, officer) -> bool:
    """Supervisors and admins print any officer's report; officers only their own."""
    if has_permission(user, Permission.PRINT_ANY_REPORT):
        return True
    return has_permission(user, Permission.PRINT_REPORTS) and user.id == officer.id


def cooperative_scope(user):
    """The SQL form of can_view_cooperative, for list queries."""
    if has_permission(user, Permission.VIEW_ALL_COOPERATIVES):
        return scope(user)
    if not has_permission(user, Permission.VIEW_COOPERATIVES) or not user.is_officer:
        return false()
    return and_(scope(user), officer_scope(user))


def covers_cooperative(user, cooperative) -> bool:
    """The officer is responsible for this cooperative: it is currently assigned to them.

    Until the office has recorded any current assignment, officers cover the cooperatives of
    their home regency (ppkl.coverage holds the one definition, in SQL).
    """
    if not getattr(user, "is_authenticated", False) or not user.active or not user.is_officer:
        return False

    return officer_covers(user, cooperative)


def can_move(user, cooperative, to_stage: str) -> bool:
    """Forward one step: supervisors for any cooperative, officers for the ones they cover.
    Backward (a correction): supervisors only. Inactive cooperatives are refused by the service
    with its own message, so this predicate does not look at `active`."""

    if is_backward_move(cooperative.stage, to_stage):
        return can_correct(user, cooperative)
    if not is_forward_move(cooperative.stage, to_stage):
        return False
    if supervises(user, cooperative):
        return True
    return has_permission(user, Permission.MOVE_STAGE) and covers_cooperative(user, cooperative)


def supervises(user, cooperative) -> bool:
    """A supervisor (or admin) whose scope holds this cooperative."""
    return has_permission(user, Permission.SUPERVISE_CERTIFICATION) and in_scope(user, cooperative)


def can_correct(user, cooperative) -> bool:
    """Backward moves (corrections) are for supervisors only."""
    return supervises(user, cooperative)


def can_set_active(user, cooperative) -> bool:
    """Deactivate or reactivate: supervisors only."""
    return supervises(user, cooperative)


def can_record_rat(user, cooperative) -> bool:
    """Keep the RAT ledger (yearly RAT, report, health): the same people who move it forward."""
    if supervises(user, cooperative):
        return True
    return has_permission(user, Permission.MOVE_STAGE) and covers_cooperative(user, cooperative)
