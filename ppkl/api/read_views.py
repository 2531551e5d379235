"""API reads: who am I, cooperatives (scoped and filtered as on the list page), the recap,
visits. The same queries as the pages, so the API never shows more than the pages do."""

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from ppkl.access import public, requires, signed_in
from ppkl.api.auth import uses_token
from ppkl.api.blueprint import bp, plain_bp
from ppkl.api.present import cooperative_json, visits_json
from ppkl.api.schemas import (
    CooperativePageSchema,
    CooperativeQuerySchema,
    MeSchema,
    RecapQuerySchema,
    RecapSchema,
    VisitPageSchema,
    VisitQuerySchema,
)
from ppkl.api.views import documents
from ppkl.clock import office_today
from ppkl.cooperatives.queries import CooperativeFilter, cooperative_rows
from ppkl.coverage import recap_scope
from ppkl.extensions import db
from ppkl.json_errors import ApiError, invalid
from ppkl.pagination import Page, PageRequest, paginate, per_page
from ppkl.permissions import Permission, has_permission
from ppkl.recap import Recap
from ppkl.recap_past import recap_of
from ppkl.tasks.worklist import Thresholds
from ppkl.visits.queries import visit_list


def page_json(page: Page, items: list) -> dict:
    return {
        "items": items,
        "page": page.page,
        "per_page": page.per_page,
        # Counted up to LIST_COUNT_CAP (a count of a million visits costs a second):
        # past it, total is the cap and total_exact false; `more` says a next page exists.
        "total": page.total,
        "total_exact": page.exact,
        "pages": page.pages,
        "more": page.more,
    }


@bp.route("/me")
@signed_in
@bp.response(200, MeSchema)
@documents()
def me():
    """The signed-in user (session or token). For a session, also a fresh CSRF token: the field
    app's queue may outlive the page it was loaded with (it is unreadable cross-site)."""
    user = current_user
    return {
        "id": user.id,
        "username": user.username,
        "name": user.full_name,
        "role": user.role,
        "csrf_token": None if uses_token() else generate_csrf(),
    }


@bp.route("/cooperatives")
@requires(Permission.VIEW_COOPERATIVES)
@bp.arguments(CooperativeQuerySchema, location="query")
@bp.response(200, CooperativePageSchema)
@documents(403)
def cooperatives(args):
    """Cooperatives the user may see, filtered as on the list page (regency, stage, name)."""
    flt = CooperativeFilter(
        q=args.get("q", "").strip(), regency_id=args.get("regency"), stage=args.get("stage")
    )
    thresholds = Thresholds.from_config(current_app.config, office_today())
    wanted = PageRequest(args["page"])
    page = cooperative_rows(
        db.session, current_user, flt, thresholds, wanted, per_page(), stay_past_end=True
    )
    items = [cooperative_json(row.Cooperative, row.Cooperative.regency.name) for row in page.items]
    return page_json(page, items)


def recap_json(recap: Recap, day) -> dict:
    def row_json(row):
        return {
            "regency": row.regency,
            "active": row.active,
            "inactive": row.inactive,
            "total": row.total,
            "certified": row.certified,
            "in_progress": row.in_progress,
            "percentage": f"{row.percentage:.2f}",
        }

    return {
        "as_of": day.isoformat(),
        "rows": [row_json(r) for r in recap.rows],
        "total": row_json(recap.total),
    }


@bp.route("/recap")
@requires(Permission.VIEW_RECAP)
@bp.arguments(RecapQuerySchema, location="query")
@bp.response(200, RecapSchema)
@documents(403)
def recap(args):
    """The recap of the account's scope, today or as it stood at the end of `as_of`: a
    province's per regency, the nation's per province."""
    today = office_today()
    day = args.get("as_of")
    if day is not None and day > today:
        raise invalid({"as_of": [_("The date cannot be in the future.")]})
    shown = recap_scope(current_user)
    if day is None or day == today:
        return recap_json(recap_of(db.session, shown), today)
    return recap_json(recap_of(db.session, shown, day), day)


@bp.route("/visits")
@requires(Permission.VIEW_COOPERATIVES)
@bp.arguments(VisitQuerySchema, location="query")
@bp.response(200, VisitPageSchema)
@documents(403)
def visits(args):
    """Visits, newest first: an officer's own; supervisors any officer's (`officer`)."""
    officer_id = args.get("officer")
    others = officer_id and officer_id != current_user.id
    if others and not has_permission(current_user, Permission.VIEW_ALL_COOPERATIVES):
        raise ApiError(403, "forbidden", _("You may only see your own visits."))
    page = paginate(
        db.session, visit_list(current_user, officer_id, False), entities=False, stay_past_end=True
    )
    return page_json(page, visits_json([row.Visit for row in page.items]))


@plain_bp.route("/api/v1/openapi.json")
@public
def openapi():
    """The OpenAPI 3.1 document, written by flask-smorest from the views and their schemas."""
    return jsonify(current_app.extensions["ppkl_api"].spec.to_dict())
