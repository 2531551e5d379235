"""The auth blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from ppkl.auth import views  # noqa: E402,F401
