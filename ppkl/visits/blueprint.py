"""The visits blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("visits", __name__)

from ppkl.visits import views  # noqa: E402,F401
