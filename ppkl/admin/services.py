"""Account management verbs. The acting user is explicit; the caller commits."""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ppkl import audit
from ppkl.assignments.services import USER_DEACTIVATED
from ppkl.auth.passwords import hash_password, password_problem
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.models import Assignment, Province, Regency, User
from ppkl.models.province import PROVINCE_TIMEZONES
from ppkl.models.user import OFFICER_ROLES, Role

log = logging.getLogger(__name__)

# Accounts that work for one province; admins and national accounts work for none.
PROVINCE_ROLES = frozenset({Role.SUPERVISOR, *OFFICER_ROLES})


USER_CREATED = audit.AuditAction("user.created", _l("Account created"))
ROLE_CHANGED = audit.AuditAction("user.role_changed", _l("Role changed"))
USER_REACTIVATED = audit.AuditAction("user.reactivated", _l("Account reactivated"))
SESSIONS_REVOKED = audit.AuditAction("user.sessions_revoked", _l("Signed out everywhere"))


class AccountError(FieldError):
    pass


@dataclass
class AccountDetails:
    full_name: str
    role: str
    regency_id: int | None = None
    province_id: int | None = None
    cohort_year: int | None = None
    contract_end: date | None = None
    active: bool = True


def check_details(details: AccountDetails) -> None:
    if details.role not in set(Role):
        raise AccountError("role", "unknown_role")
    if details.role in OFFICER_ROLES and details.regency_id is None:
        raise AccountError("regency_id", "officer_needs_regency")
    if details.role in PROVINCE_ROLES:
        regency = db.session.get(Regency, details.regency_id) if details.regency_id else None
        if details.province_id is None and regency is not None:
            details.province_id = regency.province_id  # an officer's province is their regency's
        if details.province_id is None or db.session.get(Province, details.province_id) is None:
            raise AccountError("province_id", "needs_province")
        if regency is not None and regency.province_id != details.province_id:
            raise AccountError("regency_id", "regency_outside_province")
    if details.role == Role.DAK and details.cohort_year is None:
        raise AccountError("cohort_year", "dak_needs_cohort")


def create_user(
    actor: User | None, username: str, password: str, details: AccountDetails, hash_method: str
) -> User:
    username = username.strip().lower()
    if db.session.scalar(select(func.count()).where(func.lower(User.username) == username)):
        raise AccountError("username", "username_taken")
    problem = password_problem(password, username)
    if problem:
        raise AccountError("password", problem)
    check_details(details)
    user = User(username=username, password_hash=hash_password(password, hash_method))
    apply_details(user, details)
    db.session.add(user)
    db.session.flush()
    audit.record(USER_CREATED, user=actor, target=f"user:{user.id}", role=user.role)
    return user


def apply_details(user: User, details: AccountDetails) -> None:
    """Copy the allowed fields only (no mass assignment)."""
    user.full_name = details.full_name.strip()
    user.role = details.role
    officer = details.role in OFFICER_ROLES
    user.regency_id = details.regency_id if officer else None
    user.province_id = details.province_id if details.role in PROVINCE_ROLES else None
    user.cohort_year = details.cohort_year if details.role == Role.DAK else None
    user.contract_end = details.contract_end if officer else None
    user.active = details.active


def update_user(actor: User, user: User, details: AccountDetails) -> None:
    check_details(details)
    if user.id == actor.id and (details.role != user.role or not details.active):
        raise AccountError("role", "cannot_demote_self")
    old_role, old_active = user.role, user.active
    if (not details.active or details.role != old_role) and has_cooperatives(user):
        # Their cooperatives need a successor first: the roster's deactivation does that.
        raise AccountError("active", "officer_has_cooperatives")
    apply_details(user, details)
    if old_role != user.role:
        audit.record(
            ROLE_CHANGED, user=actor, target=f"user:{user.id}", old=old_role, new=user.role
        )
    if old_active and not user.active:
        user.end_all_sessions()
        audit.record(USER_DEACTIVATED, user=actor, target=f"user:{user.id}")
    elif not old_active and user.active:
        audit.record(USER_REACTIVATED, user=actor, target=f"user:{user.id}")


def has_cooperatives(user: User) -> bool:

    return bool(
        db.session.scalar(
            select(func.count(Assignment.id)).where(
                Assignment.officer_id == user.id, Assignment.end_date.is_(None)
            )
        )
    )


def sign_out_everywhere(actor: User, user: User) -> None:
    user.end_all_sessions()
    audit.record(SESSIONS_REVOKED, user=actor, target=f"user:{user.id}")


PROVINCE_SAVED = audit.AuditAction("province.saved", _l("Province saved"))


class ProvinceError(FieldError):
    pass


@dataclass
class ProvinceDetails:
    name: str
    code: str
    office_name: str
    office_place: str
    signatory_name: str
    signatory_title: str
    signatory_nip: str | None
    timezone: str


def save_province(actor: User, province: Province | None, details: ProvinceDetails) -> Province:
    """Create or edit a province; name and code stay unique (admins)."""
    details.name, details.code = " ".join(details.name.split()), details.code.strip()
    if details.timezone not in PROVINCE_TIMEZONES:
        raise ProvinceError("timezone", "unknown_timezone")
    for field in ("name", "code"):
        value = getattr(details, field)
        column = getattr(Province, field)
        taken = select(Province.id).where(func.lower(column) == value.lower())
        if province is not None:
            taken = taken.where(Province.id != province.id)
        if db.session.scalar(taken.limit(1)) is not None:
            raise ProvinceError(field, f"{field}_taken")
    if province is None:
        province = Province()
        db.session.add(province)
    before = {f: getattr(province, f) for f in ProvinceDetails.__dataclass_fields__}
    for field in ProvinceDetails.__dataclass_fields__:
        value = getattr(details, field)
        setattr(province, field, value.strip() if isinstance(value, str) else value)
    province.signatory_nip = province.signatory_nip or None
    db.session.flush()
    changed = {f: v for f, v in before.items() if v != getattr(province, f)}
    audit.record(
        PROVINCE_SAVED, user=actor, target=f"province:{province.id}", changed=sorted(changed)
    )
    return province
