"""Pickers: an officer or a cooperative chosen by typing part of a name, never from a select
of every one (a national installation has thousands).

A picker is a search field and a select of at most FALLBACK_LIMIT matches plus its fixed
choices ("All", "—", ...). Without JavaScript the field's Search button reloads the page with
the matches of what was typed (`<name>_q`); with it, `static/picker.js` asks the picker's JSON
endpoint as the user types. Either way the form submits the select's value and the view checks
it against the user's scope: the list offered is a convenience, never the validation.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from flask import jsonify, request

# Matches the JSON endpoints return as the user types.
PICKER_LIMIT = 20
# Matches listed in the select when the page is rendered (and without JavaScript).
FALLBACK_LIMIT = 50


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    detail: str = ""
    fixed: bool = False  # always offered, whatever was typed ("All", "Remove the PPKL", ...)


@dataclass
class Picker:
    """What the picker macro renders."""

    name: str  # the field the form submits
    label: str
    url: str  # the JSON endpoint
    choices: list[Choice]
    selected: str = ""
    q: str = ""
    more: bool = False  # more matches than listed
    search_form: str | None = None  # inside a POST form: the GET form the search belongs to
    prefix: str = ""  # prepended to the endpoint's ids (the assignment form's "user:")
    errors: Sequence[str] = field(default_factory=list)
    required: bool = False
    placeholder: str | None = None  # the text of the empty choice of a required picker
    key: str = ""  # names the search field and the element ids when two pickers share a name

    @property
    def ident(self) -> str:
        return self.key or self.name


def search_text(name: str) -> str:
    """What was typed in the picker's search field (the no-JavaScript reload)."""
    return request.args.get(f"{name}_q", "").strip()[:100]


def query_text() -> str:
    """The ?q= of a picker endpoint."""
    return request.args.get("q", "").strip()[:100]


def picker(
    name: str,
    label: str,
    url: str,
    *,
    matches: Iterable[Choice],
    selected: Choice | None = None,
    fixed: Iterable[Choice] = (),
    limit: int = FALLBACK_LIMIT,
    key: str = "",
    **options,
) -> Picker:
    """A picker offering the fixed choices, the selected one and the first `limit` matches
    (`matches` may hold one more, which only says that more exist)."""
    found = list(matches)
    more = len(found) > limit
    listed = [Choice(c.value, c.label, c.detail, fixed=True) for c in fixed]
    seen = {c.value for c in listed}
    for choice in ([selected] if selected else []) + found[:limit]:
        if choice.value not in seen:
            listed.append(choice)
            seen.add(choice.value)
    return Picker(
        name,
        label,
        url,
        listed,
        selected=selected.value if selected else "",
        more=more,
        q=search_text(key or name),
        key=key,
        **options,
    )


def matches_response(found: Sequence[Choice], limit: int = PICKER_LIMIT):
    """The JSON a picker endpoint answers: the first `limit` matches, and whether more exist."""
    items = [{"value": c.value, "label": c.label, "detail": c.detail} for c in found[:limit]]
    return jsonify(items=items, more=len(found) > limit)


# A select longer than this becomes a picker (a national list of regencies, say).
SELECT_LIMIT = 200


def as_choice(option) -> Choice:
    """A (value, label) pair, a WTForms SelectChoice, or an object with id and name."""
    if hasattr(option, "id") and hasattr(option, "name"):
        return Choice(str(option.id), str(option.name))
    if hasattr(option, "value") and hasattr(option, "label"):
        return Choice(str(option.value), str(option.label))
    return Choice(str(option[0]), str(option[1]))


def short_select(
    name: str, label: str, url: str | None, options, selected=None, **settings
) -> Picker | None:
    """None when the options fit in a select; otherwise a picker listing those whose label
    holds every word typed (filtered here: the options are already loaded). Options whose value
    is blank or 0 ("All", "Whole province") stay fixed choices."""
    every = [as_choice(o) for o in options]
    if len(every) <= SELECT_LIMIT or url is None:
        return None
    fixed = [c for c in every if c.value in ("", "0", "None")]
    rest = [c for c in every if c not in fixed]
    words = search_text(settings.get("key") or name).lower().split()
    matches = [c for c in rest if all(w in c.label.lower() for w in words)]
    chosen = next((c for c in rest if selected is not None and c.value == str(selected)), None)
    return picker(
        name,
        label,
        url,
        matches=matches[: FALLBACK_LIMIT + 1],
        selected=chosen,
        fixed=fixed,
        **settings,
    )
