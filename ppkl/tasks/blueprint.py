"""The tasks blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)

from ppkl.tasks import views  # noqa: E402,F401
