"""Paging of every list page: one Page shape for the pager macro, built one way."""

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from flask import current_app, request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from ppkl.inputs import db_int

# Beyond this a page number is not a real request; it would only make a huge OFFSET.
MAX_PAGE = 100_000


@dataclass
class Page:
    """What the pager macro needs: the rows of one page and the total they come from."""

    items: list
    page: int
    per_page: int
    total: int
    pages: int = field(init=False)

    def __post_init__(self):
        self.pages = max(1, math.ceil(self.total / self.per_page)) if self.total else 0

    has_prev = property(lambda self: self.page > 1)
    has_next = property(lambda self: self.page < self.pages)
    prev_num = property(lambda self: self.page - 1)
    next_num = property(lambda self: self.page + 1)


def requested_page() -> int:
    """The ?page= of the current request, 1 when absent or out of range."""
    number = request.args.get("page", 1, type=db_int)
    return number if 1 <= number <= MAX_PAGE else 1


def per_page() -> int:
    return min(current_app.config["PER_PAGE"], 100)


def count_of(session: Session, stmt: Select) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def paginate(session: Session, stmt: Select, *, entities: bool = True) -> Page:
    """The requested page of stmt: entities (one per row) or whole rows, and the total."""
    number, size = requested_page(), per_page()
    limited = stmt.limit(size).offset((number - 1) * size)
    rows = session.scalars(limited).all() if entities else session.execute(limited).all()
    return Page(list(rows), number, size, count_of(session, stmt))


def page_url(endpoint: str, page: int) -> str:
    """The current list URL, its filters kept, on another page."""
    # The query is appended, never passed to url_for as keywords: an argument named like one
    # of url_for's own (_method, _external, _anchor) would change what it builds, or fail.
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    query.append(("page", str(page)))
    return f"{url_for(endpoint, **(request.view_args or {}))}?{urlencode(query)}"
