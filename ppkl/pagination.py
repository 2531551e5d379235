"""Paging of every list page: one Page shape for the pager macro, built one way.

Every list runs two queries a page whatever its length: a count, capped at COUNT_CAP (a count
of a million rows costs more than the page it labels, and nobody pages that far), then the
rows. Pages up to KEYSET_FROM are read with OFFSET; from there on, Next and Previous carry a
cursor (the id of the last or first row shown) and read the following rows by key, for lists
whose order a cursor can continue (`Keyset`). Numbered links and the jump field always use
OFFSET (docs/lists.md).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session, aliased

from ppkl.inputs import db_int

# Beyond this a page number is not a real request; it would only make a huge OFFSET.
MAX_PAGE = 100_000
# Lists count their rows up to this many and then say "more than 10,000" (LIST_COUNT_CAP).
COUNT_CAP = 10_000
# Next and Previous from this page on follow a keyset cursor (where the list allows one).
KEYSET_FROM = 10
# The numbered links shown on each side of the current page.
WINDOW = 2
PAGING_ARGS = ("page", "after", "before")


@dataclass
class Page:
    """What the pager macro needs: the rows of one page and the total they come from.

    `total` is exact when `exact` is true; otherwise the list holds more than `total` rows and
    the number of pages is unknown (None)."""

    items: list
    page: int
    per_page: int
    total: int
    exact: bool = True
    more: bool | None = None  # a row follows this page (known when one extra row was read)
    keyset: bool = False  # Next and Previous may carry a cursor
    note: str | None = None  # why the page shown is not the one asked for
    pages: int | None = field(init=False)

    def __post_init__(self):
        if self.exact:
            self.pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 0
        else:
            self.pages = None

    has_prev = property(lambda self: self.page > 1)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)

    @property
    def has_next(self) -> bool:
        if self.more is not None:
            return self.more
        return self.pages is None or self.page < self.pages

    @property
    def multiple(self) -> bool:
        """Worth a pager: more than one page, or a page other than the first."""
        return self.page > 1 or self.has_next

    def numbers(self) -> list[int | None]:
        """The numbered links: the first, a window around the current page and the last
        (when known); None stands for a gap."""
        last = self.pages if self.pages is not None else self.page + (1 if self.has_next else 0)
        wanted = {1, last, *range(self.page - WINDOW, self.page + WINDOW + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= last)
        out: list[int | None] = []
        for n in shown:
            if out and n - out[-1] > 1:
                out.append(None)
            out.append(n)
        return out

    def next_cursor(self) -> dict:
        """Arguments of the Next link: a cursor past the last row, from deep pages on."""
        if self.keyset and self.page >= KEYSET_FROM and self.items:
            return {"after": row_id(self.items[-1])}
        return {}

    def prev_cursor(self) -> dict:
        if self.keyset and self.page - 1 > KEYSET_FROM and self.items:
            return {"before": row_id(self.items[0])}
        return {}


def row_id(row) -> int:
    """The id of a page's row: an entity, or a row whose first column is the entity."""
    found = getattr(row, "id", None)
    return found if found is not None else row[0].id


@dataclass(frozen=True)
class Keyset:
    """An order a cursor can continue: the model's columns by name, all ascending or all
    descending, ending with its unique id (for example name then id)."""

    model: type
    names: tuple[str, ...]
    descending: bool = False

    def columns(self, model=None):
        return [getattr(model or self.model, name) for name in self.names]

    def seek(self, stmt: Select, cursor: int, backwards: bool) -> Select:
        """stmt restricted to the rows after (or, backwards, before) the cursor row, ordered
        so that the nearest come first. The cursor row's keys are read by a subquery, so the
        page stays one query."""
        cursor_row = aliased(self.model)
        keys = [
            select(column).where(cursor_row.id == cursor).scalar_subquery()
            for column in self.columns(cursor_row)
        ]
        columns = self.columns()
        forward = self.descending == backwards  # which way the rows are read
        row, cursor_keys = tuple_(*columns), tuple_(*keys)
        condition = row > cursor_keys if forward else row < cursor_keys
        order = [c.asc() if forward else c.desc() for c in columns]
        return stmt.where(condition).order_by(None).order_by(*order)


@dataclass(frozen=True)
class PageRequest:
    """What the request asks for: a page number, and maybe a cursor; `note` says why a junk
    page number was read as 1."""

    number: int = 1
    after: int | None = None
    before: int | None = None
    note: str | None = None


def page_request() -> PageRequest:
    """?page=, ?after= and ?before= of the current request. A junk or out-of-range number
    shows the first page with a note, never an error."""
    raw = request.args.get("page", "")
    note = None
    try:
        number = db_int(raw) if raw else 1
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_PAGE:
        number, note = 1, str(_l("That page number does not exist; showing the first page."))
    cursors = {}
    for name in ("after", "before"):
        try:
            cursors[name] = db_int(request.args.get(name) or "0") or None
        except ValueError:
            cursors[name] = None
    return PageRequest(number, cursors["after"], cursors["before"], note)


def requested_page() -> int:
    """The ?page= of the current request, 1 when absent or out of range."""
    return page_request().number


def per_page() -> int:
    return min(current_app.config["PER_PAGE"], 100)


def capped_count(session: Session, stmt: Select, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(rows, exact): the count up to `cap`; past it, (cap, False). The LIMIT inside the
    subquery lets the database stop counting."""
    limited = stmt.order_by(None).limit(cap + 1).subquery()
    counted = session.scalar(select(func.count()).select_from(limited)) or 0
    return (counted, True) if counted <= cap else (cap, False)


def read_page(
    session: Session,
    stmt: Select,
    count_stmt: Select | None = None,
    *,
    entities: bool = True,
    keyset: Keyset | None = None,
    stay_past_end: bool = False,
    wanted: PageRequest | None = None,
    size: int | None = None,
    counted: int | None = None,
    window: Callable[[int, int], Select] | None = None,
    rows_of: Callable[[Select], Select] | None = None,
) -> Page:
    """One page of an ordered stmt, in two queries: the count (of count_stmt, stmt by
    default), capped at LIST_COUNT_CAP, then the rows (one extra row tells whether a next page
    exists). On a list page a page past the end shows the last page, with a note; with
    `stay_past_end` (the API, whose clients page while `more` says so) it stays empty.

    `counted`: the number of rows, already known (no count query; shown capped all the same).
    `window(offset, limit)`: the statement of those rows, where the list reads them its own way.
    `rows_of(chosen)`: the page's rows from the statement that chooses them (see page_rows).
    """
    wanted = wanted or page_request()
    size = size or per_page()
    counting = stmt if count_stmt is None else count_stmt
    cap = current_app.config.get("LIST_COUNT_CAP", COUNT_CAP)
    if counted is not None:
        total, is_exact = (counted, True) if counted <= cap else (cap, False)
    else:
        total, is_exact = capped_count(session, counting, cap)
    number, note = wanted.number, wanted.note
    last = max(1, math.ceil(total / size))
    cursor = wanted.after or wanted.before if keyset is not None else None
    if not stay_past_end and is_exact and number > last and not cursor:
        number, note = last, str(_l("That page number does not exist; showing the last page."))
    if cursor:
        limited = keyset.seek(stmt, cursor, backwards=bool(wanted.before)).limit(size + 1)
    elif window is not None:
        limited = window((number - 1) * size, size + 1)
    else:
        limited = stmt.limit(size + 1).offset((number - 1) * size)
    if rows_of is not None:
        limited = rows_of(limited)
    rows = list(session.scalars(limited).all() if entities else session.execute(limited).all())
    further = len(rows) > size
    rows = rows[:size]
    more = further
    if cursor and wanted.before:
        rows.reverse()  # read nearest first, shown in list order
        more = True  # the page the Previous link came from
    if not rows and number > 1:
        note = note or str(_l("This page is past the end of the list."))
    page = Page(rows, number, size, total, exact=is_exact, more=more, keyset=keyset is not None)
    page.note = note
    return page


def page_rows(rows: Select, key, chosen: Select) -> Select:
    """`rows` for the keys `chosen` selects (limited, in its order), in the same order.

    A list whose rows carry look-ups (flags) chooses its page by key first: planned over the
    whole list, PostgreSQL hashed every RAT record to compute the flags of the 50 rows shown.
    """
    page = chosen.subquery("chosen")
    return rows.join(page, page.c[key.key] == key).order_by(*chosen._order_by_clauses)


def paginate(
    session: Session,
    stmt: Select,
    *,
    entities: bool = True,
    keyset: Keyset | None = None,
    stay_past_end: bool = False,
) -> Page:
    """The requested page of stmt: entities (one per row) or whole rows, and the total."""
    return read_page(session, stmt, entities=entities, keyset=keyset, stay_past_end=stay_past_end)


def page_url(endpoint: str, page: int, **cursor) -> str:
    """The current list URL, its filters kept, on another page (with a cursor, if given)."""
    # The query is appended, never passed to url_for as keywords: an argument named like one
    # of url_for's own (_method, _external, _anchor) would change what it builds, or fail.
    query = [(k, v) for k, v in request.args.items(multi=True) if k not in PAGING_ARGS]
    query.append(("page", str(page)))
    query += [(k, str(v)) for k, v in cursor.items()]
    return f"{url_for(endpoint, **(request.view_args or {}))}?{urlencode(query)}"


def kept_args() -> list[tuple[str, str]]:
    """The current list's arguments other than paging: hidden fields of the jump form."""
    return [(k, v) for k, v in request.args.items(multi=True) if k not in PAGING_ARGS]


def count_label(page: Page, number: Callable[[int], str]) -> str:
    """The total of a list for its heading: "1.234", or "lebih dari 10.000" past the cap."""
    if page.exact:
        return number(page.total)
    return str(_l("more than %(count)s", count=number(page.total)))
