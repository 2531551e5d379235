"""Certification stages of a cooperative. Plain Python: pages, CLI, imports and reports share it."""

import re
from enum import StrEnum


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
