"""Progress toward a yearly certification target, and the pace still needed. Plain Python.

A target for year Y counts cooperatives certified (the recap's Bersertifikat NIK) by
31 December of Y. The pace still needed is what remains divided by the months left,
counting the current month: in June, 7 months (June to December) remain.
For readers: docs/certification.md.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_UP, Decimal


def months_left(today: date, year: int) -> int:
    """Months still available for year `year`'s target on `today` (0 once the year is over)."""
    if today.year > year:
        return 0
    if today.year < year:
        return 12
    return 12 - today.month + 1


@dataclass(frozen=True)
class TargetProgress:
    label: str
    year: int
    target: int
    achieved: int
    months_left: int

    @property
    def remaining(self) -> int:
        return max(self.target - self.achieved, 0)

    @property
    def percent(self) -> Decimal:
        """Achieved as a percentage of the target (may pass 100)."""
        return (Decimal(self.achieved) * 100 / Decimal(self.target)).quantize(Decimal("0.01"))

    @property
    def pace_per_month(self) -> int | None:
        """Certifications needed per month from now on (rounded up); None when the year is
        over, 0 when the target is reached."""
        if not self.remaining:
            return 0
        if not self.months_left:
            return None
        return int((Decimal(self.remaining) / self.months_left).to_integral_value(ROUND_UP))
