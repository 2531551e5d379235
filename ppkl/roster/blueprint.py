"""The roster blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("roster", __name__)

from ppkl.roster import views  # noqa: E402,F401
