"""Verbs on a cooperative's register details (name, place, legal entity...).

Stage and NIK change only through the certification workflow, never through this form.
"""

import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ppkl import audit
from ppkl.cooperatives.changes import check_version, flush_changed, mark_changed
from ppkl.cooperatives.facts import refresh_facts
from ppkl.domain import FieldError
from ppkl.extensions import db
from ppkl.models import Cooperative, CooperativeHistory, HistoryKind, User
from ppkl.recap_past import restate_regencies, store_month_ends
from ppkl.workflow import Stage

log = logging.getLogger(__name__)


COOPERATIVE_CREATED = audit.AuditAction("cooperative.created", _l("Cooperative created"))
COOPERATIVE_UPDATED = audit.AuditAction("cooperative.updated", _l("Cooperative updated"))


class DetailsError(FieldError):
    pass


@dataclass
class CooperativeDetails:
    name: str
    regency_id: int
    district: str | None = None
    address: str | None = None
    legal_entity_number: str | None = None
    sector: str | None = None
    members: int | None = None


def clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def check_legal_entity_number(number: str | None, own_id: int | None) -> None:
    if number is None:
        return
    taken = db.session.scalar(
        select(func.count(Cooperative.id)).where(
            Cooperative.legal_entity_number == number, Cooperative.id != (own_id or 0)
        )
    )
    if taken:
        raise DetailsError("legal_entity_number", "legal_entity_number_taken")


def apply_details(coop: Cooperative, details: CooperativeDetails) -> None:
    """Copy the allowed fields only (no mass assignment)."""
    coop.name = details.name.strip()
    coop.regency_id = details.regency_id
    coop.district = clean(details.district)
    coop.address = clean(details.address)
    coop.legal_entity_number = clean(details.legal_entity_number)
    coop.sector = clean(details.sector)
    coop.members = details.members


def create_cooperative(actor: User, details: CooperativeDetails) -> Cooperative:
    """Register a new cooperative; it starts active and not started."""
    check_legal_entity_number(clean(details.legal_entity_number), None)
    coop = Cooperative(active=True, stage=Stage.NOT_STARTED.value)
    apply_details(coop, details)
    db.session.add(coop)
    db.session.flush()
    db.session.add(
        CooperativeHistory(
            cooperative_id=coop.id,
            kind=HistoryKind.CREATED,
            to_stage=coop.stage,
            to_active=True,
            user_id=actor.id,
        )
    )
    refresh_facts(db.session, [coop.id])
    store_month_ends(db.session)
    audit.record(COOPERATIVE_CREATED, user=actor, target=f"cooperative:{coop.id}")
    return coop


def update_details(
    actor: User, coop: Cooperative, details: CooperativeDetails, expected_version: int
) -> None:
    """Change register details; refuses when the cooperative changed since the form opened."""
    check_version(coop, expected_version)
    check_legal_entity_number(clean(details.legal_entity_number), coop.id)
    regency_before = coop.regency_id
    apply_details(coop, details)
    mark_changed(coop, actor, COOPERATIVE_UPDATED)
    flush_changed(coop)
    if coop.regency_id != regency_before:
        restate_regencies(db.session, [regency_before, coop.regency_id])
    audit.record(COOPERATIVE_UPDATED, user=actor, target=f"cooperative:{coop.id}")
