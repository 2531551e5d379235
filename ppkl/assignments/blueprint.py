"""The assignments blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("assignments", __name__)

from ppkl.assignments import views  # noqa: E402,F401
