"""The admin's list of provinces and the form that edits one (letterhead, signatory, zone)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ppkl.access import requires
from ppkl.admin.blueprint import bp
from ppkl.admin.forms import PROVINCE_MESSAGES, ProvinceForm
from ppkl.admin.services import ProvinceError, save_province
from ppkl.extensions import db
from ppkl.forms import show_refusal
from ppkl.models import Province
from ppkl.permissions import Permission


@bp.route("/provinces/")
@requires(Permission.MANAGE_USERS)
def provinces():
    """Every province with its office."""
    rows = db.session.scalars(select(Province).order_by(Province.name)).all()
    return render_template("admin/provinces.html", provinces=rows)


@bp.route("/provinces/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_province():
    """Add a province."""
    return province_form(None)


@bp.route("/provinces/<int:province_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_province(province_id: int):
    """Edit a province's name, code, letterhead, signatory and time zone."""
    return province_form(db.get_or_404(Province, province_id))


def province_form(province: Province | None):
    form = ProvinceForm(obj=province)
    if form.validate_on_submit():
        try:
            saved = save_province(current_user, province, form.details())
        except ProvinceError as error:
            show_refusal(form, error, PROVINCE_MESSAGES, fallback="name")
        else:
            flash(_("Province %(name)s saved.", name=saved.name), "success")
            return redirect(url_for("admin.provinces"))
    status = 400 if form.errors else 200
    return render_template("admin/province_form.html", form=form, province=province), status
