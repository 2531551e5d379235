"""The health probes' blueprint."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from ppkl.health import views  # noqa: E402,F401
