"""The office's recap (Capaian Koperasi): the one definition used by pages, PDFs, CLI and exports.

Aktif = active cooperatives; Tidak Aktif = inactive ones; Total = both;
Bersertifikat NIK = active cooperatives that hold a NIK;
Progres = active cooperatives in rat_held, report_received or ods_entered;
Presentase = Bersertifikat NIK / Aktif x 100, rounded half up to two decimals (0 when Aktif is 0).

The recap as of a past day (`recap_as_of`) applies the same definitions to the stage and
active status each cooperative had at the end of that day in the office time zone, read from
the append-only history. The time that counts is when a change was RECORDED
(`cooperative_history.created_at`), not the evidence's effective date: a recap printed for a
day never changes afterwards, and it equals what the dashboard showed at the end of that day.
The demo history records every move on its effective date, so both readings agree there.

The same definitions, for readers: docs/recap.md.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from ppkl.clock import office_day_end
from ppkl.models import Cooperative, CooperativeHistory, Regency
from ppkl.workflow import IN_PROGRESS_STAGES, Stage

TOTAL_LABEL = "TOTAL"
CSV_HEADER = ("regency", "active", "inactive", "total", "certified", "in_progress", "percentage")


def percentage(certified: int, active: int) -> Decimal:
    if not active:
        return Decimal("0.00")
    return (Decimal(certified) * 100 / Decimal(active)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class RecapRow:
    regency: str
    active: int
    inactive: int
    certified: int
    in_progress: int

    @property
    def total(self) -> int:
        return self.active + self.inactive

    @property
    def percentage(self) -> Decimal:
        return percentage(self.certified, self.active)

    def as_csv_row(self) -> tuple[str, ...]:
        return (
            self.regency,
            str(self.active),
            str(self.inactive),
            str(self.total),
            str(self.certified),
            str(self.in_progress),
            f"{self.percentage:.2f}",
        )


@dataclass(frozen=True)
class Recap:
    rows: list[RecapRow]
    total: RecapRow

    def csv_rows(self) -> list[tuple[str, ...]]:
        return [CSV_HEADER, *(row.as_csv_row() for row in self.rows), self.total.as_csv_row()]


def assemble(rows: Iterable[RecapRow]) -> Recap:
    """Sort by regency name and add the province total."""
    ordered = sorted(rows, key=lambda r: r.regency)
    total = RecapRow(
        TOTAL_LABEL,
        sum(r.active for r in ordered),
        sum(r.inactive for r in ordered),
        sum(r.certified for r in ordered),
        sum(r.in_progress for r in ordered),
    )
    return Recap(ordered, total)


def current_recap(session: Session) -> Recap:
    """Today's recap in one aggregate query, whatever the number of cooperatives."""
    active = Cooperative.active.is_(True)
    stmt = (
        select(
            Regency.name,
            func.count(case((active, 1))),
            func.count(case((Cooperative.active.is_(False), 1))),
            func.count(case((active & Cooperative.nik.is_not(None), 1))),
            func.count(case((active & Cooperative.stage.in_(list(IN_PROGRESS_STAGES)), 1))),
        )
        .select_from(Regency)
        .outerjoin(Cooperative, Cooperative.regency_id == Regency.id)
        .group_by(Regency.id, Regency.name)
    )
    return assemble(RecapRow(*row) for row in session.execute(stmt))


def _as_of_columns(cutoff: datetime):
    """Stage and active status at `cutoff`: the last recorded change before it; else the state
    the first later change started from; else (no history) the cooperative's current value."""
    h = aliased(CooperativeHistory)

    def last_before(column):
        return (
            select(column)
            .where(h.cooperative_id == Cooperative.id, column.is_not(None), h.created_at < cutoff)
            .order_by(h.created_at.desc(), h.id.desc())
            .limit(1)
            .scalar_subquery()
        )

    def first_after(column):
        return (
            select(column)
            .where(h.cooperative_id == Cooperative.id, column.is_not(None), h.created_at >= cutoff)
            .order_by(h.created_at, h.id)
            .limit(1)
            .scalar_subquery()
        )

    stage = func.coalesce(last_before(h.to_stage), first_after(h.from_stage), Cooperative.stage)
    active = func.coalesce(last_before(h.to_active), first_after(h.from_active), Cooperative.active)
    return stage, active


def recap_as_of(session: Session, day: date, tz: ZoneInfo | None = None) -> Recap:
    """The recap as it stood at the end of `day` (office time zone), in one query."""
    cutoff = office_day_end(day, tz)
    stage, active = _as_of_columns(cutoff)
    state = (
        select(
            Cooperative.regency_id.label("regency_id"),
            stage.label("stage"),
            active.label("active"),
        )
        .where(Cooperative.created_at < cutoff)
        .subquery()
    )
    is_active = state.c.active.is_(True)
    stmt = (
        select(
            Regency.name,
            func.count(case((is_active, 1))),
            func.count(case((state.c.active.is_(False), 1))),
            func.count(case((is_active & (state.c.stage == Stage.CERTIFIED.value), 1))),
            func.count(case((is_active & state.c.stage.in_(list(IN_PROGRESS_STAGES)), 1))),
        )
        .select_from(Regency)
        .outerjoin(state, state.c.regency_id == Regency.id)
        .group_by(Regency.id, Regency.name)
    )
    return assemble(RecapRow(*row) for row in session.execute(stmt))
