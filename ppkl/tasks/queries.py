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
from ppkl.tasks.worklist import Thresholds, reason_counts, worklist_query


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


def task_page(session: Session, scope, t: Thresholds) -> Page:
    """The requested page of the worklist: two queries whatever its length (the count capped)."""
    stmt = worklist_query(scope, t)
    shown = stmt.join(Regency, Regency.id == Cooperative.regency_id).options(
        contains_eager(Cooperative.regency)
    )
    return read_page(session, shown, stmt, entities=False)


def task_counts(session: Session, scope, t: Thresholds) -> dict:
    return reason_counts(session, scope, t)


def dashboard_task_counts(user) -> dict | None:
    """The worklist counts over everything the user may see (None without VIEW_TASKS)."""
    from flask import current_app

    if not has_permission(user, Permission.VIEW_TASKS):
        return None
    t = Thresholds.from_config(current_app.config, office_today())
    return reason_counts(db.session, cooperative_scope(user), t)
