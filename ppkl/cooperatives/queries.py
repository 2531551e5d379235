"""Query builders for cooperative lists: they return select() so views can paginate."""

from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ppkl.models import Cooperative, Regency
from ppkl.permissions import cooperative_scope
from ppkl.workflow import Stage


@dataclass(frozen=True)
class CooperativeFilter:
    q: str = ""
    regency_id: int | None = None
    stage: str | None = None
    active: bool | None = None

    @classmethod
    def from_args(cls, args) -> "CooperativeFilter":
        stage = args.get("stage") or None
        active = {"1": True, "0": False}.get(args.get("active", ""))
        return cls(
            q=args.get("q", "").strip()[:100],
            regency_id=args.get("regency", type=int),
            stage=stage if stage in set(Stage) else None,
            active=active,
        )


def cooperatives_for(user, flt: CooperativeFilter) -> Select:
    stmt = (
        select(Cooperative).options(joinedload(Cooperative.regency)).where(cooperative_scope(user))
    )
    if flt.q:
        stmt = stmt.where(Cooperative.name.ilike(f"%{flt.q}%"))
    if flt.regency_id:
        stmt = stmt.where(Cooperative.regency_id == flt.regency_id)
    if flt.stage:
        stmt = stmt.where(Cooperative.stage == flt.stage)
    if flt.active is not None:
        stmt = stmt.where(Cooperative.active.is_(flt.active))
    return stmt.order_by(Cooperative.name, Cooperative.id)


def regencies() -> Select:
    return select(Regency).order_by(Regency.name)
