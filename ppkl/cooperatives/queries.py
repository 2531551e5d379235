"""Query builders for cooperative lists: filters, sorting, officers, flags; fixed query count."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, exists, false, func, or_, select, true
from sqlalchemy.orm import Session, aliased, contains_eager, joinedload

from ppkl.coverage import regency_scope, scope, user_scope
from ppkl.inputs import db_int
from ppkl.models import Assignment, Cooperative, Regency, User
from ppkl.models.cooperative import search_key
from ppkl.models.user import OFFICER_ROLES, Role
from ppkl.pagination import Keyset, Page, PageRequest, page_rows, read_page
from ppkl.permissions import cooperative_scope
from ppkl.tasks.worklist import Facts, Reason, Thresholds, conditions, flag_columns
from ppkl.workflow import STAGE_ORDER, Stage

UNASSIGNED_CHOICES = ("ppkl", "dak", "all")
SORTS = ("name", "regency", "stage", "last_visit")


@dataclass(frozen=True)
class CooperativeFilter:
    q: str = ""
    regency_id: int | None = None
    district: str = ""
    stage: str | None = None
    active: bool | None = None
    officer_id: int | None = None
    unassigned: str | None = None
    flag: str | None = None
    sort: str = "name"
    descending: bool = False

    @classmethod
    def from_args(cls, args) -> "CooperativeFilter":
        stage = args.get("stage") or None
        active = {"1": True, "0": False}.get(args.get("active", ""))
        unassigned = args.get("unassigned") or None
        flag = args.get("flag") or None
        sort = args.get("sort") or "name"
        return cls(
            q=args.get("q", "").strip()[:100],
            regency_id=args.get("regency", type=db_int),
            district=args.get("district", "").strip()[:100],
            stage=stage if stage in set(Stage) else None,
            active=active,
            officer_id=args.get("officer", type=db_int),
            unassigned=unassigned if unassigned in UNASSIGNED_CHOICES else None,
            flag=flag if flag in set(Reason) else None,
            sort=sort if sort in SORTS else "name",
            descending=args.get("dir") == "desc",
        )

    @property
    def needs_facts(self) -> bool:
        """Whether the statement must join the worklist facts (flags, last-visit sort)."""
        return bool(self.flag) or self.sort == "last_visit"

    def as_args(self) -> dict[str, Any]:
        """The filter as query-string arguments (for links and hidden fields)."""
        pairs = {
            "q": self.q,
            "regency": self.regency_id,
            "district": self.district,
            "stage": self.stage,
            "active": {True: "1", False: "0"}.get(self.active),
            "officer": self.officer_id,
            "unassigned": self.unassigned,
            "flag": self.flag,
        }
        return {k: v for k, v in pairs.items() if v not in (None, "")}


def current_of(role: str):
    return aliased(Assignment, name=f"current_{role}")


def unassigned_condition(role: str | None):
    """No current assignment of that role (or of any role, for "all")."""
    roles = [r.value for r in OFFICER_ROLES] if role == "all" else [role]
    return ~exists().where(
        Assignment.cooperative_id == Cooperative.id,
        Assignment.end_date.is_(None),
        Assignment.officer_role.in_(roles),
    )


def officer_condition(officer_id: int):
    return exists().where(
        Assignment.cooperative_id == Cooperative.id,
        Assignment.end_date.is_(None),
        Assignment.officer_id == officer_id,
    )


def like_pattern(word: str) -> str:
    """%word% with LIKE's own wildcards taken literally (escaped with a backslash)."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def name_matches(q: str):
    """Every word of q somewhere in the name, in any order, ignoring case and accents."""
    words = search_key(q).split()[:10]
    return and_(*(Cooperative.search_name.like(like_pattern(w), escape="\\") for w in words))


def apply_filter(stmt: Select, flt: CooperativeFilter, conds=None) -> Select:
    if flt.q:
        stmt = stmt.where(name_matches(flt.q))
    if flt.regency_id:
        stmt = stmt.where(Cooperative.regency_id == flt.regency_id)
    if flt.district:
        stmt = stmt.where(Cooperative.district == flt.district)
    if flt.stage:
        stmt = stmt.where(Cooperative.stage == flt.stage)
    if flt.active is not None:
        stmt = stmt.where(Cooperative.active.is_(flt.active))
    if flt.officer_id:
        stmt = stmt.where(officer_condition(flt.officer_id))
    if flt.unassigned:
        stmt = stmt.where(unassigned_condition(flt.unassigned))
    if flt.flag and conds is not None:
        stmt = stmt.where(conds[Reason(flt.flag)])
    return stmt


def cooperatives_for(user, flt: CooperativeFilter) -> Select:
    """Cooperative entities the user may see, filtered (no flags), ordered by name."""
    stmt = (
        select(Cooperative).options(joinedload(Cooperative.regency)).where(cooperative_scope(user))
    )
    return apply_filter(stmt, flt).order_by(Cooperative.name, Cooperative.id)


def matching_ids(session: Session, user, flt: CooperativeFilter, t: Thresholds) -> list[int]:
    """Every cooperative id the filter selects (all pages), for bulk actions."""
    facts = Facts.build()
    stmt = facts.join(select(Cooperative.id).select_from(Cooperative))
    stmt = apply_filter(stmt.where(cooperative_scope(user)), flt, conditions(facts, t))
    return list(session.scalars(stmt.order_by(Cooperative.id)))


# The default order (by name) a keyset cursor can continue on deep pages.
NAME_ORDER = {
    False: Keyset(Cooperative, ("name", "id")),
    True: Keyset(Cooperative, ("name", "id"), descending=True),
}


def sort_order(flt: CooperativeFilter, facts: Facts) -> list:
    if flt.sort == "name":
        return [c.desc() if flt.descending else c.asc() for c in (Cooperative.name, Cooperative.id)]
    stage_rank = case({s.value: i for i, s in enumerate(STAGE_ORDER)}, value=Cooperative.stage)
    key = {
        "regency": Regency.name,
        "stage": stage_rank,
        "last_visit": func.coalesce(facts.last_visit_on, date(1, 1, 1)),
    }[flt.sort]
    return [key.desc() if flt.descending else key.asc(), Cooperative.name, Cooperative.id]


def cooperative_rows(
    session: Session,
    user,
    flt: CooperativeFilter,
    t: Thresholds,
    wanted: PageRequest,
    per_page: int,
    *,
    stay_past_end: bool = False,
) -> Page:
    """One page of cooperatives with their officers, last visit and flags: two queries (the
    capped count, the rows; `stay_past_end` for the API: ppkl.pagination.read_page), and one
    for an officer's coverage."""
    scope = cooperative_scope(user)
    facts = Facts.build()
    conds = conditions(facts, t)
    ppkl, dak = current_of(Role.PPKL), current_of(Role.DAK)
    ppkl_user, dak_user = aliased(User, name="ppkl_user"), aliased(User, name="dak_user")
    base = facts.join(select(Cooperative.id).select_from(Cooperative).join(Regency))
    base = apply_filter(base.where(scope), flt, conds)
    stmt = (
        select(
            Cooperative,
            ppkl_user.full_name.label("ppkl_name"),
            dak_user.full_name.label("dak_name"),
            facts.last_visit_on,
            facts.follow_up_on,
            *flag_columns(conds),
        )
        .join(Regency, Regency.id == Cooperative.regency_id)
        .options(contains_eager(Cooperative.regency))
    )
    stmt = facts.join(stmt)
    for assignment, officer, role in ((ppkl, ppkl_user, Role.PPKL), (dak, dak_user, Role.DAK)):
        stmt = stmt.outerjoin(
            assignment,
            and_(
                assignment.cooperative_id == Cooperative.id,
                assignment.officer_role == role.value,
                assignment.end_date.is_(None),
            ),
        ).outerjoin(officer, officer.id == assignment.officer_id)
    return read_page(
        session,
        base.order_by(*sort_order(flt, facts)),
        entities=False,
        keyset=NAME_ORDER[flt.descending] if flt.sort == "name" else None,
        stay_past_end=stay_past_end,
        wanted=wanted,
        size=per_page,
        rows_of=lambda chosen: page_rows(stmt, Cooperative.id, chosen),
    )


def regencies(within) -> Select:
    """The regencies within the account's scope, by name."""
    return select(Regency).where(regency_scope(within)).order_by(Regency.name)


def regency_matches(session: Session, q: str, limit: int, within) -> list[Regency]:
    """Regencies of the account's scope whose name holds every word of q, by name; at most
    limit + 1."""
    stmt = regencies(within)
    for word in q.lower().split()[:10]:
        stmt = stmt.where(func.lower(Regency.name).like(like_pattern(word), escape="\\"))
    return list(session.scalars(stmt.order_by(Regency.id).limit(limit + 1)))


@dataclass(frozen=True)
class District:
    name: str
    regency_ids: tuple[int, ...]  # a district name may recur in two regencies


def districts(session: Session, within) -> list[District]:
    """Every district, with the regencies it lies in (the filter offers only the districts of
    the chosen regency)."""
    found: dict[str, list[int]] = {}
    # Read in the order of ix_cooperative_regency_district, so the database walks that index
    # alone (the nation's 16,000 pairs in milliseconds, where sorting by name first read every
    # cooperative); each name's regencies come in order, and the names are sorted here.
    rows = session.execute(
        select(Cooperative.district, Cooperative.regency_id)
        .where(Cooperative.district.is_not(None), scope(within))
        .distinct()
        .order_by(Cooperative.regency_id, Cooperative.district)
    )
    for name, regency_id in rows:
        found.setdefault(name, []).append(regency_id)
    return [District(name, tuple(found[name])) for name in sorted(found)]


def officers(
    session: Session, within, *, active_only: bool = False, regency_id: int | None = None
) -> list[User]:
    """PPKL officers and DAK assistants within the account's scope, PPKL first, each by name:
    every officer list and officer select of the app loads them here, so they agree on who
    counts and in what order."""
    stmt = select(User).where(User.role.in_([r.value for r in OFFICER_ROLES]), user_scope(within))
    if active_only:
        stmt = stmt.where(User.active.is_(True))
    if regency_id is not None:
        stmt = stmt.where(User.regency_id == regency_id)
    return list(session.scalars(stmt.order_by(User.role.desc(), User.full_name, User.username)))


def filter_options(session: Session, officer_filter=None, within=None) -> dict:
    """What the cooperative filter (`cooperatives/_filter.html`) offers; no officer picker
    for users who may not filter by officer."""
    return {
        "regencies": session.scalars(regencies(within)).all(),
        "districts": districts(session, within),
        "officer_filter": officer_filter,
        "reasons": list(Reason),
    }


def person_matches(q: str):
    """Every word of q in the user's name or username, ignoring case (officer pickers, the
    roster, the accounts page)."""
    conditions = []
    for word in q.lower().split()[:10]:
        pattern = like_pattern(word)
        conditions.append(
            or_(
                func.lower(User.full_name).like(pattern, escape="\\"),
                func.lower(User.username).like(pattern, escape="\\"),
            )
        )
    return and_(true(), *conditions)


def officer_matches(
    session: Session,
    q: str,
    limit: int,
    *,
    active_only: bool = False,
    role: str | None = None,
    exclude: int | None = None,
    chosen: int | None = None,
    within=None,
) -> tuple[User | None, list[User]]:
    """(the chosen officer, if any; officers whose name or username holds every word of q, in
    the order of `officers`, at most limit + 1, the extra one only saying that more exist).
    One query: the chosen officer comes first whether or not it matches."""
    conditions = [User.role.in_([r.value for r in OFFICER_ROLES]), person_matches(q)]
    # Another province's officers are neither matches nor a choice (within None: nobody).
    scoped = user_scope(within) if within is not None else false()
    if active_only:
        conditions.append(User.active.is_(True))
    if role is not None:
        conditions.append(User.role == role)
    if exclude is not None:
        conditions.append(User.id != exclude)
    is_chosen = User.id == (chosen or 0)
    stmt = select(User).where(or_(and_(*conditions), is_chosen), scoped)
    order = (is_chosen.desc(), User.role.desc(), User.full_name, User.username)
    rows = list(session.scalars(stmt.order_by(*order).limit(limit + 2)))
    first = rows[0] if rows and chosen and rows[0].id == chosen else None
    rest = rows[1:] if first is not None else rows
    is_officer = first is not None and first.role in {r.value for r in OFFICER_ROLES}
    return (first if is_officer else None), rest[: limit + 1]


def cooperative_matches(session: Session, user, q: str, limit: int):
    """(id, name, regency) of the cooperatives the user may see whose name holds every word
    of q, active ones first; at most limit + 1."""
    stmt = (
        select(Cooperative.id, Cooperative.name, Regency.name.label("regency"))
        .join(Regency, Regency.id == Cooperative.regency_id)
        .where(cooperative_scope(user))
    )
    if q:
        stmt = stmt.where(name_matches(q[:100]))
    order = (Cooperative.active.desc(), Cooperative.name, Cooperative.id)
    return session.execute(stmt.order_by(*order).limit(limit + 1)).all()
