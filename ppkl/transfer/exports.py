"""Export the lists as sheets: cooperatives (importable again), visits and the recap.

The rows come from the lists' own query builders (cooperatives_for, the recap module), so an
export holds exactly what the list shows the same user with the same filters.
"""

import logging
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.cooperatives.queries import CooperativeFilter, apply_filter, sort_order
from ppkl.coverage import recap_scope
from ppkl.i18n import purpose_label, stage_label
from ppkl.models import Cooperative, Regency, Visit
from ppkl.permissions import cooperative_scope
from ppkl.progress.pace import YearProgress
from ppkl.progress.series import area_progress
from ppkl.recap_past import recap_of
from ppkl.tasks.worklist import Facts, Thresholds, conditions
from ppkl.transfer.writers import Column, Sheet, write
from ppkl.visits.queries import visit_list
from ppkl.workflow import Stage

log = logging.getLogger(__name__)


# By export kind (the file name's middle part).
EXPORTED = {
    "cooperatives": audit.AuditAction("cooperatives.exported", _l("Cooperatives exported")),
    "visits": audit.AuditAction("visits.exported", _l("Visits exported")),
    "recap": audit.AuditAction("recap.exported", _l("Recap exported")),
    "progress": audit.AuditAction("progress.exported", _l("Progress over the year exported")),
}

DATE_FORMAT = "yyyy-mm-dd"
COOPERATIVE_COLUMNS = [
    Column("name", _l("Cooperative name"), 40),
    Column("regency", _l("Regency"), 18),
    Column("district", _l("District"), 20),
    Column("address", _l("Address"), 35),
    Column("legal_entity_number", _l("Legal entity number"), 26),
    Column("nik", "NIK", 20),
    Column("sector", _l("Sector"), 18),
    Column("members", _l("Members"), 10, "0"),
    Column("active", _l("Status"), 12),
    Column("stage", _l("Stage"), 22),
]
VISIT_COLUMNS = [
    Column("visited_on", _l("Visit date"), 12, DATE_FORMAT),
    Column("officer", _l("Officer"), 22),
    Column("cooperative", _l("Cooperative name"), 40),
    Column("regency", _l("Regency"), 18),
    Column("purposes", _l("Purposes"), 30),
    Column("people_met", _l("People met"), 25),
    Column("outcome", _l("Outcome"), 35),
    Column("follow_up_on", _l("Follow-up date"), 14, DATE_FORMAT),
    Column("follow_up_action", _l("Follow-up action"), 30),
    Column("notes", _l("Notes"), 40),
]
RECAP_COLUMNS = [
    Column("regency", _l("Regency"), 18),
    Column("active", _l("Active"), 10, "#,##0"),
    Column("inactive", _l("Inactive"), 12, "#,##0"),
    Column("total", _l("Total"), 10, "#,##0"),
    Column("certified", _l("Certified with NIK"), 18, "#,##0"),
    Column("in_progress", _l("In progress"), 12, "#,##0"),
    Column("percentage", _l("Percentage"), 12, "0.00"),
]
PROGRESS_COLUMNS = [
    Column("area", _l("Area"), 22),
    Column("month_end", _l("Month end"), 12, DATE_FORMAT),
    Column("certified", _l("Certified"), 12, "#,##0"),
    Column("target", _l("Target"), 10, "#,##0"),
    Column("target_pace", _l("Target pace"), 12, "#,##0.0"),
    Column("projection", _l("Projection"), 12, "#,##0.0"),
]
KINDS = ("cooperatives", "visits", "recap", "progress")


# Rows fetched from the database at a time: with a server-side cursor on PostgreSQL an export
# holds this many rows in memory, whatever the size of the list.
BATCH_ROWS = 2_000


@dataclass(frozen=True)
class Export:
    """What was written into the caller's file."""

    filename: str
    fmt: str
    rows: int


class CliActor:
    """The command line acts with an administrator's view of the data."""

    id = None
    username = "cli"
    role = "admin"
    regency_id = None
    province_id = None
    active = True
    is_authenticated = True


def localised(columns: list[Column]) -> list[Column]:
    """Evaluate the labels in the current language (the user's, or forced by the CLI)."""
    return [Column(c.key, str(c.label), c.width, c.number_format) for c in columns]


def cooperative_statement(user, flt: CooperativeFilter, t: Thresholds) -> Select:
    """The list's rows as plain columns: the list's scope, filters (flags included) and sort,
    from the list's own builders (ppkl.cooperatives.queries), so the export keeps up with them.
    Plain columns load 20,000 rows about three times faster than entities. The worklist facts
    are joined only when a flag filter or the last-visit sort needs them."""
    facts = Facts.build()
    stmt = (
        select(
            Cooperative.name,
            Regency.name,
            Cooperative.district,
            Cooperative.address,
            Cooperative.legal_entity_number,
            Cooperative.nik,
            Cooperative.sector,
            Cooperative.members,
            Cooperative.active,
            Cooperative.stage,
        )
        .select_from(Cooperative)
        .join(Regency, Regency.id == Cooperative.regency_id)
    )
    if flt.needs_facts:
        stmt = facts.join(stmt)
    stmt = apply_filter(stmt.where(cooperative_scope(user)), flt, conditions(facts, t))
    return stmt.order_by(*sort_order(flt, facts))


def streamed(session: Session, stmt):
    """The statement's rows read in batches (a server-side cursor where the database has one)."""
    return session.execute(stmt.execution_options(yield_per=BATCH_ROWS))


def cooperative_rows(session: Session, user, flt: CooperativeFilter, t: Thresholds, human: bool):
    """Import-ready rows; the XLSX (human) form writes status and stage as words."""
    if human:
        statuses = {True: str(_l("active")), False: str(_l("inactive"))}
        stages = {stage.value: stage_label(stage) for stage in Stage}
    else:
        statuses, stages = {True: "yes", False: "no"}, {stage.value: stage.value for stage in Stage}
    return (
        (*row[:8], statuses[row[8]], stages[row[9]])
        for row in streamed(session, cooperative_statement(user, flt, t))
    )


def visits_statement(user, officer_id: int | None, start: date | None, end: date | None):
    """The visits list's own query (ppkl.visits.queries: who sees which visits, newest first)
    for a period, with the regency; removed visits are never exported."""
    stmt = (
        visit_list(user, officer_id, include_removed=False)
        .join(Regency, Regency.id == Cooperative.regency_id)
        .add_columns(Regency.name.label("regency_name"))
    )
    if start:
        stmt = stmt.where(Visit.visited_on >= start)
    if end:
        stmt = stmt.where(Visit.visited_on <= end)
    return stmt


def visit_rows(session: Session, user, period: "VisitPeriod", human: bool):
    label = purpose_label if human else str
    return (
        (
            row.Visit.visited_on,
            row.officer_name,
            row.cooperative_name,
            row.regency_name,
            "; ".join(label(p) for p in row.Visit.purposes or []),
            row.Visit.people_met,
            row.Visit.outcome,
            row.Visit.follow_up_on,
            row.Visit.follow_up_action,
            row.Visit.notes,
        )
        for row in streamed(
            session, visits_statement(user, period.officer_id, period.start, period.end)
        )
    )


def recap_rows(session: Session, user, as_of: date | None = None, province_id=None):
    recap = recap_of(session, recap_scope(user, province_id), as_of)
    return [
        (r.regency, r.active, r.inactive, r.total, r.certified, r.in_progress, r.percentage)
        for r in (*recap.rows, recap.total)
    ]


def export_cooperatives(
    session: Session, user, flt: CooperativeFilter, t: Thresholds, fmt: str, out: BinaryIO
) -> Export:
    """The user's cooperative list with the list's filters, as CSV or XLSX; audited."""
    rows = cooperative_rows(session, user, flt, t, human=fmt == "xlsx")
    sheet = Sheet(str(_l("Cooperatives")), localised(COOPERATIVE_COLUMNS), rows)
    return finish(user, "cooperatives", sheet, fmt, out, t.today, filters=flt.as_args())


@dataclass(frozen=True)
class VisitPeriod:
    start: date | None = None
    end: date | None = None
    officer_id: int | None = None  # the visits list's officer filter (supervisors)


def export_visits(
    session: Session, user, period: VisitPeriod, fmt: str, out: BinaryIO, today: date
) -> Export:
    """Visits in a period as the visits list shows them (officers: their own); audited."""
    rows = visit_rows(session, user, period, human=fmt == "xlsx")
    sheet = Sheet(str(_l("Visits")), localised(VISIT_COLUMNS), rows)
    detail = {
        "from": period.start and period.start.isoformat(),
        "to": period.end and period.end.isoformat(),
        "officer": period.officer_id,
    }
    return finish(user, "visits", sheet, fmt, out, today, filters=detail)


def export_recap(
    session: Session,
    user,
    fmt: str,
    out: BinaryIO,
    today: date,
    as_of: date | None = None,
    province_id: int | None = None,
) -> Export:
    """The recap of the user's scope (the nation's by province, or one province's regencies)
    with its total, today's or as of a past day; audited."""
    rows = recap_rows(session, user, as_of, province_id)
    sheet = Sheet(str(_l("Recap")), localised(RECAP_COLUMNS), rows)
    day = as_of or today
    return finish(user, "recap", sheet, fmt, out, day, as_of=as_of and as_of.isoformat())


def progress_rows(areas: list[YearProgress]):
    """Twelve rows per area: the chart's numbers (ppkl.progress.pace.YearProgress.rows)."""
    return [
        (area.label, row.day, row.certified, area.target, row.pace, row.projected)
        for area in areas
        for row in area.rows()
    ]


def export_progress(
    session: Session,
    user,
    fmt: str,
    out: BinaryIO,
    today: date,
    as_of: date | None,
    province_id: int | None = None,
) -> Export:
    """The dashboard's progress charts' numbers (the user's province and each regency, or the
    nation, month by month, today's year or as of a past day); audited."""
    day = as_of or today
    areas = area_progress(session, day, today, recap_scope(user, province_id))
    sheet = Sheet(str(_l("Progress")), localised(PROGRESS_COLUMNS), progress_rows(areas))
    return finish(user, "progress", sheet, fmt, out, day, as_of=day.isoformat())


def finish(user, kind: str, sheet: Sheet, fmt: str, out: BinaryIO, today: date, **detail):
    """Write the sheet into `out` and record the export."""
    rows = write(sheet, fmt, out)
    filename = f"ppkl-{kind}-{today.isoformat()}.{fmt}"
    who = {"username": "cli"} if isinstance(user, CliActor) else {"user": user}
    audit.record(EXPORTED[kind], target=filename, rows=rows, **who, **detail)
    log.info("export %s: %s rows", filename, rows)
    return Export(filename, fmt, rows)
