"""The office's recap (Capaian Koperasi): the one definition used by pages, PDFs, CLI and exports.

Aktif = active cooperatives; Tidak Aktif = inactive ones; Total = both;
Bersertifikat NIK = active cooperatives that hold a NIK;
Progres = active cooperatives in rat_held, report_received or ods_entered;
Presentase = Bersertifikat NIK / Aktif x 100, rounded half up to two decimals (0 when Aktif is 0).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ppkl.models import Cooperative, Regency
from ppkl.workflow import IN_PROGRESS_STAGES

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
