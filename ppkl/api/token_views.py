"""Pages: the user's personal API tokens (create, shown once; list; revoke)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ppkl.access import signed_in
from ppkl.api.tokens import TokenError, TokenScope, create_token, revoke_token, tokens_of
from ppkl.clock import utcnow
from ppkl.extensions import db
from ppkl.forms import Form, IntegerField, choices, show_refusal
from ppkl.models import ApiToken

pages_bp = Blueprint("tokens", __name__)

TOKEN_MESSAGES = {
    "name_required": _l("Give the token a name, for example the script that uses it."),
    "scope_unknown": _l("Choose what the token may do."),
    "days_out_of_range": _l("The token must expire within the allowed number of days."),
    "not_your_token": _l("This is not your token."),
}


class TokenForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    scope = SelectField(
        _l("May"),
        choices=choices(
            [
                (TokenScope.READ.value, _l("Read only")),
                (TokenScope.WRITE.value, _l("Read and send visits and stage moves")),
            ]
        ),
    )
    days = IntegerField(_l("Valid for (days)"), validators=[InputRequired(), NumberRange(min=1)])


class RevokeForm(Form):
    pass


def render(form: TokenForm, secret: str | None = None, status: int = 200):
    tokens = db.session.scalars(tokens_of(current_user)).all()
    response = current_app.make_response(
        (
            render_template(
                "api/tokens.html",
                form=form,
                tokens=tokens,
                secret=secret,
                now=utcnow(),
                revoke_form=RevokeForm(),
                max_days=current_app.config["API_TOKEN_MAX_DAYS"],
            ),
            status,
        )
    )
    # The secret is on this page once: keep it out of every cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@pages_bp.route("/", methods=["GET", "POST"])
@signed_in
def index():
    """The user's API tokens, and a form to create one (its secret is shown once)."""
    form = TokenForm()
    if not form.is_submitted():
        form.days.data = current_app.config["API_TOKEN_DEFAULT_DAYS"]
        return render(form)
    if not form.validate():
        return render(form, status=400)
    try:
        token, secret = create_token(
            current_user,
            form.name.data,
            form.scope.data,
            form.days.data,
            utcnow(),
            current_app.config["API_TOKEN_MAX_DAYS"],
        )
    except TokenError as error:
        show_refusal(form, error, TOKEN_MESSAGES, fallback="name")
        return render(form, status=400)
    flash(_("Token %(name)s created. Copy it now: it will not be shown again.", name=token.name))
    return render(TokenForm(formdata=None, days=form.days.data), secret=secret)


@pages_bp.route("/<int:token_id>/revoke", methods=["POST"])
@signed_in
def revoke(token_id: int):
    """Revoke one of the user's tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        abort(404)
    if token.user_id != current_user.id:
        abort(403)
    if RevokeForm().validate_on_submit():
        revoke_token(current_user, token, utcnow())
        flash(_("Token %(name)s revoked.", name=token.name), "success")
    return redirect(url_for("tokens.index"))
