"""Small helpers shared by the WTForms of every area."""

from collections.abc import Callable, Iterable, Mapping

from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from ppkl.domain import DomainError, Problem
from ppkl.extensions import db
from ppkl.models import Regency


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def regency_choices(blank: str | None = None) -> list[SelectChoice]:
    """Regencies by name for a select; `blank` adds a first choice with value 0 (every regency,
    the whole province, or none, as the form means it)."""
    rows = db.session.execute(select(Regency.id, Regency.name).order_by(Regency.name)).all()
    first = [(0, blank)] if blank is not None else []
    return choices(first + [(r.id, r.name) for r in rows])


def problem_text(problem: Problem, messages: Mapping[str, object]) -> str:
    """The translated message of a problem, with its parameters (dates in ISO form)."""
    text = str(messages[problem.code])
    if not problem.params:
        return text
    params = {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in problem.params.items()}
    return text % params


def message_function(
    message: Mapping[str, object] | Callable[[Problem], str],
) -> Callable[[Problem], str]:
    return message if callable(message) else (lambda problem: problem_text(problem, message))


def refusal_texts(
    error: DomainError, message: Mapping[str, object] | Callable[[Problem], str]
) -> list[str]:
    """A refusal as messages for a flash, after discarding the request's unsaved changes."""
    db.session.rollback()
    return [message_function(message)(problem) for problem in error.problems]


def show_refusal(
    form,
    error: DomainError,
    message: Mapping[str, object] | Callable[[Problem], str],
    *,
    general_fields: Iterable[str] = (),
    fallback: str | None = None,
) -> list[str]:
    """Turn a service's refusal into form errors: the one place every view does this.

    The request's unsaved changes are discarded first, so the page shows what is stored. Each
    problem goes next to its field (or the fallback field); the messages of problems that have
    no field on this form, or belong to `general_fields`, are returned for the top of the page.
    """
    db.session.rollback()
    text = message_function(message)
    general_fields = set(general_fields)
    general = []
    for problem in error.problems:
        name = fallback if getattr(form, problem.field, None) is None else problem.field
        target = getattr(form, name, None) if name else None
        if target is None or problem.field in general_fields:
            general.append(text(problem))
        else:
            target.errors = [*target.errors, text(problem)]
    return general


def whole_number(value: str | None) -> int | None:
    """A posted id or version; junk (letters, superscripts, huge numbers) is ignored."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


def row_versions(form_data, ids: Iterable[int]) -> dict[int, int]:
    """The version each listed row showed (hidden `version-<id>` inputs), for the chosen ids."""
    versions = {}
    for cid in ids:
        version = whole_number(form_data.get(f"version-{cid}"))
        if version is not None:
            versions[cid] = version
    return versions
