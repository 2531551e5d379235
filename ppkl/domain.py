"""Domain errors: what services raise when they refuse a change, as data a view can show.

Every refusal is a DomainError carrying Problems (a form field, a message code and its
parameters); a view puts them on its form with `ppkl.forms.show_refusal`. StaleEdit is the one
error for "changed since the page was loaded", in every area. No Flask in here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Problem:
    """One reason a change is refused: the form field it belongs to and a message code."""

    field: str
    code: str
    params: dict = field(default_factory=dict, compare=False)


class DomainError(Exception):
    """A refused change, with the problems that refused it."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        super().__init__(", ".join(f"{p.field}: {p.code}" for p in self.problems))


class FieldError(DomainError):
    """A refusal with one problem: `field` names the form field, `code` the reason."""

    def __init__(self, field: str, code: str, **params):
        super().__init__([Problem(field, code, params)])

    @property
    def field(self) -> str:
        return self.problems[0].field

    @property
    def code(self) -> str:
        return self.problems[0].code


def utc_iso(moment: datetime | None) -> str | None:
    """A stored naive-UTC timestamp as ISO 8601 with its zone ("...Z")."""
    if moment is None:
        return None
    return moment.isoformat() + "Z" if moment.tzinfo is None else moment.isoformat()


@dataclass(frozen=True)
class CurrentState:
    """A cooperative as it is now: what a refused stale change is shown, on a page or as JSON."""

    cooperative_id: int
    stage: str
    version: int
    active: bool
    changed_by: str | None  # the full name of who made the latest change (None: unknown)
    changed_at: datetime | None
    change: str | None  # which change it was: an audit action code such as "cooperative.moved"

    def as_json(self) -> dict:
        return {
            "stage": self.stage,
            "version": self.version,
            "active": self.active,
            "changed_by": self.changed_by,
            "changed_at": utc_iso(self.changed_at),
            "change": self.change,
        }


class StaleEdit(DomainError):
    """The cooperative changed after the page (or API client) read it: nothing was saved.

    Services raise it with the cooperative's id only, since after a failed flush the session
    can no longer load anything; the caller rolls back, then fills `current` (see
    ppkl.cooperatives.changes.explain_stale) and shows `payload()` or a page built from it.
    """

    code = "stale"

    def __init__(self, cooperative_id: int, current: CurrentState | None = None):
        super().__init__([Problem("version", "changed_meanwhile")])
        self.cooperative_id = cooperative_id
        self.current = current

    def payload(self) -> dict:
        """The JSON body of a 409: `{"code": "stale", "current": {stage, version, ...}}`."""
        return {"code": self.code, "current": self.current.as_json() if self.current else None}
