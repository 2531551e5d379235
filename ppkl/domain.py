"""Domain errors: what services raise when they refuse a change, as data a view can show.

Every refusal is a DomainError carrying Problems (a form field, a message code and its
parameters); a view puts them on its form with `ppkl.forms.show_refusal`. StaleEdit is the one
error for "changed since the page was loaded", in every area. No Flask in here.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field


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


class StaleEdit(DomainError):
    """The record changed since the form was loaded (another user, or another tab)."""

    def __init__(self, record_id: int | None = None):
        super().__init__([Problem("version", "changed_meanwhile")])
        self.record_id = record_id
