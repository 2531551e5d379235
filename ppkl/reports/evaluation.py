"""What a DAK assistant's evaluation asks, computed from the report's own rows. Plain Python.

- Visits made: the assistant's visits in the period, against a target of
  REPORT_DAK_VISITS_PER_MONTH per month of the period (rounded up).
- Reports on time: visits recorded within REPORT_ON_TIME_DAYS days of the visit date
  (the recording's office day, in the TIMEZONE setting), as a share of all visits in the
  period.
- Targets met: of three targets (the visit target; every assigned cooperative visited in the
  period; the on-time share at least REPORT_ON_TIME_TARGET_PERCENT), how many were reached.

The same definitions, for readers: docs/reports.md.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from ppkl.clock import office_date
from ppkl.config import Config
from ppkl.recap import percentage
from ppkl.reports.periods import Period, months_in


@dataclass(frozen=True)
class EvaluationRules:
    visits_per_month: int = 8
    on_time_days: int = 3
    on_time_target_percent: int = 90
    timezone: str = Config.TIMEZONE

    @classmethod
    def from_config(cls, config) -> "EvaluationRules":
        return cls(
            config["REPORT_DAK_VISITS_PER_MONTH"],
            config["REPORT_ON_TIME_DAYS"],
            config["REPORT_ON_TIME_TARGET_PERCENT"],
            config["TIMEZONE"],
        )


@dataclass(frozen=True)
class Target:
    key: str
    reached: bool


@dataclass(frozen=True)
class DakEvaluation:
    visits_made: int
    visit_target: int
    reports_on_time: int
    cooperatives_visited: int
    cooperatives_assigned: int
    on_time_target_percent: int
    targets: tuple[Target, ...]

    @property
    def on_time_percentage(self) -> Decimal:
        return percentage(self.reports_on_time, self.visits_made)

    @property
    def targets_met(self) -> int:
        return sum(t.reached for t in self.targets)


def evaluate_dak(visits: Sequence, cooperatives: Sequence, period: Period, rules: EvaluationRules):
    """The evaluation figures from the visit lines and cooperative lines of a report."""
    visit_target = math.ceil(rules.visits_per_month * months_in(period) - 1e-9)
    tz = ZoneInfo(rules.timezone)
    on_time = sum(
        1
        for v in visits
        if (office_date(v.recorded_at, tz) - v.visited_on).days <= rules.on_time_days
    )
    assigned = {c.id for c in cooperatives}
    visited = {v.cooperative_id for v in visits} & assigned
    evaluation = DakEvaluation(
        visits_made=len(visits),
        visit_target=visit_target,
        reports_on_time=on_time,
        cooperatives_visited=len(visited),
        cooperatives_assigned=len(assigned),
        on_time_target_percent=rules.on_time_target_percent,
        targets=(),
    )
    targets = (
        Target("visits", len(visits) >= visit_target),
        Target("coverage", bool(assigned) and visited == assigned),
        Target(
            "on_time",
            bool(visits) and evaluation.on_time_percentage >= rules.on_time_target_percent,
        ),
    )
    return DakEvaluation(**{**evaluation.__dict__, "targets": targets})
