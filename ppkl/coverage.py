"""Who covers what: an account's scope (a province or the nation), and the cooperatives an
officer covers within it.

Scope: admins and national accounts see the nation; supervisors and officers their province
(`user_account.province_id`; an officer recorded without one, their home regency's), and an
account of those roles without a province sees nothing.
Every list, count, export and print narrows by these conditions, and every loader answers 404
for what lies outside them, as for an id that does not exist.

Coverage: until the office has recorded any current assignment, officers cover the cooperatives
of their home regency (a fresh installation stays usable); from the first assignment on, only
their own.

Until the office has recorded any current assignment, officers cover the cooperatives of their
home regency (a fresh installation stays usable); from the first assignment on, only their own.

The coverage is resolved first, in one small query (`resolve`), into the officer's cooperative
ids or their home regency; lists then filter on those ids or that regency. A condition of the
form "assigned to them, or no assignment anywhere and in their regency" made every officer query
scan all cooperatives at national size.
"""

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, false, null, or_, select, true, union_all

from ppkl.extensions import db
from ppkl.models import Assignment, Cooperative, Province, Regency, User
from ppkl.models.user import Role

NATION_ROLES = frozenset({Role.ADMIN, Role.NATIONAL})


class _Nation:
    """The acting account of a command run without one: it sees the nation."""

    role = Role.NATIONAL
    province_id = None
    id = None


NATION = _Nation()


def sees_nation(user) -> bool:
    return getattr(user, "role", None) in NATION_ROLES


def scope_province_id(user) -> int | None:
    """The province the account works in; None for the nation or for no province at all.
    An officer recorded without one works in their home regency's."""
    if sees_nation(user):
        return None
    province_id = getattr(user, "province_id", None)
    if province_id is None and getattr(user, "regency_id", None) is not None:
        regency = db.session.get(Regency, user.regency_id)
        province_id = regency.province_id if regency is not None else None
    return province_id


def regency_scope(user) -> ColumnElement[bool]:
    """SQL condition on Regency: the regencies within the account's scope."""
    if sees_nation(user):
        return true()
    province_id = scope_province_id(user)
    return Regency.province_id == province_id if province_id else false()


def scope(user) -> ColumnElement[bool]:
    """SQL condition on Cooperative: the cooperatives within the account's scope."""
    if sees_nation(user):
        return true()
    return Cooperative.regency_id.in_(select(Regency.id).where(regency_scope(user)))


def user_scope(user) -> ColumnElement[bool]:
    """SQL condition on User: the accounts within the account's scope."""
    if sees_nation(user):
        return true()
    province_id = scope_province_id(user)
    if not province_id:
        return false()
    home = select(Regency.id).where(Regency.province_id == province_id)
    return or_(
        User.province_id == province_id,
        and_(User.province_id.is_(None), User.regency_id.in_(home)),
    )


def made_within(column, user) -> ColumnElement[bool]:
    """SQL condition: the row's account column (its author) is within the account's scope."""
    if sees_nation(user):
        return true()
    return column.in_(select(User.id).where(user_scope(user)))


def regency_in_scope(user, regency_id: int | None) -> bool:
    """One regency within scope; reads the session's identity map first (the loaders join the
    regency), so a page asking for many cooperatives of a few regencies stays at a few reads."""
    if sees_nation(user):
        return True
    province_id = scope_province_id(user)
    if not province_id or regency_id is None:
        return False
    regency = db.session.get(Regency, regency_id)
    return regency is not None and regency.province_id == province_id


def in_scope(user, cooperative) -> bool:
    """The Python form of scope() for one cooperative."""
    return regency_in_scope(user, cooperative.regency_id)


def user_in_scope(user, other) -> bool:
    """The Python form of user_scope() for one account."""
    if sees_nation(user):
        return True
    province_id = scope_province_id(user)
    return bool(province_id) and scope_province_id(other) == province_id


@dataclass(frozen=True)
class RecapScope:
    """What a recap shows to an account: the regencies it counts, whether its rows are
    provinces (the national recap) or regencies, and the province whose office heads it (None:
    the nation, headed by the ministry's settings)."""

    regencies: ColumnElement[bool]
    by_province: bool
    province: Province | None


def recap_scope(user, province_id: int | None = None) -> RecapScope:
    """A province's account: its province's regencies. The nation: one row per province, or
    the regencies of `province_id` (the drill-down). An installation with one province shows
    the nation that province's recap, as before provinces existed."""
    if not sees_nation(user):
        province_id = scope_province_id(user)
        province = db.session.get(Province, province_id) if province_id else None
        return RecapScope(regency_scope(user), False, province)
    only = only_province()
    if only is not None:
        province_id = only.id
    province = db.session.get(Province, province_id) if province_id else None
    if province is None:
        return RecapScope(true(), True, None)
    return RecapScope(Regency.province_id == province.id, False, province)


def only_province() -> Province | None:
    """The installation's province when it has exactly one: it then stands for the nation
    (the recap, the sign-in page)."""
    provinces = db.session.scalars(select(Province).limit(2)).all()
    return provinces[0] if len(provinces) == 1 else None


def province_ids(session) -> dict[str, int]:
    """Province name -> id, for the national recap's links to each province's regencies."""
    return dict(session.execute(select(Province.name, Province.id)).all())


def current_assignment_of(officer_id: int):
    """Cooperative ids currently assigned to the officer, as a subquery."""
    return select(Assignment.cooperative_id).where(
        Assignment.officer_id == officer_id, Assignment.end_date.is_(None)
    )


@dataclass(frozen=True)
class Coverage:
    """An officer's coverage, resolved: the ids of their current assignments, or, while no
    current assignment exists anywhere, their home regency (`by_regency`)."""

    ids: frozenset[int]
    by_regency: bool
    regency_id: int | None

    def condition(self) -> ColumnElement[bool]:
        """SQL condition on Cooperative."""
        if self.by_regency:
            return Cooperative.regency_id == self.regency_id if self.regency_id else false()
        return Cooperative.id.in_(sorted(self.ids)) if self.ids else false()

    def covers(self, cooperative) -> bool:
        if self.by_regency:
            return self.regency_id is not None and cooperative.regency_id == self.regency_id
        return cooperative.id in self.ids


def resolve(user) -> Coverage:
    """The officer's coverage in one query: their current assignments, and a NULL row when the
    office has no current assignment at all."""
    nothing_assigned = select(null()).where(~exists().where(Assignment.end_date.is_(None)))
    rows = db.session.scalars(union_all(current_assignment_of(user.id), nothing_assigned)).all()
    ids = frozenset(row for row in rows if row is not None)
    return Coverage(ids, None in rows, user.regency_id)


def officer_scope(user) -> ColumnElement[bool]:
    """SQL condition on Cooperative: the cooperatives this officer covers."""
    return resolve(user).condition()


def officer_covers(user, cooperative) -> bool:
    """The single-cooperative form of officer_scope (one query)."""
    return resolve(user).covers(cooperative)
