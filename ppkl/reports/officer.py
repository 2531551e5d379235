"""The officer progress report (laporan kemajuan petugas): its figures, in a fixed number of
queries whatever the officer's workload.

Definitions (docs/reports.md, "Definitions of the officer report's figures"):
- assigned cooperatives: those with an assignment of the officer overlapping the period;
- stage at the period's end: as the as-of recap has it (ppkl.recap), from the history recorded
  by the end of that day (office time);
- stage moves: history rows of kind "move" recorded by the officer during the period (office
  days), counted by the stage reached; certificates issued: those that reached "certified";
- flags: the deadline flags of ppkl.certification.deadlines on the period's last day, from the
  RAT records known on that day;
- visits: the officer's visits dated in the period, removed visits left out;
- months: the same visits, moves and certificates for each month from January of the period's
  last year to its last day (ppkl.progress.officer, which holds these conditions);
- last visit / next follow-up: the latest visit (by anyone) of each cooperative up to the
  period's end, and the follow-up date that visit asked for;
- certificate on file: for a cooperative certified at the period's end, whether a photo or scan
  of the certificate was kept with a move to certified recorded by then.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from ppkl.certification.deadlines import DeadlineFlag, DeadlineRules, RatFacts, deadline_flags
from ppkl.clock import office_day_end, office_day_start
from ppkl.cooperatives import facts
from ppkl.location import LocationLimits, Position, location_flag, visit_position
from ppkl.models import (
    Assignment,
    CertificateDocument,
    Cooperative,
    CooperativeFacts,
    CooperativeHistory,
    CooperativeLocation,
    RatRecord,
    User,
    Visit,
)
from ppkl.models.history import HistoryKind
from ppkl.models.rat import RAT_IN_FORCE
from ppkl.models.user import Role
from ppkl.progress.officer import OfficerMonth, officer_months, own_moves, own_visits
from ppkl.recap import StateAsOf
from ppkl.reports.evaluation import DakEvaluation, EvaluationRules, evaluate_dak
from ppkl.reports.periods import Period, ReportRefused
from ppkl.workflow import STAGE_ORDER, Stage


@dataclass(frozen=True)
class CooperativeLine:
    id: int
    name: str
    district: str | None
    stage: str
    last_visit: date | None
    next_follow_up: date | None
    flags: tuple[DeadlineFlag, ...] = ()
    certificate_on_file: bool = False


@dataclass(frozen=True)
class VisitLine:
    visited_on: date
    cooperative_id: int
    cooperative: str
    purposes: tuple[str, ...]
    people_met: str | None
    outcome: str | None
    follow_up_on: date | None
    follow_up_action: str | None
    recorded_at: datetime
    located: bool = False  # the phone's position was recorded with the visit
    location_flag: str | None = None  # "far" or "inaccurate" (ppkl.location)


@dataclass
class OfficerReport:
    officer_id: int
    officer_name: str
    officer_username: str
    officer_role: str
    regency: str | None
    period: Period
    cooperatives: list[CooperativeLine]
    visits: list[VisitLine]
    moves_by_stage: dict[str, int]
    evaluation: DakEvaluation | None = None
    months: list[OfficerMonth] = field(default_factory=list)  # January to the period's end
    stage_counts: dict[str, int] = field(init=False)
    purpose_counts: dict[str, int] = field(init=False)

    def __post_init__(self):
        counts = Counter(c.stage for c in self.cooperatives)
        self.stage_counts = {s.value: counts.get(s.value, 0) for s in STAGE_ORDER}
        purposes = Counter(p for v in self.visits for p in v.purposes)
        self.purpose_counts = dict(sorted(purposes.items(), key=lambda kv: (-kv[1], kv[0])))

    @property
    def moves_total(self) -> int:
        return sum(self.moves_by_stage.values())

    @property
    def certificates_issued(self) -> int:
        return self.moves_by_stage.get(Stage.CERTIFIED.value, 0)

    @property
    def open_follow_ups(self) -> list[CooperativeLine]:
        """Follow-ups asked for by each cooperative's latest visit and not yet due or done."""
        return [c for c in self.cooperatives if c.next_follow_up is not None]

    @property
    def certificates_on_file(self) -> int:
        return sum(1 for c in self.cooperatives if c.certificate_on_file)

    @property
    def certified_cooperatives(self) -> int:
        return self.stage_counts[Stage.CERTIFIED.value]

    @property
    def visited_cooperatives(self) -> int:
        return len({v.cooperative_id for v in self.visits})

    @property
    def visits_with_location(self) -> int:
        return sum(1 for v in self.visits if v.located)

    @property
    def visits_flagged(self) -> int:
        """Visits whose position is far from the cooperative or too imprecise."""
        return sum(1 for v in self.visits if v.location_flag)


def overlapping(period: Period):
    return and_(
        Assignment.start_date <= period.end,
        or_(Assignment.end_date.is_(None), Assignment.end_date >= period.start),
    )


def assigned_ids(officer_id: int, period: Period):
    return select(Assignment.cooperative_id).where(
        Assignment.officer_id == officer_id, overlapping(period)
    )


def build_officer_report(
    session: Session,
    officer: User,
    period: Period,
    max_rows: int,
    rules: EvaluationRules,
    deadlines: DeadlineRules,
    limits: LocationLimits | None = None,
    today: date | None = None,
) -> OfficerReport:
    """Gather every figure of the report; refused when a table would exceed max_rows. A period
    that reaches `today` reads the latest visits from the stored facts."""
    cooperatives = load_cooperatives(session, officer.id, period, max_rows, deadlines, today)
    visits = load_visits(session, officer.id, period, max_rows, limits or LocationLimits())
    report = OfficerReport(
        officer_id=officer.id,
        officer_name=officer.full_name,
        officer_username=officer.username,
        officer_role=officer.role,
        regency=officer.regency.name if officer.regency else None,
        period=period,
        cooperatives=cooperatives,
        visits=visits,
        moves_by_stage=load_moves(session, officer.id, period),
        months=officer_months(session, officer.id, period.end),
    )
    if officer.role == Role.DAK:
        report.evaluation = evaluate_dak(report.visits, report.cooperatives, period, rules)
    return report


def load_cooperatives(
    session, officer_id, period, max_rows, deadlines, today=None
) -> list[CooperativeLine]:
    ids = assigned_ids(officer_id, period).scalar_subquery()
    as_of = StateAsOf.at(office_day_end(period.end), ids)
    rows = session.execute(
        as_of.join(
            select(
                Cooperative.id,
                Cooperative.name,
                Cooperative.district,
                as_of.stage.label("stage"),
                as_of.active.label("active"),
                certificate_kept(period.end).label("on_file"),
            )
        )
        .where(Cooperative.id.in_(ids))
        .order_by(Cooperative.name, Cooperative.id)
        .limit(max_rows + 1)
    ).all()
    if len(rows) > max_rows:
        raise ReportRefused("too_many_cooperatives", None, max_rows=max_rows)
    latest = latest_visits(session, ids, period.end, today)
    rats = rats_known_on(session, ids, period.end)
    return [
        CooperativeLine(
            id=row.id,
            name=row.name,
            district=row.district,
            stage=row.stage,
            last_visit=latest.get(row.id, (None, None))[0],
            next_follow_up=latest.get(row.id, (None, None))[1],
            flags=tuple(
                deadline_flags(bool(row.active), rats.get(row.id, ()), period.end, deadlines)
            ),
            certificate_on_file=row.stage == Stage.CERTIFIED and bool(row.on_file),
        )
        for row in rows
    ]


def certificate_kept(day: date):
    """Whether the row's cooperative has a certificate photo or scan kept with a move to
    certified recorded by the end of day (a column of the cooperatives query)."""
    return (
        select(CertificateDocument.id)
        .join(CooperativeHistory, CertificateDocument.history_id == CooperativeHistory.id)
        .where(
            CooperativeHistory.cooperative_id == Cooperative.id,
            CooperativeHistory.kind == HistoryKind.MOVE,
            CooperativeHistory.to_stage == Stage.CERTIFIED,
            CooperativeHistory.created_at < office_day_end(day),
        )
        .exists()
    )


def rats_known_on(session, cooperative_ids, day: date) -> dict[int, list[RatFacts]]:
    """The RAT records as they stood on day: held by then, report received by then or not."""
    found: dict[int, list[RatFacts]] = {}
    rows = session.execute(
        select(
            RatRecord.cooperative_id,
            RatRecord.fiscal_year,
            RatRecord.held_on,
            RatRecord.report_received_on,
        ).where(
            RatRecord.cooperative_id.in_(cooperative_ids),
            RatRecord.held_on <= day,
            # a record voided later still counted on day
            RAT_IN_FORCE | (RatRecord.voided_at >= office_day_end(day)),
        )
    )
    for row in rows:
        received = row.report_received_on
        if received is not None and received > day:
            received = None
        found.setdefault(row.cooperative_id, []).append(
            RatFacts(row.fiscal_year, row.held_on, received)
        )
    return found


def latest_visits(
    session, cooperative_ids, day: date, today: date | None = None
) -> dict[int, tuple[date, date | None]]:
    """Each cooperative's latest visit up to day (any officer): its date and follow-up date.
    Up to today or later, that is the stored latest visit (no visit is dated after today);
    for an earlier day, the same definition runs over the visits up to that day."""
    if today is not None and day >= today:
        latest = CooperativeFacts.__table__
        rows = session.execute(
            select(latest.c.cooperative_id, latest.c.last_visit_on, latest.c.follow_up_on).where(
                latest.c.cooperative_id.in_(cooperative_ids), latest.c.last_visit_on.is_not(None)
            )
        )
        return {r.cooperative_id: (r.last_visit_on, r.follow_up_on) for r in rows}
    latest = facts.latest_visits(up_to=day, within=lambda column: column.in_(cooperative_ids))
    rows = session.execute(select(latest))
    return {r.cooperative_id: (r.last_visit_on, r.follow_up_on) for r in rows}


def load_visits(session, officer_id, period, max_rows, limits: LocationLimits) -> list[VisitLine]:
    rows = session.execute(
        select(Visit, Cooperative.name, CooperativeLocation)
        .join(Cooperative, Cooperative.id == Visit.cooperative_id)
        .outerjoin(CooperativeLocation, CooperativeLocation.cooperative_id == Cooperative.id)
        .where(own_visits(officer_id), Visit.visited_on.between(period.start, period.end))
        .order_by(Visit.visited_on, Visit.id)
        .limit(max_rows + 1)
    ).all()
    if len(rows) > max_rows:
        raise ReportRefused("too_many_visits", None, max_rows=max_rows)
    return [
        VisitLine(
            visited_on=visit.visited_on,
            cooperative_id=visit.cooperative_id,
            cooperative=name,
            purposes=tuple(visit.purposes or ()),
            people_met=visit.people_met,
            outcome=visit.outcome,
            follow_up_on=visit.follow_up_on,
            follow_up_action=visit.follow_up_action,
            recorded_at=visit.created_at,
            located=visit_position(visit) is not None,
            location_flag=flag_value(visit, place, limits),
        )
        for visit, name, place in rows
    ]


def flag_value(visit, place: CooperativeLocation | None, limits: LocationLimits) -> str | None:
    position = Position(place.latitude, place.longitude) if place else None
    flag = location_flag(visit, position, limits)
    return flag.value if flag else None


def load_moves(session, officer_id, period) -> dict[str, int]:
    rows = session.execute(
        select(CooperativeHistory.to_stage, func.count())
        .where(
            own_moves(officer_id),
            CooperativeHistory.created_at >= office_day_start(period.start),
            CooperativeHistory.created_at < office_day_end(period.end),
        )
        .group_by(CooperativeHistory.to_stage)
    )
    found = dict(rows.all())
    return {s.value: found.get(s.value, 0) for s in STAGE_ORDER if s != Stage.NOT_STARTED}
