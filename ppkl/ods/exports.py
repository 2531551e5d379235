"""A run as an XLSX sheet (every line of every group), and the names refusals show."""

import io

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ppkl import audit
from ppkl.extensions import db
from ppkl.i18n import stage_label
from ppkl.models import OdsRun, OdsRunLine
from ppkl.ods.labels import GROUP_LABELS, MATCHED_BY, line_why, proposal_text
from ppkl.ods.queries import all_lines
from ppkl.ods.rules import Group
from ppkl.transfer.exports import localised
from ppkl.transfer.writers import Column, Sheet, write_xlsx

ODS_EXPORTED = audit.AuditAction("ods.exported", _l("ODS reconciliation exported"))
DATE_FORMAT = "yyyy-mm-dd"
RUN_COLUMNS = [
    Column("group", _l("Group"), 22),
    Column("why", _l("Why"), 60),
    Column("proposal", _l("Proposal"), 30),
    Column("applied", _l("Applied"), 12, DATE_FORMAT),
    Column("row", _l("Row in the extract"), 10, "0"),
    Column("ods_nik", _l("NIK in ODS"), 20),
    Column("ods_name", _l("Name in ODS"), 36),
    Column("ods_regency", _l("Regency in ODS"), 18),
    Column("ods_legal_entity_number", _l("Legal entity number in ODS"), 26),
    Column("ods_date", _l("Date in ODS"), 12),
    Column("nik_issued_on", _l("NIK issue date in ODS"), 12),
    Column("last_rat_year", _l("Last RAT in ODS"), 10, "0"),
    Column("ods_status", _l("ODS status"), 14),
    Column("matched_by", _l("Matched by"), 18),
    Column("cooperative_id", _l("ppkl id"), 10, "0"),
    Column("name", _l("Name in ppkl"), 36),
    Column("regency", _l("Regency in ppkl"), 18),
    Column("nik", _l("NIK in ppkl"), 20),
    Column("legal_entity_number", _l("Legal entity number in ppkl"), 26),
    Column("stage", _l("Stage in ppkl"), 22),
]


def export_row(line: OdsRunLine) -> tuple:
    data = line.data
    ods, ppkl = data.get("ods") or {}, data.get("ppkl") or {}
    return (
        str(GROUP_LABELS[Group(line.group_name)]),
        line_why(data),
        proposal_text(data),
        line.applied_at,
        line.row,
        ods.get("nik"),
        ods.get("name"),
        ods.get("regency"),
        ods.get("legal_entity_number"),
        ods.get("ods_date"),
        ods.get("nik_issued_on"),
        ods.get("last_rat_year"),
        ods.get("ods_status"),
        str(MATCHED_BY.get(data.get("matched_by"), "")),
        line.cooperative_id,
        ppkl.get("name"),
        ppkl.get("regency"),
        ppkl.get("nik"),
        ppkl.get("legal_entity_number"),
        stage_label(ppkl["stage"]) if ppkl.get("stage") else None,
    )


def export_run(session: Session, user, run: OdsRun) -> bytes:
    """Rows are read in batches, so a national run does not sit in memory as objects."""
    lines = session.scalars(all_lines(run.id).execution_options(yield_per=2000))
    rows = (export_row(line) for line in lines)
    out = io.BytesIO()
    write_xlsx(Sheet(f"ODS {run.id}", localised(RUN_COLUMNS), rows), out)
    content = out.getvalue()
    audit.record(ODS_EXPORTED, user=user, target=f"ods_run:{run.id}")
    return content


def line_names(run_id: int, line_ids: list[int]) -> dict[int, str]:
    """How a refusal names each line: the cooperative, or the extract's row and name."""
    if not line_ids:
        return {}
    rows = db.session.execute(
        select(OdsRunLine.id, OdsRunLine.row, OdsRunLine.data).where(
            OdsRunLine.run_id == run_id, OdsRunLine.id.in_(line_ids)
        )
    )
    return {line_id: line_name(row, data) for line_id, row, data in rows}


def line_name(row: int | None, data: dict) -> str:
    """The cooperative's name, or the extract's, with the row it came from."""
    name = (data.get("ppkl") or {}).get("name") or (data.get("ods") or {}).get("name") or ""
    return f"{name} (ODS {row})" if row else name
