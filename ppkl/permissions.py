"""Who may do what: pure predicates, used by the route guard, the object loaders and templates."""

from enum import StrEnum

from ppkl.models.user import Role


class Permission(StrEnum):
    VIEW_RECAP = "view_recap"
    VIEW_COOPERATIVES = "view_cooperatives"
    VIEW_ALL_COOPERATIVES = "view_all_cooperatives"
    MANAGE_USERS = "manage_users"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.SUPERVISOR: frozenset(
        {Permission.VIEW_RECAP, Permission.VIEW_COOPERATIVES, Permission.VIEW_ALL_COOPERATIVES}
    ),
    Role.PPKL: frozenset({Permission.VIEW_RECAP, Permission.VIEW_COOPERATIVES}),
    Role.DAK: frozenset({Permission.VIEW_RECAP, Permission.VIEW_COOPERATIVES}),
}


def has_permission(user, permission: Permission) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.active:
        return False
    return permission in ROLE_PERMISSIONS.get(user.role, frozenset())


def can_view_cooperative(user, cooperative) -> bool:
    """Officers see the cooperatives of their home regency; supervisors and admins see all."""
    if has_permission(user, Permission.VIEW_ALL_COOPERATIVES):
        return True
    if not has_permission(user, Permission.VIEW_COOPERATIVES):
        return False
    return user.regency_id is not None and cooperative.regency_id == user.regency_id


def cooperative_scope(user):
    """The SQL form of can_view_cooperative, for list queries."""
    from sqlalchemy import false, true

    from ppkl.models.cooperative import Cooperative

    if has_permission(user, Permission.VIEW_ALL_COOPERATIVES):
        return true()
    if not has_permission(user, Permission.VIEW_COOPERATIVES) or user.regency_id is None:
        return false()
    return Cooperative.regency_id == user.regency_id
