"""The dashboard blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from ppkl.dashboard import views  # noqa: E402,F401
