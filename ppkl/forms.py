"""The base form and small helpers shared by the WTForms of every area."""

from collections.abc import Callable, Iterable, Mapping

import wtforms
from flask import request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto, _is_submitted  # the defaults FlaskForm itself uses
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.fields.choices import SelectChoice
from wtforms.validators import StopValidation

from ppkl.coverage import regency_scope
from ppkl.domain import DomainError, Problem
from ppkl.extensions import db
from ppkl.inputs import FIRST_YEAR, LAST_YEAR, date_in_range, db_int, strip_bidi
from ppkl.models import Province, Regency


class Form(FlaskForm):
    """Every form of the app. It reads the request's form fields, and files only for its file
    fields: a file sent where text is expected is not seen (the field is then empty), and a
    JSON body is never read (the body-type guard refuses it before the view anyway)."""

    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            """Every text field drops bidirectional controls (passwords keep what was typed)."""
            cls = unbound_field.field_class
            if issubclass(cls, wtforms.StringField) and not issubclass(cls, wtforms.PasswordField):
                filters = [*unbound_field.kwargs.get("filters", ()), strip_bidi]
                return unbound_field.bind(form=form, filters=filters, **options)
            return unbound_field.bind(form=form, **options)

        def wrap_formdata(self, form, formdata):
            if formdata is not _Auto:
                return formdata
            if not _is_submitted():
                return None
            # By the field's full name: a prefixed form's file arrives as "<prefix>-<name>".
            file_fields = {
                field.name
                for field in form._fields.values()
                if isinstance(field, wtforms.fields.FileField)
            }
            files = MultiDict(
                (name, value)
                for name, value in request.files.items(multi=True)
                if name in file_fields
            )
            if files:
                return CombinedMultiDict((files, request.form))
            return request.form or None


class IntegerField(wtforms.IntegerField):
    """An integer the database can store; a larger one is a field error, not a failed query.
    Checked in pre_validate, so that InputRequired does not replace the message."""

    def pre_validate(self, form):
        if self.data is not None:
            try:
                db_int(self.data)
            except ValueError as error:
                raise StopValidation(str(_l("Enter a smaller number."))) from error


class DateField(wtforms.DateField):
    """A date between FIRST_YEAR and LAST_YEAR: year 1 or 9999 is a typing mistake here."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(str(_l("Enter a date such as 2019-06-30."))) from error

    def pre_validate(self, form):
        if not date_in_range(self.data):
            message = _l("Enter a date between %(first)s and %(last)s.")
            raise StopValidation(str(message) % {"first": FIRST_YEAR, "last": LAST_YEAR})


def choices(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3 expects."""
    return [SelectChoice(value, label) for value, label in pairs]


def regency_choices(blank: str | None = None) -> list[SelectChoice]:
    """The regencies within the account's scope by name for a select; `blank` adds a first
    choice with value 0 (every regency, the whole province, or none, as the form means it)."""
    rows = db.session.execute(
        select(Regency.id, Regency.name).where(regency_scope(current_user)).order_by(Regency.name)
    ).all()
    first = [(0, blank)] if blank is not None else []
    return choices(first + [(r.id, r.name) for r in rows])


def province_choices(blank: str | None = None) -> list[SelectChoice]:
    """Provinces by name for a select (the admin's account form); `blank` is value 0."""
    rows = db.session.execute(select(Province.id, Province.name).order_by(Province.name)).all()
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
