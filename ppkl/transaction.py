"""One commit point per request: services flush, and the request commits once or rolls back.

A view that answers with a success or a redirect has its changes committed as soon as it
returns; an error status rolls everything back, and so does an exception (the session is
removed at the end of the request), so nothing is half-written. The commit happens inside the
dispatch, so a database failure during it is answered by the same error handlers as any other
(503 while the database is unreachable). Work that must wait for the commit (queueing a
background job that reads the new rows) is registered with `after_commit`.
"""

from collections.abc import Callable

from flask import Flask, Response, g, request

from ppkl.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class App(Flask):
    """Flask, with the request's transaction ended where the view's answer is made."""

    def dispatch_request(self):
        response = self.make_response(super().dispatch_request())
        commit_or_roll_back(response)
        return response


def after_commit(callback: Callable[[], None]) -> None:
    """Run callback once this request's changes are committed (never if they are rolled back)."""
    g.setdefault("after_commit", []).append(callback)


def commit_or_roll_back(response: Response) -> None:
    if request.method in SAFE_METHODS:
        return  # reads never write (a test walks the URL map for that): nothing to end
    if response.status_code >= 400:
        db.session.rollback()
        return
    db.session.commit()
    for callback in g.pop("after_commit", []):
        callback()


def commit_early() -> None:
    """Commit what the request has written so far, before its answer is known: only for what
    must outlive a refusal of the rest (photos kept across a form error). Everything written
    after it still ends with the answer."""
    db.session.commit()
