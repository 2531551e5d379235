"""Lists across cooperatives: deadline flags, deactivation candidates, bulk moves."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ppkl.access import requires
from ppkl.certification.blueprint import bp
from ppkl.certification.deadlines import Flag, inactivity_window, rules_from_config
from ppkl.certification.forms import BULK_FORMS, problem_message, show_problems
from ppkl.certification.queries import (
    DeadlineFilter,
    bulk_candidates,
    deactivation_candidates,
    flagged_cooperatives,
    flags_of,
    last_rat_years,
)
from ppkl.certification.services import BULK_STAGES, BulkRefused, bulk_advance
from ppkl.clock import office_today
from ppkl.cooperatives.changes import current_state
from ppkl.cooperatives.queries import regencies
from ppkl.cooperatives.stale import StaleNotice
from ppkl.extensions import db
from ppkl.form_keys import already_saved, lost_race, spend
from ppkl.forms import row_versions, whole_number
from ppkl.inputs import db_int
from ppkl.models import Cooperative
from ppkl.pagination import paginate
from ppkl.permissions import Permission, cooperative_scope
from ppkl.workflow import STAGE_ORDER, Stage, stage_index

# A bulk page lists at most this many cooperatives: narrow the filter for more.
BULK_LIMIT = 200


@bp.route("/deadlines")
@requires(Permission.VIEW_COOPERATIVES)
def deadlines():
    """Cooperatives past (or near) a RAT or RAT-report deadline, filterable by flag."""
    flt = DeadlineFilter.from_args(request.args)
    today, rules = office_today(), rules_from_config(current_app.config)
    page = paginate(db.session, flagged_cooperatives(current_user, flt, today, rules))
    return render_template(
        "certification/deadlines.html",
        page=page,
        flt=flt,
        flags=flags_of(page.items, today, rules),
        all_flags=list(Flag),
        regencies=db.session.scalars(regencies(current_user)).all(),
        today=today,
    )


@bp.route("/candidates")
@requires(Permission.SUPERVISE_CERTIFICATION)
def candidates():
    """Active cooperatives without a RAT for years: for a supervisor to review."""
    today, rules = office_today(), rules_from_config(current_app.config)
    page = paginate(db.session, deactivation_candidates(current_user, today, rules))
    first, last = inactivity_window(today, rules)
    return render_template(
        "certification/candidates.html",
        page=page,
        first=first,
        last=last,
        last_rat=last_rat_years([c.id for c in page.items]),
    )


def bulk_target(value: str | None) -> Stage:
    return Stage(value) if value in {s.value for s in BULK_STAGES} else BULK_STAGES[-1]


def from_stage_of(to_stage: Stage) -> Stage:
    return STAGE_ORDER[stage_index(to_stage) - 1]


def render_bulk(to_stage: Stage, form, regency_id, refusals=None, general=(), stale=()):
    from_stage = from_stage_of(to_stage)
    rows = db.session.scalars(
        bulk_candidates(current_user, from_stage, regency_id, BULK_LIMIT)
    ).all()
    status = 409 if stale else 400 if refusals or general or form.errors else 200
    return render_template(
        "certification/bulk.html",
        form=form,
        rows=rows,
        to_stage=to_stage,
        from_stage=from_stage,
        bulk_stages=BULK_STAGES,
        regency_id=regency_id,
        regencies=db.session.scalars(regencies(current_user)).all(),
        refusals=refusals or [],
        general=list(general),
        stale=list(stale),
        # What the user ticked stays ticked; rows show the current versions, so submitting
        # again applies the move to those still at the stage before.
        ticked={i for i in map(whole_number, request.form.getlist("cooperative")) if i},
        limit=BULK_LIMIT,
    ), status


@bp.route("/bulk")
@requires(Permission.SUPERVISE_CERTIFICATION)
def bulk():
    """Choose cooperatives at one stage to move together to the next."""
    to_stage = bulk_target(request.args.get("to"))
    form = BULK_FORMS[to_stage](formdata=None)
    if hasattr(form, "entered_by"):
        form.entered_by.data = current_user.full_name
    return render_bulk(to_stage, form, request.args.get("regency", type=db_int))


def chosen_cooperatives(form_data) -> tuple[list[Cooperative], dict[int, int]]:
    """The ticked cooperatives (that the user may see) and the versions their rows showed."""
    ids = {i for i in map(whole_number, form_data.getlist("cooperative")) if i is not None}
    versions = row_versions(form_data, ids)
    coops = db.session.scalars(
        select(Cooperative)
        .options(joinedload(Cooperative.regency))
        .where(Cooperative.id.in_(ids), cooperative_scope(current_user))
        .order_by(Cooperative.name, Cooperative.id)
    ).all()
    return list(coops), versions


@bp.route("/bulk", methods=["POST"])
@requires(Permission.SUPERVISE_CERTIFICATION)
def bulk_move():
    """Move the chosen cooperatives in one action, with one shared evidence: all or nothing."""
    to_stage = bulk_target(request.form.get("to"))
    regency_id = request.form.get("regency", type=db_int)
    form = BULK_FORMS[to_stage]()
    replay = already_saved(form)
    if replay is not None:
        return replay
    if not form.validate_on_submit():
        return render_bulk(to_stage, form, regency_id)
    coops, versions = chosen_cooperatives(request.form)
    names = {c.id: c.name for c in coops}
    back = url_for("certification.bulk", to=to_stage.value, regency=regency_id)
    try:
        spend(form, "bulk_move", back)
        moved = bulk_advance(
            current_user,
            coops,
            to_stage,
            form.evidence(),
            form.note.data,
            versions,
            office_today(),
        )
    except IntegrityError as error:
        return lost_race(form, error)
    except BulkRefused as error:
        general = show_problems(form, error)
        refusals = [
            (names[cid], [problem_message(p) for p in problems])
            for cid, problems in error.refusals.items()
            if cid not in error.stale
        ]
        stale = [
            StaleNotice(state, state.active and state.stage == from_stage_of(to_stage), names[cid])
            for cid in error.stale
            if (state := current_state(cid)) is not None
        ]
        return render_bulk(to_stage, form, regency_id, refusals, general, stale)
    flash(_("%(count)s cooperatives moved.", count=len(moved)), "success")
    return redirect(back)
