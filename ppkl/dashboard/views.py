from datetime import date

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ppkl.access import public, requires
from ppkl.certification.queries import target_progress
from ppkl.clock import office_today
from ppkl.coverage import province_ids, recap_scope, sees_nation
from ppkl.dashboard.blueprint import bp
from ppkl.extensions import db
from ppkl.i18n import scope_label
from ppkl.inputs import db_int
from ppkl.permissions import Permission
from ppkl.progress.display import charts, months_chart, rate_note
from ppkl.progress.officer import own_months
from ppkl.progress.series import area_progress
from ppkl.recap_past import recap_of
from ppkl.tasks.queries import dashboard_task_counts


@bp.route("/")
@public
def home():
    """The site root sends people to the dashboard (or to sign-in)."""
    return redirect(url_for("dashboard.index"))


def parse_as_of(value: str | None, today: date) -> tuple[date | None, str | None]:
    """The dashboard's ?as_of=YYYY-MM-DD: (day or None for today, error message or None)."""
    if not value:
        return None, None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None, _("Enter a date as YYYY-MM-DD.")
    if day > today:
        return None, _("Choose a day not after today.")
    return (None if day == today else day), None


@bp.route("/dashboard")
@requires(Permission.VIEW_RECAP)
def index():
    """The province recap (Capaian Koperasi) by regency, today's or as of a past day."""
    today = office_today()
    as_of, as_of_error = parse_as_of(request.args.get("as_of"), today)
    drill = request.args.get("province", type=db_int)
    shown = recap_scope(current_user, drill)
    recap = recap_of(db.session, shown, as_of)
    day = as_of or today
    targets = target_progress(recap, day, shown, today)
    return render_template(
        "dashboard/index.html",
        recap=recap,
        shown=shown,
        scope_name=scope_label(shown),
        drilled=bool(drill) and sees_nation(current_user) and shown.province is not None,
        province_ids=province_ids(db.session) if shown.by_province else {},
        today=day,
        as_of=as_of,
        as_of_error=as_of_error,
        targets=targets,
        task_counts=dashboard_task_counts(current_user),
        progress_charts=province_charts(day, today, shown, recap),
        progress_note=rate_note(),
        own_months=own_months_chart(day),
    )


def province_charts(day: date, today: date, shown, recap):
    """The province's and regencies' charts are the supervisors' view of the year; an officer
    sees their own months instead (and is spared the series over the whole province, seconds
    at national size)."""
    if current_user.is_officer:
        return []
    return charts(area_progress(db.session, day, today, shown, recap))


def own_months_chart(day: date):
    """The signed-in officer's own months of `day`'s year (None for anyone else)."""
    months = own_months(db.session, current_user, day)
    return months_chart(months, current_user.full_name) if months else None
