"""Generated PDFs kept in the shared storage and served again while nothing they show has changed.

The key holds the officer, the period, the language, the settings the page prints, and a stamp
of the last change to the data the report reads (visits, moves, cooperatives, assignments,
certificate documents), so a change to a visit or a move makes the next request render afresh.
Old files of the same officer, period and language are removed when a new one is written.
"""

import hashlib
import json
import logging

from sqlalchemy import func, select, union

from ppkl.models import (
    Assignment,
    CertificateDocument,
    Cooperative,
    CooperativeHistory,
    CooperativeLocation,
    RatRecord,
    User,
    Visit,
)
from ppkl.reports.officer import assigned_ids
from ppkl.reports.periods import Period
from ppkl.storage.base import NotStored, Storage

log = logging.getLogger(__name__)

# Bump when the report's template or figures change, so old files are not served.
LAYOUT_VERSION = "4"


def data_stamp(session, officer_id: int, period: Period) -> str:
    """One query: the latest change to anything the officer's report reads."""
    ids = assigned_ids(officer_id, period).scalar_subquery()
    # "The officer's own rows or those of their cooperatives" as a UNION of two index-bound
    # selects: an OR of the two made PostgreSQL scan every visit and history row.
    visits = union(
        select(Visit.id, Visit.updated_at).where(Visit.officer_id == officer_id),
        select(Visit.id, Visit.updated_at).where(Visit.cooperative_id.in_(ids)),
    ).subquery()
    history = union(
        select(CooperativeHistory.id).where(CooperativeHistory.user_id == officer_id),
        select(CooperativeHistory.id).where(CooperativeHistory.cooperative_id.in_(ids)),
    ).subquery()
    coops = Cooperative.id.in_(ids)
    mine = Assignment.officer_id == officer_id
    parts = [
        select(func.max(visits.c.updated_at)),
        select(func.count()).select_from(visits),
        select(func.max(history.c.id)),
        select(func.max(Cooperative.updated_at)).where(coops),
        select(func.max(RatRecord.id)).where(RatRecord.cooperative_id.in_(ids)),
        select(func.max(CertificateDocument.id)).where(CertificateDocument.cooperative_id.in_(ids)),
        select(func.sum(Cooperative.version)).where(coops),
        select(func.max(Assignment.id)).where(mine),
        select(func.count(Assignment.end_date)).where(mine),
        select(func.max(Assignment.end_date)).where(mine),
        # A place recorded later changes the location flags of earlier visits.
        select(func.max(CooperativeLocation.set_at)).where(
            CooperativeLocation.cooperative_id.in_(
                select(Visit.cooperative_id).where(Visit.officer_id == officer_id)
            )
        ),
    ]
    row = session.execute(select(*(part.scalar_subquery() for part in parts))).one()
    return "|".join(str(v) for v in row)


def cache_key(officer: User, period: Period, language: str, stamp: str, settings: dict) -> str:
    material = json.dumps(
        [
            LAYOUT_VERSION,
            officer.id,
            officer.full_name,
            officer.role,
            officer.regency_id,
            period.slug(),
            language,
            stamp,
            settings,
        ],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(material.encode()).hexdigest()[:32]


class PdfCache:
    def __init__(self, storage: Storage):
        self.storage = storage

    def name(self, officer_id: int, period: Period, language: str, key: str) -> str:
        return f"officer-{officer_id}_{period.slug()}_{language}_{key}.pdf"

    def get(self, name: str) -> bytes | None:
        try:
            return self.storage.get(name)
        except NotStored:
            return None

    def put(self, name: str, pdf: bytes) -> None:
        """Store the PDF (atomically), then drop older files of the same report."""
        self.storage.put(name, pdf)
        prefix = name.rsplit("_", 1)[0] + "_"
        for old in list(self.storage.list(prefix)):
            if old.key != name:
                self.storage.delete(old.key)
