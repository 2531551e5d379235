from flask import current_app, render_template, request
from flask_login import current_user

from ppkl.access import load_officer, requires
from ppkl.certification.queries import flags_of
from ppkl.clock import office_today
from ppkl.cooperatives.pickers import officer_filter
from ppkl.cooperatives.queries import regencies
from ppkl.extensions import db
from ppkl.inputs import db_int
from ppkl.permissions import Permission, has_permission
from ppkl.tasks.blueprint import bp
from ppkl.tasks.queries import scope_for, task_page, task_tally
from ppkl.tasks.worklist import Reason, Thresholds, reasons_of


@bp.route("/")
@requires(Permission.VIEW_TASKS)
def index():
    """Tugas saya: cooperatives ordered by need, with the reasons; supervisors pick whose."""
    supervisor = has_permission(current_user, Permission.VIEW_ALL_COOPERATIVES)
    officer = None
    regency_id = unassigned = None
    if supervisor:
        officer_id = request.args.get("officer", type=db_int)
        if officer_id:
            officer = load_officer(officer_id)
        regency_id = request.args.get("regency", type=db_int)
        unassigned = request.args.get("unassigned") == "1"
    scope = scope_for(current_user, officer, regency_id, unassigned)
    thresholds = Thresholds.from_config(current_app.config, office_today())
    counted = task_tally(db.session, scope, thresholds)
    page = task_page(db.session, scope, thresholds, counted)
    return render_template(
        "tasks/index.html",
        page=page,
        # The deadline flags name their fiscal year here as on the cooperative page.
        flags=flags_of([row[0] for row in page.items], thresholds.today, thresholds.deadlines),
        counts=counted.counts,
        reasons_of=reasons_of,
        reasons=list(Reason),
        thresholds=thresholds,
        supervisor=supervisor,
        officer=officer,
        regency_id=regency_id,
        unassigned=unassigned,
        officer_filter=officer_filter(officer.id if officer else None) if supervisor else None,
        regencies=db.session.scalars(regencies(current_user)).all() if supervisor else [],
    )
