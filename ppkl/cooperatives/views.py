from flask import current_app, render_template, request
from flask_login import current_user

from ppkl.access import load_cooperative, requires
from ppkl.cooperatives import bp
from ppkl.cooperatives.queries import CooperativeFilter, cooperatives_for, regencies
from ppkl.extensions import db
from ppkl.permissions import Permission


@bp.route("/")
@requires(Permission.VIEW_COOPERATIVES)
def index():
    """The cooperatives the user may see, filtered and paginated."""
    flt = CooperativeFilter.from_args(request.args)
    page = db.paginate(
        cooperatives_for(current_user, flt),
        per_page=current_app.config["PER_PAGE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template(
        "cooperatives/index.html",
        page=page,
        flt=flt,
        regencies=db.session.scalars(regencies()).all(),
    )


@bp.route("/<int:cooperative_id>")
@requires(Permission.VIEW_COOPERATIVES)
def detail(cooperative_id: int):
    """One cooperative."""
    return render_template("cooperatives/detail.html", coop=load_cooperative(cooperative_id))
