"""Reconcile an ODS extract (read, match, keep the run) and apply the proposals a supervisor ticks.

Applying goes through the workflow's own verbs (advance_stage, create_cooperative): each move
has its history row, audit event and version check, and the evidence names the run. All ticked
proposals are applied or none: any refusal raises ApplyRefused and the caller rolls back.
"""

import logging
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.certification.services import (
    MoveRefused,
    MoveSettings,
    advance_stage,
    move_problems,
    nik_holder_problems,
)
from ppkl.clock import utcnow
from ppkl.cooperatives.services import CooperativeDetails, DetailsError, create_cooperative
from ppkl.coverage import NATION, regency_scope
from ppkl.domain import DomainError, Problem, StaleEdit
from ppkl.extensions import db
from ppkl.models import Cooperative, OdsRun, OdsRunLine, Regency, User
from ppkl.ods.rows import Extract, read_extract
from ppkl.ods.rules import Context, Known, Reconciliation, reconcile
from ppkl.permissions import cooperative_scope
from ppkl.transfer.bulk import insert_rows
from ppkl.transfer.tabular import Limits, open_table
from ppkl.workflow import (
    CertificateEvidence,
    EvidenceContext,
    OdsEvidence,
    Stage,
    check_evidence,
)

log = logging.getLogger(__name__)

ODS_RECONCILED = audit.AuditAction("ods.reconciled", _l("ODS extract reconciled"))
ODS_APPLIED = audit.AuditAction("ods.applied", _l("ODS reconciliation applied"))

# Lines written per statement: a national run's JSON is built a batch at a time.
LINE_BATCH = 5000
KNOWN_COLUMNS = [
    Cooperative.id,
    Cooperative.version,
    Cooperative.name,
    Cooperative.regency_id,
    Cooperative.legal_entity_number,
    Cooperative.nik,
    Cooperative.stage,
    Cooperative.active,
    Cooperative.district,
]


@dataclass(frozen=True)
class OdsOptions:
    nik_pattern: str
    extract_date: date
    limits: Limits = Limits()


def ods_options(config, extract_date: date, command_line: bool = False) -> OdsOptions:
    """The import's limits (the web's, or the command line's for a national extract) and the
    NIK pattern, from the app's settings."""
    prefix = "IMPORT_CLI" if command_line else "IMPORT"
    limits = Limits(
        max_bytes=config[f"{prefix}_MAX_BYTES"],
        max_rows=config[f"{prefix}_MAX_ROWS"],
        max_unpacked_bytes=config["IMPORT_MAX_UNPACKED_BYTES"],
        max_shared_strings_bytes=config["IMPORT_MAX_SHARED_STRINGS_BYTES"],
    )
    return OdsOptions(config["NIK_PATTERN"], extract_date, limits)


@dataclass
class Outcome:
    """What a file gave: its rows (or their problems) and, when readable, the reconciliation."""

    filename: str
    extract: Extract
    result: Reconciliation | None

    @property
    def ok(self) -> bool:
        return self.result is not None


def load_known(session: Session, actor: User | None) -> list[Known]:
    """The cooperatives the user may reconcile (their scope; the whole register for the CLI
    without --as), in one query."""
    scope = cooperative_scope(actor) if actor is not None else true()
    return [Known(*row) for row in session.execute(select(*KNOWN_COLUMNS).where(scope))]


def reconcile_file(
    session: Session, actor: User | None, filename: str, data: bytes, options: OdsOptions
) -> Outcome:
    """Read and reconcile a file; writes nothing. FileRefused for an unreadable file."""
    # Rows are parsed as they are read: the file is never held as a table of text as well.
    extract = read_extract(open_table(filename, data, options.limits), options.nik_pattern)
    if not extract.ok:
        return Outcome(filename, extract, None)
    context = Context(
        # Another province's regencies are unknown names to this province's reconciliation.
        regencies={
            rid: name
            for rid, name in session.execute(
                select(Regency.id, Regency.name).where(regency_scope(actor or NATION))
            )
        },
        known=load_known(session, actor),
        extract_date=options.extract_date,
        columns=extract.columns,
    )
    return Outcome(filename, extract, reconcile(extract.rows, context))


def save_run(session: Session, actor: User | None, outcome: Outcome, extract_date: date) -> OdsRun:
    """Keep the run and its lines (one bulk insert); flushes, never commits."""
    result = outcome.result
    counts = result.counts()
    run = OdsRun(
        created_by_id=getattr(actor, "id", None),
        filename=outcome.filename[:255],
        extract_date=extract_date,
        rows=len(outcome.extract.rows),
        counts=counts,
        regency_ids=result.covered_regencies,
        proposals=result.proposals,
        applied=0,
    )
    session.add(run)
    session.flush()
    for start in range(0, len(result.lines), LINE_BATCH):
        batch = result.lines[start : start + LINE_BATCH]
        rows = [
            {
                "run_id": run.id,
                "position": position,
                "group_name": line.group.value,
                "row": line.row,
                "cooperative_id": line.cooperative_id,
                "data": line.as_json(),
                "applied_at": None,
                "result_cooperative_id": None,
            }
            for position, line in enumerate(batch, start=start + 1)
        ]
        insert_rows(session, OdsRunLine.__table__, rows)
    who = {"user": actor} if actor is not None else {"username": "cli"}
    audit.record(ODS_RECONCILED, target=f"ods_run:{run.id}", **who, file=run.filename, **counts)
    log.info("ods run %s of %s: %s", run.id, run.filename, counts)
    return run


# --- applying -------------------------------------------------------------------------------


class ApplyRefused(DomainError):
    """Nothing applied: the problems of each refused line (by line id)."""

    def __init__(self, refusals: dict[int, list[Problem]], problems: list[Problem] | None = None):
        super().__init__(problems or [])
        self.refusals = refusals


@dataclass
class Applied:
    moved: int = 0
    created: int = 0

    @property
    def total(self) -> int:
        return self.moved + self.created


def step_evidence(step: dict, run: OdsRun):
    if step["to"] == Stage.CERTIFIED:
        return CertificateEvidence(step["nik"], date.fromisoformat(step["issued_on"]))
    return OdsEvidence(date.fromisoformat(step["entered_on"]), evidence_source(run))


def evidence_source(run: OdsRun) -> str:
    """Who entered the data in ODS is not in the extract: the evidence names the extract."""
    return f"Ekstrak ODS {run.extract_date.isoformat()}"


def run_note(run: OdsRun, line: OdsRunLine) -> str:
    return f"{evidence_source(run)} ({run.filename}, baris {line.row}), rekonsiliasi ODS #{run.id}"


def chosen_lines(run: OdsRun, line_ids) -> list[OdsRunLine]:
    return list(
        db.session.scalars(
            select(OdsRunLine)
            .where(OdsRunLine.run_id == run.id, OdsRunLine.id.in_(sorted(line_ids)))
            .order_by(OdsRunLine.position)
        )
    )


def apply_run(
    actor: User,
    run: OdsRun,
    line_ids,
    today: date,
    settings: MoveSettings | None = None,
) -> Applied:
    """Apply the ticked proposals of a run: every one, or (ApplyRefused) none."""
    settings = settings or MoveSettings.from_app()
    lines = chosen_lines(run, set(line_ids))
    if not lines:
        raise ApplyRefused({}, [Problem("lines", "none_selected")])
    ids = {line.cooperative_id for line in lines if line.cooperative_id}
    coops = {
        c.id: c
        for c in db.session.scalars(
            select(Cooperative).where(Cooperative.id.in_(ids), cooperative_scope(actor))
        )
    }
    refusals = {}
    for line in lines:
        problems = line_problems(actor, run, line, coops.get(line.cooperative_id), today, settings)
        if problems:
            refusals[line.id] = problems
    if refusals:
        raise ApplyRefused(refusals)
    applied, now = Applied(), utcnow()
    for line in lines:
        try:
            if line.data["proposal"]["kind"] == "move":
                apply_moves(actor, run, line, coops[line.cooperative_id], today, settings)
                applied.moved += 1
            else:
                line.result_cooperative_id = create_from_line(actor, line).id
                applied.created += 1
        except StaleEdit as error:
            raise ApplyRefused({line.id: [Problem("stage", "changed_meanwhile")]}) from error
        except (MoveRefused, DetailsError) as error:
            raise ApplyRefused({line.id: list(error.problems)}) from error
        line.applied_at = now
    run.applied += applied.total
    run.applied_at, run.applied_by_id = now, actor.id
    db.session.flush()
    audit.record(
        ODS_APPLIED,
        user=actor,
        target=f"ods_run:{run.id}",
        moved=applied.moved,
        created=applied.created,
    )
    return applied


def line_problems(actor, run, line, coop, today, settings) -> list[Problem]:
    """Why a ticked line cannot be applied (empty when it can), checked before any change."""
    proposal = line.data.get("proposal")
    if not proposal:
        return [Problem("line", "not_proposed")]
    if line.applied_at is not None:
        return [Problem("line", "already_applied")]
    if proposal["kind"] == "create":
        return create_problems(line)
    if coop is None:
        return [Problem("stage", "not_allowed")]
    if coop.version != proposal["version"]:
        return [Problem("stage", "changed_meanwhile")]
    steps = proposal["steps"]
    first = step_evidence(steps[0], run)
    problems = move_problems(actor, coop, steps[0]["to"], first, today, settings)
    if problems or len(steps) == 1:
        return problems
    # The certificate after the ODS entry proposed with it: checked against that entry.
    second = step_evidence(steps[1], run)
    context = EvidenceContext(
        today=today, nik_pattern=settings.nik_pattern, ods_entered_on=first.entered_on
    )
    problems = check_evidence(steps[1]["to"], second, context)
    if not problems:
        problems = nik_holder_problems(actor, coop, second.nik)
    return problems


def apply_moves(actor, run, line, coop, today, settings) -> None:
    proposal = line.data["proposal"]
    expected = proposal["version"]
    for step in proposal["steps"]:
        entry = advance_stage(
            actor,
            coop,
            step["to"],
            step_evidence(step, run),
            run_note(run, line),
            expected,
            today,
            settings,
        )
        entry.evidence = {**(entry.evidence or {}), "ods_run": run.id, "ods_row": line.row}
        expected = None  # the next step follows this one's own version bump


def create_problems(line: OdsRunLine) -> list[Problem]:
    ods = line.data["ods"]
    if ods.get("legal_entity_number"):
        taken = db.session.scalar(
            select(Cooperative.id).where(
                Cooperative.legal_entity_number == ods["legal_entity_number"]
            )
        )
        if taken is not None:
            return [Problem("legal_entity_number", "legal_entity_number_taken")]
    if db.session.get(Regency, line.data["proposal"]["regency_id"]) is None:
        return [Problem("regency", "unknown_regency")]
    return []


def create_from_line(actor: User, line: OdsRunLine) -> Cooperative:
    """Register the cooperative an "only in ODS" row names; it starts not started (the
    extract holds no RAT evidence), and its ODS entry and NIK are recorded by the next steps."""
    ods = line.data["ods"]
    details = CooperativeDetails(
        name=ods["name"],
        regency_id=line.data["proposal"]["regency_id"],
        district=ods.get("district"),
        legal_entity_number=ods.get("legal_entity_number"),
    )
    coop = create_cooperative(actor, details)
    db.session.flush()
    return coop
