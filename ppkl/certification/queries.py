"""Query builders of the workflow's lists: deadline flags, deactivation candidates, bulk
selection, targets. They return select() so views paginate; flags of a page's rows come from
`ppkl.certification.deadlines.deadline_flags` over one query of their RAT records (one
definition of overdue)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import joinedload

from ppkl.certification.deadlines import (
    DeadlineFlag,
    DeadlineRules,
    Flag,
    RatFacts,
    deadline_flags,
    inactivity_window,
    overdue_fiscal_year,
    report_overdue_before,
    warning_fiscal_year,
)
from ppkl.certification.targets import TargetProgress, months_left
from ppkl.clock import office_day_end
from ppkl.coverage import RecapScope
from ppkl.extensions import db
from ppkl.i18n import scope_label
from ppkl.inputs import db_int
from ppkl.models import (
    CertificationTarget,
    Cooperative,
    Province,
    RatRecord,
    Regency,
    TargetChange,
)
from ppkl.models.rat import RAT_IN_FORCE
from ppkl.permissions import cooperative_scope
from ppkl.recap import Recap


def _has_rat(condition) -> exists:
    return exists().where(RatRecord.cooperative_id == Cooperative.id, RAT_IN_FORCE, condition)


# The flags raised by the absence of a RAT record; the others by its presence.
FLAGGED_WITHOUT = frozenset({Flag.RAT_OVERDUE, Flag.RAT_DUE_SOON})


def deciding_rats(flag: Flag, today: date, rules: DeadlineRules) -> Select | None:
    """The cooperative ids of the RAT records in force that decide one flag of
    deadlines.flags_for (same fiscal years, same cut-off); None when the flag is off today."""
    if flag == Flag.RAT_OVERDUE:
        decides = RatRecord.fiscal_year == overdue_fiscal_year(today, rules)
    elif flag == Flag.RAT_DUE_SOON:
        year = warning_fiscal_year(today, rules)
        if year is None:
            return None
        decides = RatRecord.fiscal_year == year
    else:
        cut_off = report_overdue_before(today, rules)
        decides = RatRecord.report_received_on.is_(None) & (RatRecord.held_on < cut_off)
    return select(RatRecord.cooperative_id).where(RAT_IN_FORCE, decides)


def flag_condition(flag: Flag, today: date, rules: DeadlineRules):
    """The SQL form of one flag of deadlines.flags_for, on Cooperative."""
    rats = deciding_rats(flag, today, rules)
    if rats is None:
        return false()
    found = rats.where(RatRecord.cooperative_id == Cooperative.id).exists()
    return Cooperative.active.is_(True) & (~found if flag in FLAGGED_WITHOUT else found)


def flag_join(flag: Flag, today: date, rules: DeadlineRules):
    """flag_condition for statements over many cooperatives: (the RAT records to outer-join on
    their cooperative_id, or None; the condition). A flag raised by a missing record is a join
    (the database merges the records with the nation in id order, where looking them up took a
    probe per cooperative); a late report stays a look-up, since a cooperative may have several
    and making them distinct read all of them even for an officer's few cooperatives."""
    rats = deciding_rats(flag, today, rules)
    if rats is None or flag not in FLAGGED_WITHOUT:
        return None, flag_condition(flag, today, rules)
    # One record a fiscal year per cooperative: the join adds no rows.
    joined = rats.subquery(f"rats_{flag.value}")
    return joined, Cooperative.active.is_(True) & joined.c.cooperative_id.is_(None)


@dataclass(frozen=True)
class DeadlineFilter:
    flag: Flag | None = None
    regency_id: int | None = None

    @classmethod
    def from_args(cls, args) -> "DeadlineFilter":
        flag = args.get("flag") or None
        return cls(
            flag=Flag(flag) if flag in set(Flag) else None,
            regency_id=args.get("regency", type=db_int),
        )


def flagged_cooperatives(user, flt: DeadlineFilter, today: date, rules: DeadlineRules) -> Select:
    """Cooperatives the user may see with the chosen flag (any flag when none is chosen)."""
    flags = [flt.flag] if flt.flag else list(Flag)
    stmt = (
        select(Cooperative)
        .options(joinedload(Cooperative.regency))
        .where(cooperative_scope(user), or_(*(flag_condition(f, today, rules) for f in flags)))
    )
    if flt.regency_id:
        stmt = stmt.where(Cooperative.regency_id == flt.regency_id)
    return stmt.order_by(Cooperative.name, Cooperative.id)


def find_rat(cooperative_id: int, fiscal_year: int) -> RatRecord | None:
    """The RAT record of one cooperative for one fiscal year, if recorded (voided or not: a
    fiscal year has one record, which recording it again brings back into force)."""
    return db.session.scalar(
        select(RatRecord).where(
            RatRecord.cooperative_id == cooperative_id, RatRecord.fiscal_year == fiscal_year
        )
    )


def rats_by_cooperative(ids: list[int]) -> dict[int, list[RatRecord]]:
    found: dict[int, list[RatRecord]] = {i: [] for i in ids}
    if ids:
        rats = select(RatRecord).where(RatRecord.cooperative_id.in_(ids), RAT_IN_FORCE)
        for rat in db.session.scalars(rats):
            found[rat.cooperative_id].append(rat)
    return found


def flags_of(cooperatives, today: date, rules: DeadlineRules) -> dict[int, list[DeadlineFlag]]:
    """The flags of a page of cooperatives, each naming its fiscal year, with one query."""
    rats = rats_by_cooperative([c.id for c in cooperatives])
    return {
        c.id: deadline_flags(
            c.active,
            [RatFacts(r.fiscal_year, r.held_on, r.report_received_on) for r in rats[c.id]],
            today,
            rules,
        )
        for c in cooperatives
    }


def deactivation_candidates(user, today: date, rules: DeadlineRules) -> Select:
    """Active cooperatives of the user's scope without a RAT in the last INACTIVITY_YEARS
    ended fiscal years."""
    first, last = inactivity_window(today, rules)
    return (
        select(Cooperative)
        .options(joinedload(Cooperative.regency))
        .where(
            cooperative_scope(user),
            Cooperative.active.is_(True),
            ~_has_rat(RatRecord.fiscal_year.between(first, last)),
        )
        .order_by(Cooperative.regency_id, Cooperative.name, Cooperative.id)
    )


def last_rat_years(ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    rows = db.session.execute(
        select(RatRecord.cooperative_id, func.max(RatRecord.fiscal_year))
        .where(RatRecord.cooperative_id.in_(ids), RAT_IN_FORCE)
        .group_by(RatRecord.cooperative_id)
    )
    return dict(rows.all())


def bulk_candidates(user, from_stage: str, regency_id: int | None, limit: int) -> Select:
    """Active cooperatives at `from_stage`, for a bulk move to the next stage."""
    stmt = (
        select(Cooperative)
        .options(joinedload(Cooperative.regency))
        .where(
            cooperative_scope(user),
            Cooperative.active.is_(True),
            Cooperative.stage == from_stage,
        )
    )
    if regency_id:
        stmt = stmt.where(Cooperative.regency_id == regency_id)
    return stmt.order_by(Cooperative.name, Cooperative.id).limit(limit)


def targets_shown(model, shown: RecapScope) -> ColumnElement[bool]:
    """The targets a recap shows (on CertificationTarget or TargetChange): with province rows,
    the nation's and each province's; else the province's own and its regencies'."""
    if shown.by_province:
        return model.regency_id.is_(None)
    if shown.province is None:
        return false()
    pid = shown.province.id
    return or_(
        and_(model.regency_id.is_(None), model.province_id == pid),
        model.regency_id.in_(select(Regency.id).where(Regency.province_id == pid)),
    )


def targets_of_year(year: int, shown: RecapScope) -> Select:
    """The targets of `year` a recap of `shown` counts: the whole area's first."""
    return (
        select(CertificationTarget)
        .options(joinedload(CertificationTarget.regency), joinedload(CertificationTarget.province))
        .where(CertificationTarget.year == year, targets_shown(CertificationTarget, shown))
        .order_by(
            CertificationTarget.regency_id.is_not(None),
            CertificationTarget.province_id.is_not(None),
            CertificationTarget.province_id,
            CertificationTarget.regency_id,
            CertificationTarget.id,
        )
    )


def targets_for_year(year: int, shown: RecapScope) -> list[CertificationTarget]:
    return db.session.scalars(targets_of_year(year, shown)).all()


def targets_as_of(
    year: int, cutoff: datetime, shown: RecapScope
) -> list[tuple[str | None, str | None, int]]:
    """(province name, regency name, target) of `year` as they stood just before cutoff: the
    last change of each before it, unless that change removed the target. A province's target
    has no regency name, the nation's neither name."""
    latest = (
        select(func.max(TargetChange.id))
        .where(TargetChange.year == year, TargetChange.changed_at < cutoff)
        .group_by(TargetChange.province_id, TargetChange.regency_id)
    )
    rows = db.session.execute(
        select(Province.name.label("province"), Regency.name.label("regency"), TargetChange.target)
        .outerjoin(Regency, Regency.id == TargetChange.regency_id)
        .outerjoin(Province, Province.id == TargetChange.province_id)
        .where(
            TargetChange.id.in_(latest),
            TargetChange.target.is_not(None),
            targets_shown(TargetChange, shown),
        )
        .order_by(
            TargetChange.regency_id.is_not(None),
            TargetChange.province_id.is_not(None),
            Province.name,
            Regency.name,
        )
    ).all()
    return [(r.province, r.regency, r.target) for r in rows]


def targets_in_force(
    day: date, shown: RecapScope, today: date | None = None
) -> list[tuple[str | None, str | None, int]]:
    """(province name, regency name, target) of `day`'s year that a recap of `shown` counts:
    for a past day (before `today`) those in force at the end of that day, else the current
    ones."""
    if today is not None and day < today:
        return targets_as_of(day.year, office_day_end(day), shown)
    return [
        (getattr(t.province, "name", None), getattr(t.regency, "name", None), t.target)
        for t in targets_for_year(day.year, shown)
    ]


def targets_by_row(targets, shown: RecapScope) -> dict[str | None, int]:
    """The targets keyed by the recap row they measure (a regency's or a province's name), the
    whole recap's (the province's own, or the nation's) under None."""
    found = {}
    for province, regency, target in targets:
        whole = regency is None and (province is None or not shown.by_province)
        found[None if whole else regency or province] = target
    return found


def target_progress(
    recap: Recap, day: date, shown: RecapScope, today: date | None = None
) -> list[TargetProgress]:
    """Progress of the targets of `day`'s year, counted with the recap shown for `day`. For a
    past day (before `today`) the targets are those in force at the end of that day."""
    targets = targets_in_force(day, shown, today)
    certified = {row.regency: row.certified for row in recap.rows}
    progress = []
    for row, target in targets_by_row(targets, shown).items():
        if row is None:
            label, achieved = scope_label(shown), recap.total.certified
        else:
            label, achieved = row, certified.get(row, 0)
        progress.append(
            TargetProgress(label, day.year, target, achieved, months_left(day, day.year))
        )
    return progress
