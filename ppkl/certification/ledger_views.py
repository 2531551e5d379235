"""The RAT ledger of one cooperative, and the yearly certification targets."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ppkl.access import load_cooperative, requires
from ppkl.certification.blueprint import bp
from ppkl.certification.deadlines import last_ended_fiscal_year, rules_from_config
from ppkl.certification.documents import PhotoStore, record_rat_with_document
from ppkl.certification.forms import (
    LedgerForm,
    RemoveTargetForm,
    TargetForm,
    problem_message,
    show_problems,
)
from ppkl.certification.labels import evidence_items
from ppkl.certification.ledger import remove_target, set_target
from ppkl.certification.queries import find_rat, targets_of_year
from ppkl.certification.uploads import (
    Upload,
    certificate_storage,
    forget_written,
    stored,
    take_upload,
)
from ppkl.clock import office_today
from ppkl.cooperatives.changes import check_version
from ppkl.cooperatives.stale import stale_notice
from ppkl.coverage import recap_scope, sees_nation
from ppkl.domain import DomainError, StaleEdit
from ppkl.extensions import db
from ppkl.form_keys import already_saved, lost_race, spend
from ppkl.forms import choices, province_choices, regency_choices
from ppkl.i18n import scope_label
from ppkl.inputs import db_int, db_year
from ppkl.pagination import paginate
from ppkl.permissions import Permission, can_record_rat
from ppkl.workflow import evidence_warnings


def prefill_ledger(form: LedgerForm, coop, year: int | None) -> None:
    """?year=Y opens that year's RAT for updating; otherwise the last ended fiscal year."""
    existing = find_rat(coop.id, year) if year else None
    if existing is not None:
        for name in ("fiscal_year", "held_on", "members_present", "members_total"):
            form[name].data = getattr(existing, name)
        form.report_received_on.data = existing.report_received_on
        form.health.data = existing.health or ""
        return
    form.fiscal_year.data = year or last_ended_fiscal_year(
        office_today(), rules_from_config(current_app.config)
    )
    form.members_total.data = coop.members


@bp.route("/<int:cooperative_id>/rat", methods=["GET", "POST"])
@requires(Permission.MOVE_STAGE)
def rat(cooperative_id: int):
    """Record a cooperative's RAT for a fiscal year, its report and health category."""
    coop = load_cooperative(cooperative_id)
    if not can_record_rat(current_user, coop):
        abort(403)
    categories = tuple(current_app.config["HEALTH_CATEGORIES"])
    form = LedgerForm()
    form.health.choices = choices([("", "—"), *((c, c) for c in categories)])
    replay = already_saved(form)
    if replay is not None:
        return replay
    if request.method == "GET":
        form.version.data = coop.version
        prefill_ledger(form, coop, request.args.get("year", type=db_year))
    general, stale, upload = [], None, Upload()
    store = PhotoStore(certificate_storage())
    try:
        if form.is_submitted():
            upload = take_upload(form, coop.id, read_code=False)  # kept on a stale page too
            check_version(coop, form.expected_version())
        if form.validate_on_submit():
            spend(form, "rat", url_for("cooperatives.detail", cooperative_id=cooperative_id))
            record_rat_with_document(
                current_user,
                coop,
                upload.document,
                store,
                evidence=form.evidence(),
                report_received_on=form.report_received_on.data,
                health=form.health.data or None,
                health_categories=categories,
                today=office_today(),
                expected_version=form.expected_version(),
            )
            stored(store, upload.document)
            flash(_("RAT for fiscal year %(year)s saved.", year=form.fiscal_year.data), "success")
            for warning in evidence_warnings(form.evidence()):
                flash(problem_message(warning), "warning")
            return redirect(url_for("cooperatives.detail", cooperative_id=cooperative_id))
    except IntegrityError as error:
        return lost_race(form, error)
    except StaleEdit as error:
        forget_written(store)
        stale = stale_notice(error, form)
        stale.theirs = rat_items(find_rat(cooperative_id, form.fiscal_year.data))
    except DomainError as error:
        forget_written(store)
        general = show_problems(form, error)
    except Exception:
        forget_written(store)
        raise
    coop = load_cooperative(cooperative_id)  # after a rollback, as it is now
    status = 409 if stale else 400 if form.errors or general else 200
    return render_template(
        "certification/rat.html", coop=coop, form=form, general=general, stale=stale, upload=upload
    ), status


def rat_items(rat) -> list[tuple[str, str]]:
    """A recorded RAT as (label, value) pairs, to show beside the one the user typed."""
    if rat is None:
        return []
    values = {
        "fiscal_year": rat.fiscal_year,
        "held_on": rat.held_on.isoformat(),
        "members_present": rat.members_present,
        "members_total": rat.members_total,
    }
    if rat.report_received_on is not None:
        values["received_on"] = rat.report_received_on.isoformat()
    return evidence_items(values)


def target_choices(form) -> None:
    """Regencies of the user's scope; for the nation also the province (none: the nation)."""
    form.regency_id.choices = regency_choices(_("Whole province"))
    if sees_nation(current_user):
        form.province_id.choices = province_choices(_("Whole nation"))
    else:
        del form.province_id  # a province's supervisor sets their own province's targets


def render_targets(form, year: int, general=()):
    status = 400 if form.errors or general else 200
    shown = recap_scope(current_user, request.args.get("province", type=db_int))
    return render_template(
        "certification/targets.html",
        form=form,
        year=year,
        page=paginate(db.session, targets_of_year(year, shown)),
        shown=shown,
        scope_name=scope_label(shown),
        general=list(general),
        remove_form=RemoveTargetForm(formdata=None),
    ), status


@bp.route("/targets")
@requires(Permission.VIEW_RECAP)
def targets():
    """The certification targets of a year (supervisors also get the form to set them)."""
    year = request.args.get("year", type=db_year) or office_today().year
    form = TargetForm(formdata=None, year=year)
    target_choices(form)
    return render_targets(form, year)


@bp.route("/targets/remove", methods=["POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def remove_target_view():
    """Remove the province's or a regency's target for a year."""
    form = RemoveTargetForm()
    if form.validate_on_submit():
        try:
            remove_target(
                current_user,
                form.year.data,
                form.regency_id.data or None,
                form.province_id.data or None,
            )
        except DomainError:
            db.session.rollback()
            flash(_("That target was already removed."), "warning")
        else:
            flash(_("Target removed."), "success")
    return redirect(url_for("certification.targets", year=form.year.data or office_today().year))


@bp.route("/targets", methods=["POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def save_target():
    """Set the province's or a regency's target for a year."""
    form = TargetForm()
    target_choices(form)
    general = []
    if form.validate_on_submit():
        province_id = form.province_id.data if "province_id" in form else None
        try:
            set_target(
                current_user,
                form.year.data,
                form.regency_id.data or None,
                form.target.data,
                province_id or None,
            )
        except DomainError as error:
            general = show_problems(form, error)
        else:
            flash(_("Target saved."), "success")
            return redirect(url_for("certification.targets", year=form.year.data))
    return render_targets(form, form.year.data or office_today().year, general)
