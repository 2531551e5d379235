from flask import redirect, render_template, url_for

from ppkl.access import public, requires
from ppkl.clock import office_today
from ppkl.dashboard import bp
from ppkl.extensions import db
from ppkl.permissions import Permission
from ppkl.recap import current_recap


@bp.route("/")
@public
def home():
    """The site root sends people to the dashboard (or to sign-in)."""
    return redirect(url_for("dashboard.index"))


@bp.route("/dashboard")
@requires(Permission.VIEW_RECAP)
def index():
    """The province recap (Capaian Koperasi) by regency."""
    return render_template(
        "dashboard/index.html", recap=current_recap(db.session), today=office_today()
    )
