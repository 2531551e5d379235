"""The run list, a run's lines by group, and the certificate files the conflicts show."""

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from ppkl.coverage import made_within
from ppkl.extensions import db
from ppkl.models import CertificateDocument, OdsRun, OdsRunLine
from ppkl.ods.rules import Group


def runs(user) -> Select:
    """The runs made within the user's scope (another province's are not theirs to see)."""
    return (
        select(OdsRun)
        .options(joinedload(OdsRun.created_by))
        .where(made_within(OdsRun.created_by_id, user))
        .order_by(OdsRun.created_at.desc(), OdsRun.id.desc())
    )


def load_run(run_id: int, user) -> OdsRun | None:
    return db.session.scalar(
        select(OdsRun)
        .options(joinedload(OdsRun.created_by))
        .where(OdsRun.id == run_id, made_within(OdsRun.created_by_id, user))
    )


def lines_of(run_id: int, group: Group) -> Select:
    return (
        select(OdsRunLine)
        .where(OdsRunLine.run_id == run_id, OdsRunLine.group_name == group.value)
        .order_by(OdsRunLine.position)
    )


def all_lines(run_id: int) -> Select:
    return select(OdsRunLine).where(OdsRunLine.run_id == run_id).order_by(OdsRunLine.position)


def certificate_files(cooperative_ids: list[int]) -> dict[int, CertificateDocument]:
    """Each cooperative's latest certificate photo or scan, in one query."""
    if not cooperative_ids:
        return {}
    latest = (
        select(func.max(CertificateDocument.id))
        .where(CertificateDocument.cooperative_id.in_(cooperative_ids))
        .group_by(CertificateDocument.cooperative_id)
    )
    rows = db.session.scalars(select(CertificateDocument).where(CertificateDocument.id.in_(latest)))
    return {doc.cooperative_id: doc for doc in rows}
