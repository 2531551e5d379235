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
from ppkl.cooperatives.pickers import officer_picker
from ppkl.cooperatives.queries import regencies
from ppkl.extensions import db
from ppkl.forms import show_refusal, whole_number
from ppkl.models import User
from ppkl.pagination import paginate
from ppkl.permissions import Permission
from ppkl.pickers import Choice
from ppkl.roster.blueprint import bp
from ppkl.roster.queries import RosterFilter, roster


@bp.route("/")
@requires(Permission.ASSIGN_COOPERATIVES)
def index():
    """PPKL and DAK assistants with their workload this month."""
    flt = RosterFilter.from_args(request.args)
    today = office_today()
    return render_template(
        "roster/index.html",
        page=paginate(db.session, roster(flt, today, current_user), entities=False),
        flt=flt,
        today=today,
        regencies=db.session.scalars(regencies(current_user)).all(),
    )


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@requires(Permission.ASSIGN_COOPERATIVES)
def deactivate(user_id: int):
    """Deactivate an officer; their cooperatives go to the successor chosen here."""
    officer = load_officer(user_id)
    form = DeactivateForm()
    status = 200
    if form.validate_on_submit():
        chosen = whole_number(form.successor.data)
        successor = db.session.get(User, chosen) if chosen else None
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
        successor_picker=officer_picker(
            "successor",
            str(form.successor.label.text),
            whole_number(form.successor.data),
            active_only=True,
            role=officer.role,
            exclude=officer.id,
            fixed=[Choice("", "—")],
            errors=form.successor.errors,
            search_form="successor-search",
        ),
    ), status
