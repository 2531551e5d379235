"""The 409 notice of a stage move refused as stale, shared by the move page and the visit form."""

from ppkl.certification.labels import evidence_items
from ppkl.certification.services import latest_move_evidence
from ppkl.cooperatives.stale import StaleNotice, stale_notice
from ppkl.domain import StaleEdit
from ppkl.workflow import Stage, next_stage


def move_stale(error: StaleEdit, form, to_stage: Stage) -> StaleNotice:
    """Apply again while the cooperative is still one stage before; when someone else made
    this very move, show their evidence beside what the user typed."""
    notice = stale_notice(error, form, lambda now: now.active and next_stage(now.stage) == to_stage)
    if notice.current.stage == to_stage:
        notice.theirs = evidence_items(latest_move_evidence(error.cooperative_id, to_stage))
    return notice
