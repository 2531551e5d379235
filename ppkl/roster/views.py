from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import load_officer, requires
from ppkl.assignments.forms import ASSIGNMENT_MESSAGES, DeactivateForm
from ppkl.assignments.services import (
    AssignmentError,
    current_cooperative_ids,
    deactivate_officer,
)
from ppkl.clock import office_today
from ppkl.cooperatives.queries import regencies
from ppkl.extensions import db
from ppkl.forms import choices, show_refusal
from ppkl.models import User
from ppkl.permissions import Permission
from ppkl.roster.blueprint import bp
from ppkl.roster.queries import RosterFilter, roster, successors


@bp.route("/")
@requires(Permission.ASSIGN_COOPERATIVES)
def index():
    """PPKL and DAK assistants with their workload this month."""
    flt = RosterFilter.from_args(request.args)
    today = office_today()
    return render_template(
        "roster/index.html",
        rows=roster(db.session, flt, today),
        flt=flt,
        today=today,
        regencies=db.session.scalars(regencies()).all(),
    )


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.ASSIGN_COOPERATIVES)
def deactivate(user_id: int):
    """Deactivate an officer; their cooperatives go to the successor chosen here."""
    officer = load_officer(user_id)
    candidates = successors(db.session, officer)
    form = DeactivateForm()
    form.successor.choices = choices(
        [("", "—")] + [(str(u.id), f"{u.full_name} ({u.username})") for u in candidates]
    )
    status = 200
    if form.validate_on_submit():
        successor = db.session.get(User, int(form.successor.data)) if form.successor.data else None
        try:
            moved = deactivate_officer(current_user, officer, successor, office_today())
        except AssignmentError as error:
            show_refusal(form, error, ASSIGNMENT_MESSAGES, fallback="successor")
            status = 400
        else:
            flash(
                _(
                    "%(name)s deactivated; %(count)s cooperatives moved.",
                    name=officer.full_name,
                    count=moved,
                ),
                "success",
            )
            return redirect(url_for("roster.index"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "roster/deactivate.html",
        form=form,
        officer=officer,
        count=len(current_cooperative_ids(officer)),
    ), status
