"""Certification stages, the allowed moves and the evidence each move needs.

Plain Python (no Flask, no database): pages, CLI, imports and reports share it. The service
layer (`ppkl.certification.services`) adds what needs the database (NIK uniqueness, one RAT per
fiscal year) and records the move.

Moves go forward one step at a time, each with its evidence:
  not_started -> rat_held          RatEvidence (fiscal year, date held, attendance)
  rat_held -> report_received      ReportEvidence (date the office received the RAT report)
  report_received -> ods_entered   OdsEvidence (date of entry, who entered it)
  ods_entered -> certified         CertificateEvidence (NIK, issue date)
Backward moves are corrections (any earlier stage, supervisors only, with a written reason).
"""

import re
from dataclasses import asdict, dataclass
from datetime import date
from enum import StrEnum

from ppkl.domain import Problem


class Stage(StrEnum):
    NOT_STARTED = "not_started"
    RAT_HELD = "rat_held"
    REPORT_RECEIVED = "report_received"
    ODS_ENTERED = "ods_entered"
    CERTIFIED = "certified"


STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)

# Progres in the office's recap: past the RAT but not yet certified.
IN_PROGRESS_STAGES: frozenset[Stage] = frozenset(
    {Stage.RAT_HELD, Stage.REPORT_RECEIVED, Stage.ODS_ENTERED}
)

# Reasons and evidence longer than this are refused rather than cut.
NOTE_MAX = 2000
ODS_NAME_MAX = 120
NIK_MAX = 32  # the column's width
NAME_MAX = 200  # a cooperative's name: the column's width
MEMBERS_MAX = 1_000_000  # far above any cooperative; keeps numbers inside the database's range


def stage_index(stage: str) -> int:
    return STAGE_ORDER.index(Stage(stage))


def stage_for(stage: str | None, nik: str | None) -> Stage:
    """A cooperative that holds a NIK is certified, whatever else was said about it."""
    if nik:
        return Stage.CERTIFIED
    return Stage(stage) if stage else Stage.NOT_STARTED


def nik_matches(nik: str, pattern: str) -> bool:
    """A NIK is valid when the whole value matches the configured pattern (NIK_PATTERN)."""
    return re.fullmatch(pattern, nik) is not None


def next_stage(stage: str) -> Stage | None:
    """The one stage a forward move may reach, or None from `certified`."""
    index = stage_index(stage)
    return STAGE_ORDER[index + 1] if index + 1 < len(STAGE_ORDER) else None


def is_forward_move(from_stage: str, to_stage: str) -> bool:
    return next_stage(from_stage) == Stage(to_stage)


def is_backward_move(from_stage: str, to_stage: str) -> bool:
    return stage_index(to_stage) < stage_index(from_stage)


def correction_targets(stage: str) -> list[Stage]:
    """The earlier stages a supervisor may correct a cooperative back to."""
    return list(STAGE_ORDER[: stage_index(stage)])


# --- evidence -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RatEvidence:
    fiscal_year: int
    held_on: date
    members_present: int
    members_total: int


@dataclass(frozen=True)
class ReportEvidence:
    received_on: date


@dataclass(frozen=True)
class OdsEvidence:
    entered_on: date
    entered_by: str


@dataclass(frozen=True)
class CertificateEvidence:
    nik: str
    issued_on: date


Evidence = RatEvidence | ReportEvidence | OdsEvidence | CertificateEvidence

EVIDENCE_FOR: dict[Stage, type] = {
    Stage.RAT_HELD: RatEvidence,
    Stage.REPORT_RECEIVED: ReportEvidence,
    Stage.ODS_ENTERED: OdsEvidence,
    Stage.CERTIFIED: CertificateEvidence,
}


def evidence_json(evidence: Evidence) -> dict:
    """The evidence as stored in the history (dates as ISO strings)."""
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in asdict(evidence).items()}


@dataclass(frozen=True)
class EvidenceContext:
    """What the rules need to know besides the evidence itself."""

    today: date
    nik_pattern: str = r"\d{16}"
    rat_held_on: date | None = None  # the RAT of the current cycle (for the report date)
    report_received_on: date | None = None
    ods_entered_on: date | None = None
    fiscal_year_end: tuple[int, int] = (12, 31)  # (month, day) the fiscal year ends


def fiscal_year_ends_on(fiscal_year: int, year_end: tuple[int, int] = (12, 31)) -> date:
    return date(fiscal_year, *year_end)


def check_evidence(to_stage: str, evidence: Evidence, ctx: EvidenceContext) -> list[Problem]:
    """Every reason the evidence cannot support a move to `to_stage` (empty when it can)."""
    expected = EVIDENCE_FOR.get(Stage(to_stage))
    if expected is None or not isinstance(evidence, expected):
        return [Problem("evidence", "wrong_evidence")]
    checker = _CHECKS[type(evidence)]
    return checker(evidence, ctx)


def _date_problems(name: str, value: date, ctx: EvidenceContext, not_before, code: str):
    if value > ctx.today:
        return [Problem(name, "in_future")]
    if not_before is not None and value < not_before:
        return [Problem(name, code, {"date": not_before})]
    return []


def _check_rat(ev: RatEvidence, ctx: EvidenceContext) -> list[Problem]:
    problems = []
    if not 1900 <= ev.fiscal_year <= ctx.today.year:
        problems.append(Problem("fiscal_year", "fiscal_year_out_of_range"))
    else:
        year_end = fiscal_year_ends_on(ev.fiscal_year, ctx.fiscal_year_end)
        if ev.held_on > ctx.today:
            problems.append(Problem("held_on", "in_future"))
        elif ev.held_on <= year_end:
            problems.append(Problem("held_on", "before_fiscal_year_end", {"date": year_end}))
    if ev.members_total < 1:
        problems.append(Problem("members_total", "members_total_positive"))
    elif ev.members_total > MEMBERS_MAX:
        problems.append(Problem("members_total", "too_many"))
    if ev.members_present < 0:
        problems.append(Problem("members_present", "not_negative"))
    elif ev.members_present > ev.members_total:
        problems.append(Problem("members_present", "more_than_total"))
    return problems


def _check_report(ev: ReportEvidence, ctx: EvidenceContext) -> list[Problem]:
    return _date_problems("received_on", ev.received_on, ctx, ctx.rat_held_on, "before_rat")


def _check_ods(ev: OdsEvidence, ctx: EvidenceContext) -> list[Problem]:
    problems = _date_problems(
        "entered_on", ev.entered_on, ctx, ctx.report_received_on, "before_report"
    )
    name = ev.entered_by.strip()
    if not name:
        problems.append(Problem("entered_by", "required"))
    elif len(name) > ODS_NAME_MAX:
        problems.append(Problem("entered_by", "too_long"))
    return problems


def _check_certificate(ev: CertificateEvidence, ctx: EvidenceContext) -> list[Problem]:
    problems = []
    if len(ev.nik) > NIK_MAX:
        problems.append(Problem("nik", "too_long"))
    elif not nik_matches(ev.nik, ctx.nik_pattern):
        problems.append(Problem("nik", "nik_pattern", {"pattern": ctx.nik_pattern}))
    problems += _date_problems("issued_on", ev.issued_on, ctx, ctx.ods_entered_on, "before_ods")
    return problems


_CHECKS = {
    RatEvidence: _check_rat,
    ReportEvidence: _check_report,
    OdsEvidence: _check_ods,
    CertificateEvidence: _check_certificate,
}


def evidence_warnings(evidence: Evidence) -> list[Problem]:
    """Things worth telling the user that do not stop the move."""
    if isinstance(evidence, RatEvidence) and evidence.members_present * 2 < evidence.members_total:
        return [Problem("members_present", "low_attendance")]
    return []


def check_note(note: str | None, *, required: bool) -> list[Problem]:
    text = (note or "").strip()
    if required and not text:
        return [Problem("note", "reason_required")]
    if len(text) > NOTE_MAX:
        return [Problem("note", "too_long")]
    return []
