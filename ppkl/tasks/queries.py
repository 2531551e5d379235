"""Whose worklist: the SQL scope for an officer, a regency or the unassigned cooperatives."""

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session, contains_eager

from ppkl.clock import office_today
from ppkl.cooperatives.queries import unassigned_condition
from ppkl.coverage import officer_scope
from ppkl.extensions import db
from ppkl.models import Cooperative, Regency
from ppkl.pagination import Page, read_page
from ppkl.permissions import Permission, cooperative_scope, has_permission
from ppkl.tasks.worklist import (
    Tally,
    Thresholds,
    reason_counts,
    tally,
    worklist_query,
    worklist_window,
)


def scope_for(viewer, officer=None, regency_id: int | None = None, unassigned=False):
    """The viewer's own scope narrowed to one officer, one regency or the unassigned ones."""
    clauses: list[ColumnElement[bool]] = [cooperative_scope(viewer)]
    if officer is not None:
        clauses.append(officer_scope(officer))
    if regency_id:
        clauses.append(Cooperative.regency_id == regency_id)
    if unassigned:
        clauses.append(unassigned_condition("all"))
    return and_(*clauses)


def task_page(session: Session, scope, t: Thresholds, counted: Tally) -> Page:
    """The requested page of the worklist in one query: the tally, read for the counts, gives
    its length and the groups the page lies in."""

    def window(offset: int, limit: int):
        return (
            worklist_window(scope, t, counted.firsts, offset, limit)
            .join(Regency, Regency.id == Cooperative.regency_id)
            .options(contains_eager(Cooperative.regency))
        )

    stmt = worklist_query(scope, t)
    return read_page(session, stmt, entities=False, counted=counted.total, window=window)


def task_tally(session: Session, scope, t: Thresholds) -> Tally:
    return tally(session, scope, t)


def dashboard_task_counts(user) -> dict | None:
    """The worklist counts over everything the user may see (None without VIEW_TASKS)."""
    from flask import current_app

    if not has_permission(user, Permission.VIEW_TASKS):
        return None
    t = Thresholds.from_config(current_app.config, office_today())
    return reason_counts(db.session, cooperative_scope(user), t)
