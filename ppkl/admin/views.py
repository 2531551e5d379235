from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ppkl.access import requires
from ppkl.admin.blueprint import bp
from ppkl.admin.forms import ACCOUNT_MESSAGES, ConfirmForm, NewUserForm, PasswordForm, UserForm
from ppkl.admin.services import (
    AccountError,
    create_user,
    sign_out_everywhere,
    update_user,
)
from ppkl.auth.services import PasswordError, set_password
from ppkl.cooperatives.queries import person_matches
from ppkl.extensions import db
from ppkl.forms import province_choices, regency_choices, show_refusal
from ppkl.models import User
from ppkl.pagination import paginate
from ppkl.permissions import Permission


def show_error(form, error: AccountError) -> None:
    show_refusal(form, error, ACCOUNT_MESSAGES, fallback="role")


def load_user_or_404(user_id: int) -> User:
    return db.get_or_404(User, user_id)


@bp.route("/users/")
@requires(Permission.MANAGE_USERS)
def users():
    """The accounts, a page at a time, searched by name or username (?q=)."""
    q = request.args.get("q", "").strip()[:100]
    stmt = select(User).where(person_matches(q)).order_by(User.role, User.username, User.id)
    page = paginate(db.session, stmt)
    return render_template("admin/users.html", page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def new_user():
    """Create an account."""
    form = NewUserForm()
    form.regency_id.choices = regency_choices("—")
    form.province_id.choices = province_choices(_("— national (none) —"))
    if form.validate_on_submit():
        try:
            user = create_user(
                current_user,
                form.username.data,
                form.password.data,
                form.details(),
                current_app.config["PASSWORD_HASH_METHOD"],
            )
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def render_edit(user: User, form: UserForm | None = None, password_form=None):
    if form is None:
        form = UserForm(obj=user, formdata=None)
        form.regency_id.data = user.regency_id or 0
        form.province_id.data = user.province_id or 0
    form.regency_id.choices = regency_choices("—")
    form.province_id.choices = province_choices(_("— national (none) —"))
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        password_form=password_form or PasswordForm(formdata=None),
        confirm_form=ConfirmForm(),
    )


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@requires(Permission.MANAGE_USERS)
def edit_user(user_id: int):
    """Edit an account's name, role, regency and status."""
    user = load_user_or_404(user_id)
    if request.method != "POST":
        return render_edit(user)
    form = UserForm()
    form.regency_id.choices = regency_choices("—")
    form.province_id.choices = province_choices(_("— national (none) —"))
    if form.validate_on_submit():
        try:
            update_user(current_user, user, form.details())
        except AccountError as error:
            show_error(form, error)
        else:
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.users"))
    return render_edit(user, form=form)


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def reset_password(user_id: int):
    """Set a new password for an account; its sessions end."""
    user = load_user_or_404(user_id)
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            set_password(
                current_user, user, form.password.data, current_app.config["PASSWORD_HASH_METHOD"]
            )
        except PasswordError as error:
            show_error(form, error)
        else:
            flash(_("Password of %(username)s changed.", username=user.username), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_edit(user, password_form=form), 400


@bp.route("/users/<int:user_id>/sign-out", methods=["POST"])
@requires(Permission.MANAGE_USERS)
def revoke_sessions(user_id: int):
    """End every session of an account."""
    user = load_user_or_404(user_id)
    if ConfirmForm().validate_on_submit():
        sign_out_everywhere(current_user, user)
        flash(_("All sessions of %(username)s have ended.", username=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
