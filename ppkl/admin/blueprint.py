"""The admin blueprint; importing this module registers the area's views."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from ppkl.admin import province_views, views  # noqa: E402,F401
