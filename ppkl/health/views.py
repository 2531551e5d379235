from flask import current_app, jsonify

from ppkl.access import public
from ppkl.extensions import db
from ppkl.health.blueprint import bp
from ppkl.health.checks import is_ready, readiness


@bp.route("/healthz")
@public
def healthz():
    """The process is alive and answering; touches nothing else."""
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz():
    """Ready for traffic: the database answers and its schema is at the migrations' head."""
    state = readiness(db.session, current_app.extensions["migrate"].directory)
    ready = is_ready(state)
    headers = {} if ready else {"Retry-After": str(current_app.config["DATABASE_RETRY_AFTER"])}
    return jsonify(status="ok" if ready else "unavailable", **state), 200 if ready else 503, headers
