"""Small helpers shared by the WTForms of every area."""

from collections.abc import Iterable

from wtforms.fields.choices import SelectChoice

from ppkl.extensions import db
from ppkl.models import Regency


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def regency_choices(blank: str | None = None) -> list[SelectChoice]:
    """Regencies by name for a select; `blank` adds a first choice with value 0."""
    from sqlalchemy import select

    rows = db.session.execute(select(Regency.id, Regency.name).order_by(Regency.name)).all()
    first = [(0, blank)] if blank is not None else []
    return choices(first + [(r.id, r.name) for r in rows])


def show_field_error(form, error, messages: dict, fallback: str | None = None) -> None:
    """Put a service's FieldError next to its field (or the fallback field)."""
    field = getattr(form, error.field, None) or getattr(form, fallback)
    field.errors = [*field.errors, str(messages[error.code])]
