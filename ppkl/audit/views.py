from flask import render_template, request

from ppkl.access import requires
from ppkl.audit.blueprint import bp
from ppkl.audit.forms import AuditFilterForm
from ppkl.audit.queries import AUDIT_ORDER, audit_events
from ppkl.extensions import db
from ppkl.pagination import paginate
from ppkl.permissions import Permission


@bp.route("/")
@requires(Permission.VIEW_AUDIT_LOG)
def index():
    """The audit log, newest first, filtered by user, action and office date range."""
    form = AuditFilterForm(request.args)
    if request.args:
        form.validate()
    page = paginate(db.session, audit_events(form.audit_filter()), keyset=AUDIT_ORDER)
    return render_template("auditlog/index.html", form=form, page=page)
